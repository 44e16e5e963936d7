// The events table: one row per event, sortable by column (sorted by the server, so the
// order holds across pages); a click on a row selects the event.

import { clear, el } from "./dom.js";
import { typeColor } from "./colors.js";

export const COLUMNS = [
  { key: "date", label: "date", sort: "date" },
  { key: "type", label: "type", sort: "sub_event_type" },
  { key: "actor1", label: "actor 1", sort: "actor1" },
  { key: "actor2", label: "actor 2", sort: "actor2" },
  { key: "location", label: "location", sort: "location" },
  { key: "country", label: "country", sort: "country" },
  { key: "fatalities", label: "deaths", sort: "fatalities" },
  { key: "source", label: "source" },
  { key: "confidence", label: "conf.", sort: "confidence" },
];

function cells(event) {
  const loc = event.location;
  const precision = event.date_precision && event.date_precision !== "day" ? ` (${event.date_precision})` : "";
  const source = el("span", {}, event.attribution || "");
  if (event.contested) source.append(el("span", { className: "badge contested" }, "contested"));
  const swatch = el("span", { className: "swatch", "aria-hidden": "true" });
  swatch.style.backgroundColor = typeColor(event.event_type);
  return {
    date: `${event.date || "undated"}${precision}`,
    type: el("span", { title: event.event_type }, swatch, event.sub_event_type),
    actor1: event.actor1 ? event.actor1.name : "—",
    actor2: event.actor2 ? event.actor2.name : "—",
    location: loc ? loc.name : "—",
    country: loc && loc.country ? loc.country : "",
    fatalities: event.fatalities ?? "",
    source,
    confidence: event.confidence.toFixed(2),
  };
}

export class EventTable {
  constructor(table, { onSort, onSelect }) {
    this.table = table;
    this.onSort = onSort;
    this.onSelect = onSelect;
    this.sort = { column: "date", order: "desc" };
    this.selectedId = null;
    this.drawHeader();
  }

  drawHeader() {
    const row = clear(this.table.tHead.rows[0]);
    for (const column of COLUMNS) {
      const active = column.sort && column.sort === this.sort.column;
      const th = el("th", {
        scope: "col",
        "aria-sort": active ? (this.sort.order === "asc" ? "ascending" : "descending") : null,
        dataset: { column: column.key },
      });
      if (column.sort) {
        const arrow = active ? (this.sort.order === "asc" ? " ▲" : " ▼") : "";
        const button = el("button", { type: "button", className: "sort" }, column.label + arrow);
        button.addEventListener("click", () => this.toggleSort(column.sort));
        th.append(button);
      } else {
        th.append(column.label);
      }
      row.append(th);
    }
  }

  toggleSort(column) {
    const order = this.sort.column === column && this.sort.order === "desc" ? "asc" : "desc";
    this.sort = { column, order };
    this.drawHeader();
    this.onSort(this.sort);
  }

  /** Shows a page of events. */
  show(events) {
    const body = clear(this.table.tBodies[0]);
    for (const event of events) {
      const values = cells(event);
      const tr = el("tr", { tabindex: "0", dataset: { id: event.id, type: event.sub_event_type } });
      if (event.id === this.selectedId) tr.classList.add("selected");
      for (const column of COLUMNS) tr.append(el("td", { dataset: { column: column.key } }, values[column.key]));
      tr.addEventListener("click", () => this.onSelect(event.id));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter") this.onSelect(event.id);
      });
      body.append(tr);
    }
    if (!events.length) {
      body.append(el("tr", {}, el("td", { colspan: String(COLUMNS.length), className: "empty" }, "No events match.")));
    }
  }

  select(eventId) {
    this.selectedId = eventId;
    for (const tr of this.table.tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.id === eventId);
  }
}
