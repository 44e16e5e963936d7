// The dashboard: filters -> (timeline, map, table); a selected event -> detail pane.
// The filters live in the URL's fragment, so a view can be bookmarked or shared.

import { FILTER_NAMES, getJson, withoutDates } from "./api.js";
import { clear, el } from "./dom.js";
import { knownTypes, typeColor } from "./colors.js";
import { EventMap } from "./map.js";
import { EventTable } from "./table.js";
import { Timeline } from "./timeline.js";
import { DetailPane } from "./panel.js";

const PAGE_SIZE = 50;
const MAP_LIMIT = 2000;
const $ = (id) => document.getElementById(id);

const state = { filters: {}, sort: { column: "date", order: "desc" }, offset: 0, total: 0, interval: "day" };
let map;
let table;
let timeline;
let detail;

function readForm() {
  const form = new FormData($("filters"));
  const filters = {};
  for (const name of FILTER_NAMES) {
    const value = String(form.get(name) || "").trim();
    if (value) filters[name] = value;
  }
  return filters;
}

function writeForm(filters) {
  for (const name of FILTER_NAMES) {
    const input = $("filters").elements.namedItem(name);
    if (input) input.value = filters[name] || "";
  }
}

function filtersFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return Object.fromEntries(FILTER_NAMES.filter((n) => params.get(n)).map((n) => [n, params.get(n)]));
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function fillControls(overview) {
  const country = $("f-country");
  for (const c of overview.countries) country.append(el("option", { value: c.code }, `${c.name} (${c.events})`));
  const type = $("f-type");
  for (const t of overview.event_types) {
    const group = el("optgroup", { label: t.name });
    group.append(el("option", { value: t.name }, `${t.name} (all)`));
    for (const sub of t.sub_event_types) group.append(el("option", { value: sub }, sub));
    type.append(group);
  }
  const legend = clear($("legend"));
  for (const name of knownTypes()) {
    const swatch = el("span", { className: "swatch", "aria-hidden": "true" });
    swatch.style.backgroundColor = typeColor(name);
    legend.append(el("li", {}, swatch, name));
  }
  legend.append(el("li", { className: "size-note" }, "circle size: deaths"));
  // per day when the whole database spans a year or so, else per week
  const span = overview.first_date && overview.last_date
    ? (Date.parse(overview.last_date) - Date.parse(overview.first_date)) / 86400000 : 0;
  state.interval = span > 400 ? "week" : "day";
}

async function refresh({ fit = true } = {}) {
  const filters = state.filters;
  history.replaceState(null, "", `#${new URLSearchParams(filters)}`);
  setStatus("Loading…");
  try {
    const [counts, collection] = await Promise.all([
      getJson("counts", { ...withoutDates(filters), interval: state.interval, by: "event_type" }),
      getJson("events.geojson", { ...filters, limit: MAP_LIMIT }),
      loadPage(),
    ]);
    timeline.render(counts, { since: filters.since, until: filters.until });
    $("timeline-clear").hidden = !(filters.since || filters.until);
    map.show(collection, { fit });
    const shown = collection.truncated ? ` (map: newest ${collection.features.length} of ${collection.total})` : "";
    setStatus(`${state.total} events${shown}`);
  } catch (error) {
    setStatus(error.message, true);
  }
}

async function loadPage() {
  const page = await getJson("events", {
    ...state.filters, limit: PAGE_SIZE, offset: state.offset, sort: state.sort.column, order: state.sort.order,
  });
  state.total = page.total;
  table.show(page.events);
  $("event-total").textContent = `(${page.total})`;
  const last = Math.min(page.total, state.offset + page.events.length);
  $("page-info").textContent = page.total ? `${state.offset + 1}–${last} of ${page.total}` : "";
  $("page-prev").disabled = state.offset === 0;
  $("page-next").disabled = last >= page.total;
  return page;
}

async function applyFilters(filters) {
  state.filters = filters;
  state.offset = 0;
  writeForm(filters);
  await refresh();
}

async function selectEvent(eventId) {
  table.select(eventId);
  map.highlight(eventId);
  try {
    await detail.showEvent(eventId);
  } catch (error) {
    detail.message(`Cannot show the event: ${error.message}`);
  }
}

function wireControls() {
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters(readForm());
  });
  $("f-reset").addEventListener("click", () => applyFilters({}));
  $("timeline-clear").addEventListener("click", () => {
    const { since, until, ...rest } = state.filters;
    applyFilters(rest);
  });
  $("page-prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    loadPage().catch((e) => setStatus(e.message, true));
  });
  $("page-next").addEventListener("click", () => {
    state.offset += PAGE_SIZE;
    loadPage().catch((e) => setStatus(e.message, true));
  });
}

async function start() {
  if (typeof L === "undefined" || typeof topojson === "undefined") {
    throw new Error("the map libraries are missing from static/vendor/: run `make install` (npm ci and web/build.mjs)");
  }
  const timings = { script: performance.now() };
  const [config, overview] = await Promise.all([getJson("config"), getJson("overview")]);
  timings.overview = performance.now();
  map = new EventMap($("map"), { tiles: config.tiles, onSelect: selectEvent });
  table = new EventTable($("events-table"), {
    onSort: (sort) => {
      state.sort = sort;
      state.offset = 0;
      loadPage().catch((e) => setStatus(e.message, true));
    },
    onSelect: selectEvent,
  });
  timeline = new Timeline($("timeline"), {
    onBrush: (range) => applyFilters({ ...state.filters, ...range }),
  });
  detail = new DetailPane($("detail"), { onSelectEvent: selectEvent });
  fillControls(overview);
  wireControls();
  state.filters = filtersFromHash();
  writeForm(state.filters);
  const boundaries = map.loadBoundaries().then(
    () => { timings.boundaries = performance.now(); },
    (e) => setStatus(e.message, true),
  );
  await Promise.all([boundaries, refresh().then(() => { timings.data = performance.now(); })]);
  // for tests and benchmarks: the events on the map, the state, when the page became ready
  window.sitreps = { map: () => map.summary(), state: () => ({ ...state }), readyAt: performance.now(), timings };
  document.body.dataset.state = "ready";
}

start().catch((error) => {
  setStatus(`The dashboard could not start: ${error.message}`, true);
  document.body.dataset.state = "error";
});
