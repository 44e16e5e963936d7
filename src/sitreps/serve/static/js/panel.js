// The detail pane: the event panel (fields, confidence, attribution, contested, evidence),
// the article reader (clean text with the evidence highlighted) and the incident view.
// Article text is untrusted: it is split into DOM text nodes and <mark> elements built with
// textContent, never parsed as HTML.

import { getJson } from "./api.js";
import { clear, el, fieldList, sourceLink } from "./dom.js";
import { typeColor } from "./colors.js";

function actorText(actor) {
  if (!actor) return null;
  return `${actor.name}${actor.kind ? ` (${actor.kind})` : ""}${actor.text && actor.text !== actor.name ? ` — “${actor.text}”` : ""}`;
}

function placeText(loc) {
  if (!loc) return null;
  const parts = [loc.name, loc.admin1, loc.country].filter(Boolean);
  const coords = loc.lat !== null && loc.lat !== undefined ? ` · ${loc.lat.toFixed(3)}, ${loc.lon.toFixed(3)}` : "";
  return `${parts.join(", ")} (${loc.precision})${coords}`;
}

function confidenceMeter(value) {
  const meter = el("meter", { min: "0", max: "1", value: String(value), className: "confidence" });
  return el("span", {}, meter, ` ${value.toFixed(2)}`);
}

function evidenceList(evidence) {
  return el(
    "ol",
    { className: "evidence-list" },
    evidence.map((e) =>
      el("li", {}, el("q", {}, e.text), e.supports.length ? el("span", { className: "supports" }, ` supports: ${e.supports.join(", ")}`) : null),
    ),
  );
}

/**
 * The article text as nodes: plain text, with the spans of `current` evidence in
 * <mark class="evidence"> and other events' evidence in <mark class="evidence-other">.
 */
export function highlightedText(text, currentSpans, otherSpans) {
  const spans = [
    ...currentSpans.map((s) => ({ ...s, current: true })),
    ...otherSpans.map((s) => ({ ...s, current: false })),
  ].filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= text.length && s.start < s.end);
  const cuts = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = text.slice(from, to);
    const covering = spans.filter((s) => s.start <= from && s.end >= to);
    if (!covering.length) {
      fragment.append(document.createTextNode(piece));
      continue;
    }
    const current = covering.some((s) => s.current);
    const mark = el("mark", { className: current ? "evidence" : "evidence-other" }, piece);
    const supports = [...new Set(covering.flatMap((s) => s.supports || []))];
    if (supports.length) mark.title = `supports: ${supports.join(", ")}`;
    fragment.append(mark);
  }
  return fragment;
}

export class DetailPane {
  constructor(container, { onSelectEvent }) {
    this.container = container;
    this.onSelectEvent = onSelectEvent;
    this.request = 0;
  }

  message(text) {
    clear(this.container).append(el("p", { className: "placeholder" }, text));
  }

