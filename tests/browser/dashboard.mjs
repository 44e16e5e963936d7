// Drives the dashboard in headless Chromium (playwright-core from web/node_modules, Debian's
// /usr/bin/chromium) against a server the Python test started; prints one JSON line of
// findings and exits 1 on the first failed check.
//
//   node tests/browser/dashboard.mjs BASE_URL ARTIFACT_DIR
//   env: SITREPS_CHROMIUM (default /usr/bin/chromium)

import { join } from "node:path";

import { openBrowser } from "./chromium.mjs";

const SYRIA = { south: 32.3, north: 37.4, west: 35.6, east: 42.4 };
const STRIKE = "Air/drone strike";

const [base, artifacts] = process.argv.slice(2);
const findings = {};

function check(condition, message, detail) {
  if (!condition) {
    const error = new Error(message);
    error.detail = detail;
    throw error;
  }
}

async function rows(page) {
  return page.$$eval("#events-table tbody tr[data-id]", (trs) => trs.map((tr) => ({
    id: tr.dataset.id, type: tr.dataset.type, country: tr.querySelector('[data-column="country"]').textContent,
  })));
}

async function waitForTable(page, predicate, arg) {
  await page.waitForFunction(predicate, arg, { timeout: 15000 });
}

async function main() {
  const { context, close } = await openBrowser();
  const errors = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
    const outside = [];
    page.on("request", (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });

    const started = Date.now();
    await page.goto(`${base}/`);
    await page.waitForSelector("body[data-state=ready]", { timeout: 20000 });
    findings.ready_ms = Date.now() - started;

    // 1. the map shows markers in Syria, drawn (as circles or clusters) in the map
    const all = await page.evaluate(() => window.sitreps.map());
    const inSyria = all.filter((m) => m.lat > SYRIA.south && m.lat < SYRIA.north && m.lon > SYRIA.west && m.lon < SYRIA.east);
    findings.markers = all.length;
    findings.markers_in_syria = inSyria.length;
    check(inSyria.length > 0, "no marker in Syria", all);
    const drawn = await page.$$eval("#map path.ev-marker, #map .marker-cluster", (els) => els.length);
    check(drawn > 0, "no marker or cluster drawn on the map");
    const boundaries = await page.$$eval("#map canvas", (els) => els.length);
    check(boundaries > 0, "country boundaries not drawn");
    const bars = await page.$$eval("#timeline rect.bar", (els) => els.length);
    check(bars > 0, "empty timeline");
    const before = await rows(page);
    findings.rows_before = before.length;

    // 1b. brushing the timeline sets the date range; "clear dates" drops it
    const overlay = await page.$("#timeline .brush-overlay");
    const box = await overlay.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await waitForTable(page, (count) => {
      const n = document.querySelectorAll("#events-table tbody tr[data-id]").length;
      return document.getElementById("f-since").value !== "" && n > 0 && n < count;
    }, before.length);
    findings.brushed = { since: await page.inputValue("#f-since"), until: await page.inputValue("#f-until"), rows: (await rows(page)).length };
    check(page.url().includes("since="), "the brushed range is not in the URL", page.url());
    await page.click("#timeline-clear");
    await waitForTable(page, (count) => document.querySelectorAll("#events-table tbody tr[data-id]").length === count
      && document.getElementById("f-since").value === "", before.length);

    // 2. filtering by "Air/drone strike" narrows the table and the map
    await page.selectOption("#f-type", STRIKE);
    await page.click("#f-apply");
    await waitForTable(page, ({ strike, count }) => {
      const trs = [...document.querySelectorAll("#events-table tbody tr[data-id]")];
      return trs.length > 0 && trs.length < count && trs.every((tr) => tr.dataset.type === strike);
    }, { strike: STRIKE, count: before.length });
    await page.waitForFunction((strike) => {
      const markers = window.sitreps.map();
      return markers.length > 0 && markers.every((m) => m.sub_event_type === strike);
    }, STRIKE);
    const strikes = await rows(page);
    const strikeMarkers = await page.evaluate(() => window.sitreps.map());
    findings.rows_after = strikes.length;
    findings.markers_after = strikeMarkers.length;
    check(strikeMarkers.length < all.length, "the map did not narrow", strikeMarkers);
    check(page.url().includes("type=Air%2Fdrone+strike"), "the filter is not in the URL", page.url());

    // 3. clicking an event opens the panel, and the article shows its evidence highlighted
    const syrian = strikes.find((r) => r.country === "SY") || strikes[0];
    await page.click(`#events-table tbody tr[data-id="${syrian.id}"]`);
    await page.waitForSelector(`.event-panel[data-id="${syrian.id}"]`);
    await page.waitForSelector(".article-reader mark.evidence");
    const panel = await page.evaluate(() => ({
      evidence: [...document.querySelectorAll(".event-panel .evidence-list q")].map((q) => q.textContent),
      marked: [...document.querySelectorAll(".article-reader mark.evidence")].map((m) => m.textContent),
      fields: [...document.querySelectorAll(".event-panel dt")].map((dt) => dt.textContent),
    }));
    check(panel.marked.length > 0, "no evidence highlighted");
    check(panel.marked.every((m) => panel.evidence.some((e) => e.includes(m.trim()))), "highlight is not the evidence", panel);
    for (const field of ["confidence", "attribution", "contested"]) check(panel.fields.includes(field), `panel lacks ${field}`, panel);
    findings.highlighted = panel.marked.length;
    const selectedRow = await page.$eval("#events-table tr.selected", (tr) => tr.dataset.id);
    check(selectedRow === syrian.id, "the clicked row is not selected");
    await page.waitForSelector(`#map[data-selected="${syrian.id}"]`);
    await page.waitForTimeout(600); // the map's zoom animation
    await page.screenshot({ path: join(artifacts, "dashboard.png"), fullPage: false });

    // 4. the incident view lists the reports
    await page.click(".incident-link");
    await page.waitForSelector(".incident-view .reports li");

    // 5. sorting by deaths (server side) orders the rows
    await page.click("#f-reset");
    await waitForTable(page, (count) => document.querySelectorAll("#events-table tbody tr[data-id]").length === count, before.length);
    await page.click('#events-table th[data-column="fatalities"] button');
    await page.waitForSelector('#events-table th[data-column="fatalities"][aria-sort="descending"]');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('#events-table td[data-column="fatalities"]')].map((td) => td.textContent);
      const numbers = cells.filter((c) => c !== "").map(Number);
      return numbers.length > 1 && numbers.every((n, i) => i === 0 || numbers[i - 1] >= n);
    });

    // 6. the hostile article stays text: no script ran, no element came from its text
    await page.fill("#f-text", "herders near Kidal");
    await page.click("#f-apply");
    await waitForTable(page, () => document.querySelectorAll("#events-table tbody tr[data-id]").length === 1);
    await page.click("#events-table tbody tr[data-id]");
    await page.waitForSelector(".article-reader mark.evidence");
    const hostile = await page.evaluate(() => {
      const reader = document.querySelector(".article-reader");
      return {
        xss: window.__xss,
        text: reader.querySelector(".article-text").textContent,
        title: reader.querySelector("h3").textContent,
        injected: reader.querySelectorAll("script, img, b, i, a[href^='javascript']").length
          + document.querySelectorAll(".event-panel script, .event-panel img, .event-panel i").length,
        links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")).filter((h) => /^javascript:/i.test(h)),
        unsafe: document.querySelectorAll(".article-reader .unsafe-url").length,
      };
    });
    findings.hostile = hostile;
    check(hostile.xss === undefined, "a script from the article ran", hostile);
    check(hostile.injected === 0 && hostile.links.length === 0, "markup from the article became elements", hostile);
    check(hostile.text.includes("<script>window.__xss = 1</script>") && hostile.title.startsWith("<img"), "the markup is not shown as text", hostile);
    check(hostile.unsafe === 1, "the javascript: source is not shown as plain text", hostile);

    const violations = await page.evaluate(() => window.__violations);

    // 7. the API docs load from this server
    await page.goto(`${base}/docs`);
    await page.waitForSelector(".swagger-ui .opblock", { timeout: 20000 });
    findings.docs_operations = await page.$$eval(".swagger-ui .opblock", (els) => els.length);

    findings.violations = [...violations, ...(await page.evaluate(() => window.__violations))];
    findings.requests_elsewhere = outside;
    findings.errors = errors;
    check(outside.length === 0, "requests left the server", outside);
    check(errors.length === 0, "script errors on the page", errors);
    check(findings.violations.length === 0, "Content-Security-Policy violations", findings.violations);
  } finally {
    await close();
  }
}

main().then(
  () => {
    console.log(JSON.stringify({ ok: true, ...findings }));
  },
  (error) => {
    console.log(JSON.stringify({ ok: false, error: error.message, detail: error.detail ?? null, ...findings }));
    process.exit(1);
  },
);
