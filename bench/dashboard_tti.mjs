// Time to interactive of the dashboard in headless Chromium: navigation start to the first
// complete render (body[data-state=ready]), on the page's own clock. The first load uses a
// fresh profile (nothing cached); later loads reuse the browser's cache, as an analyst would.
//
//   node bench/dashboard_tti.mjs BASE_URL RUNS   -> one JSON line

import { openBrowser } from "../tests/browser/chromium.mjs";

const [base, runsText] = process.argv.slice(2);
const runs = Math.max(1, Number(runsText || 5));
const { context, close } = await openBrowser();
const times = [];
const phases = [];
try {
  for (let i = 0; i < runs; i += 1) {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector("body[data-state=ready]", { timeout: 60000 });
    const { readyAt, timings } = await page.evaluate(() => ({ readyAt: window.sitreps.readyAt, timings: window.sitreps.timings }));
    times.push(readyAt);
    phases.push(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])));
    await page.close();
  }
} finally {
  await close();
}
const later = times.slice(1).sort((a, b) => a - b);
const median = later.length ? later[Math.floor((later.length - 1) / 2)] : times[0];
console.log(JSON.stringify({ runs, first_ms: times[0], median_ms: median, max_ms: Math.max(...times), times, phases }));
