// One colour per ACLED event type (map markers, timeline bars, legend, table).

const TYPE_COLORS = {
  Battles: "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  Protests: "#2471a3",
  Riots: "#d4ac0d",
  "Strategic developments": "#5d6d7e",
};
const OTHER = "#7f8c8d";

export function typeColor(eventType) {
  return TYPE_COLORS[eventType] || OTHER;
}

export function knownTypes() {
  return Object.keys(TYPE_COLORS);
}