  /** Shows an event (fields and evidence), then its article with the evidence marked. */
  async showEvent(eventId) {
    const ticket = ++this.request;
    const event = await getJson(`events/${encodeURIComponent(eventId)}`);
    if (ticket !== this.request) return;
    clear(this.container);
    const panel = el("section", { className: "event-panel", dataset: { id: event.id } });
    const swatch = el("span", { className: "swatch", "aria-hidden": "true" });
    swatch.style.backgroundColor = typeColor(event.event_type);
    panel.append(
      el("h2", {}, swatch, event.sub_event_type),
      fieldList([
        ["type", event.event_type],
        ["date", event.date ? `${event.date}${event.date_precision ? ` (${event.date_precision})` : ""}` : "undated"],
        ["actor 1", actorText(event.actor1)],
        ["actor 2", actorText(event.actor2)],
        ["place", placeText(event.location)],
        ["deaths", event.fatalities ?? "unknown"],
        ["modality", event.modality],
        ["attribution", event.attribution || "the article itself"],
        ["contested", event.contested ? el("span", { className: "badge contested" }, "contested") : "no"],
        ["confidence", confidenceMeter(event.confidence)],
        ["PLOVER / CAMEO", [event.plover, event.plover_mode, event.cameo].filter(Boolean).join(" · ")],
      ]),
      el("h3", {}, "Evidence"),
      evidenceList(event.evidence),
    );
    if (event.incident_id) {
      const button = el("button", { type: "button", className: "incident-link" }, "Incident: all reports");
      button.addEventListener("click", () => this.showIncident(event.incident_id));
      panel.append(button);
    }
    this.container.append(panel);
    const article = await getJson(`articles/${encodeURIComponent(event.article.id)}`);
    if (ticket !== this.request) return;
    this.container.append(this.articleReader(article, event.id));
    const first = this.container.querySelector("mark.evidence");
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  articleReader(article, eventId) {
    const current = article.events.find((e) => e.id === eventId);
    const others = article.events.filter((e) => e.id !== eventId).flatMap((e) => e.evidence);
    const body = el("div", { className: "article-text" });
    body.append(highlightedText(article.text, current ? current.evidence : [], others));
    const meta = [article.source, article.date ? `story date ${article.date}` : null,
      article.page_date && article.page_date !== article.date ? `page date ${article.page_date}` : null]
      .filter(Boolean).join(" · ");
    return el(
      "article",
      { className: "article-reader", dataset: { id: article.id } },
      el("h3", {}, article.title || "(untitled article)"),
      el("p", { className: "meta" }, meta),
      el("p", { className: "meta" }, "source: ", article.url ? sourceLink(article.url) : article.input),
      article.copies ? el("p", { className: "meta" }, `${article.copies} more cop${article.copies === 1 ? "y" : "ies"} of this article ingested`) : null,
      body,
    );
  }

  /** Shows an incident: its merged fields and every report with its evidence. */
  async showIncident(incidentId) {
    const ticket = ++this.request;
    const incident = await getJson(`incidents/${encodeURIComponent(incidentId)}`);
    if (ticket !== this.request) return;
    const deaths = incident.fatalities_best === null ? "unknown"
      : incident.fatalities_low === incident.fatalities_high ? String(incident.fatalities_best)
        : `${incident.fatalities_best} (${incident.fatalities_low}–${incident.fatalities_high})`;
    const view = el(
      "section",
      { className: "incident-view", dataset: { id: incident.id } },
      el("h2", {}, `Incident: ${incident.sub_event_type}`),
      fieldList([
        ["date", incident.date ? `${incident.date} (${incident.date_precision})` : "undated"],
        ["actor 1", actorText(incident.actor1)],
        ["actor 2", actorText(incident.actor2)],
        ["place", placeText(incident.location)],
        ["deaths", deaths],
        ["modality", incident.modality],
        ["sources", incident.attributions.join("; ")],
        ["contested", incident.contested ? el("span", { className: "badge contested" }, "contested") : "no"],
        ["confidence", confidenceMeter(incident.confidence)],
        ["reports", `${incident.reports} in ${incident.articles} article${incident.articles === 1 ? "" : "s"}`],
      ]),
      el("h3", {}, "Reports"),
    );
    const list = el("ol", { className: "reports" });
    for (const source of incident.sources) {
      const open = el("button", { type: "button", className: "report-open" }, source.article.title || source.article.id);
      open.addEventListener("click", () => this.onSelectEvent(source.event_id));
      list.append(el(
        "li",
        { dataset: { event: source.event_id } },
        open,
        el("div", { className: "meta" }, [source.article.source, source.date, source.fatalities !== null ? `${source.fatalities} killed` : null,
          source.attribution, source.contested ? "contested" : null].filter(Boolean).join(" · ")),
        source.article.url ? el("div", { className: "meta" }, sourceLink(source.article.url)) : null,
        evidenceList(source.evidence),
      ));
    }
    view.append(list);
    clear(this.container).append(view);
  }
}
