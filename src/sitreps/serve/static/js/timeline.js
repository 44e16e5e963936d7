// The timeline: events per day (or week) stacked by event type, as SVG, with a brush.
// Dragging across it selects a date range; the dashboard then filters every view by it.

import { clear } from "./dom.js";
import { typeColor } from "./colors.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY_MS = 86400000;
const HEIGHT = 130;
const MARGIN = { top: 8, right: 12, bottom: 22, left: 34 };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const toMs = (iso) => Date.parse(`${iso}T00:00:00Z`);
const toIso = (ms) => new Date(ms).toISOString().slice(0, 10);

export class Timeline {
  constructor(container, { onBrush }) {
    this.container = container;
    this.onBrush = onBrush;
    this.counts = null;
    this.range = {};
  }

  /** Draws the counts (from api/counts) and the selected range {since, until}. */
  render(counts, range = {}) {
    this.counts = counts;
    this.range = range;
    clear(this.container);
    const width = Math.max(320, this.container.clientWidth || 640);
    const root = svg("svg", { width, height: HEIGHT, role: "img", "aria-label": "events per period" });
    this.container.append(root);
    const step = counts.interval === "week" ? 7 * DAY_MS : DAY_MS;
    const periods = [...new Set(counts.buckets.map((b) => b.period))].sort();
    if (!periods.length) {
      root.append(svg("text", { x: MARGIN.left, y: HEIGHT / 2, class: "empty" }, "no dated events"));
      this.scale = null;
      return;
    }
    const start = toMs(periods[0]);
    const end = toMs(periods[periods.length - 1]) + step;
    const pad = Math.max(step, (end - start) * 0.02);
    const x0 = start - pad;
    const x1 = end + pad;
    const plotWidth = width - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (ms) => MARGIN.left + ((ms - x0) / (x1 - x0)) * plotWidth;
    this.scale = { x, invert: (px) => x0 + ((px - MARGIN.left) / plotWidth) * (x1 - x0), x0, x1 };
    const byPeriod = new Map();
    for (const b of counts.buckets) {
      if (!byPeriod.has(b.period)) byPeriod.set(b.period, new Map());
      byPeriod.get(b.period).set(b.key, b);
    }
    const highest = Math.max(...[...byPeriod.values()].map((m) => [...m.values()].reduce((s, b) => s + b.events, 0)));
    const y = (n) => (n / highest) * plotHeight;
    const bars = svg("g", { class: "bars" });
    for (const [period, keys] of byPeriod) {
      const left = x(toMs(period));
      const barWidth = Math.max(2, x(toMs(period) + step) - left - 0.5);
      let stacked = 0;
      for (const key of counts.keys) {
        const bucket = keys.get(key);
        if (!bucket) continue;
        const h = Math.max(1, y(bucket.events));
        const rect = svg("rect", {
          x: left.toFixed(1), y: (MARGIN.top + plotHeight - stacked - h).toFixed(1),
          width: barWidth.toFixed(1), height: h.toFixed(1), fill: typeColor(key), class: "bar",
          "data-period": period, "data-key": key ?? "",
        });
        const deaths = bucket.fatalities ? `, ${bucket.fatalities} killed` : "";
        rect.append(svg("title", {}, `${period}: ${bucket.events} ${key ?? "unknown"}${deaths}`));
        bars.append(rect);
        stacked += h;
      }
    }
    root.append(bars);
    this.drawAxis(root, plotHeight, highest);
    this.drawBrush(root, plotHeight);
  }

  drawAxis(root, plotHeight, highest) {
    const { x, x0, x1 } = this.scale;
    const axis = svg("g", { class: "axis" });
    const baseline = MARGIN.top + plotHeight;
    axis.append(svg("line", { x1: MARGIN.left, x2: x(x1), y1: baseline, y2: baseline }));
    const span = x1 - x0;
    const ticks = 6;
    for (let i = 0; i <= ticks; i += 1) {
      const ms = x0 + (span * i) / ticks;
      const label = span > 3 * 365 * DAY_MS ? toIso(ms).slice(0, 7) : toIso(ms);
      const anchor = i === 0 ? "start" : i === ticks ? "end" : "middle";
      axis.append(svg("text", { x: x(ms), y: baseline + 15, "text-anchor": anchor }, label));
    }
    axis.append(svg("text", { x: MARGIN.left - 4, y: MARGIN.top + 8, "text-anchor": "end" }, String(highest)));
    axis.append(svg("text", { x: MARGIN.left - 4, y: baseline, "text-anchor": "end" }, "0"));
    root.append(axis);
  }

  drawBrush(root, plotHeight) {
    const { x, invert } = this.scale;
    const overlay = svg("rect", {
      class: "brush-overlay", x: MARGIN.left, y: MARGIN.top,
      width: Math.max(0, x(this.scale.x1) - MARGIN.left), height: plotHeight,
    });
    const selection = svg("rect", { class: "brush-selection", y: MARGIN.top, height: plotHeight, width: 0 });
    const showRange = (from, to) => {
      selection.setAttribute("x", Math.min(from, to));
      selection.setAttribute("width", Math.abs(to - from));
    };
    if (this.range.since || this.range.until) {
      const from = this.range.since ? x(toMs(this.range.since)) : MARGIN.left;
      const to = this.range.until ? x(toMs(this.range.until) + DAY_MS) : x(this.scale.x1);
      showRange(Math.max(MARGIN.left, from), Math.min(x(this.scale.x1), to));
    }
    let origin = null;
    const local = (event) => event.clientX - root.getBoundingClientRect().left;
    overlay.addEventListener("pointerdown", (event) => {
      origin = local(event);
      overlay.setPointerCapture(event.pointerId);
      showRange(origin, origin);
    });
    overlay.addEventListener("pointermove", (event) => {
      if (origin !== null) showRange(origin, local(event));
    });
    overlay.addEventListener("pointerup", (event) => {
      if (origin === null) return;
      const end = local(event);
      const [from, to] = [Math.min(origin, end), Math.max(origin, end)];
      origin = null;
      if (to - from < 3) return;
      this.onBrush({ since: toIso(invert(from)), until: toIso(invert(to)) });
    });
    root.append(selection, overlay);
  }
}
