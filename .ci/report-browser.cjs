// Opens a Palisade HTML report in headless Chromium (Debian's, driven by playwright-core) and
// checks the rendered page against the JSON report of the same scan: totals, a row count, a
// severity filter, a search, a sort, a chart click and a rule's documentation. Measures the
// render time (navigation start to the first rendered table, which must be under 3 s) and
// writes a screenshot. Usage (from .ci/reports.sh):
//   node .ci/report-browser.cjs REPORT.html REPORT.json LABEL SCREENSHOT_DIR [EXTRA_SCREENSHOT]
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [htmlPath, jsonPath, label, shotDir, extraShot] = process.argv.slice(2);
const RENDER_BUDGET_MS = 3000;
const SEVERITIES = ["critical", "high", "medium", "low", "info"];

function check(condition, message) {
  if (!condition) throw new Error(`${label}: ${message}`);
  console.log(`  ok  ${message}`);
}

async function main() {
  const expected = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const open = expected.findings.filter((f) => !f.waived);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "palisade-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const problems = [];
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) problems.push(`network request: ${request.url()}`);
    });

    const started = Date.now();
    await page.goto("file://" + path.resolve(htmlPath), { waitUntil: "load" });
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true", null, { timeout: 30000 });
    const wall = Date.now() - started;
    const renderMs = Number(await page.evaluate(() => document.documentElement.dataset.renderMs));
    const size = fs.statSync(htmlPath).size;
    console.log(`${label}: ${open.length} findings, ${(size / 1048576).toFixed(2)} MiB; rendered in ${renderMs} ms `
      + `(navigation start to first table), ${wall} ms including load`);
    check(renderMs < RENDER_BUDGET_MS, `render time ${renderMs} ms is under ${RENDER_BUDGET_MS} ms`);

    // Totals in the header.
    const totals = await page.$$eval("[data-total]", (nodes) =>
      Object.fromEntries(nodes.map((n) => [n.dataset.total, Number(n.textContent.replace(/,/g, ""))])));
    for (const severity of SEVERITIES) {
      check(totals[severity] === expected.summary.bySeverity[severity],
        `total ${severity} = ${expected.summary.bySeverity[severity]}`);
    }
    check(totals.waived === expected.summary.waived, `total waived = ${expected.summary.waived}`);
    check(totals.errors === expected.summary.inputErrors, `total input errors = ${expected.summary.inputErrors}`);

    // Rows: one page of the table, and the count of matches.
    const rows = () => page.$$eval("#findings-table tbody tr", (trs) => trs.length);
    const matched = () => page.$eval("#findings-table", (t) => Number(t.dataset.matched));
    check(await matched() === open.length, `the table holds all ${open.length} findings`);
    check(await rows() === Math.min(100, open.length), `one page of ${Math.min(100, open.length)} rows is rendered`);
    check((await page.$$("figure.chart svg")).length === 3, "three charts are drawn");

    // A severity filter, through its checkboxes.
    const worst = SEVERITIES.find((s) => expected.summary.bySeverity[s] > 0);
    for (const severity of SEVERITIES) {
      await page.setChecked(`#filters input[name=severity][value=${severity}]`, severity === worst);
    }
    const badges = await page.$$eval("#findings-table tbody .badge", (nodes) => nodes.map((n) => n.textContent));
    check(await matched() === expected.summary.bySeverity[worst],
      `filtering to ${worst} leaves ${expected.summary.bySeverity[worst]} findings`);
    check(badges.length > 0 && badges.every((b) => b === worst), `every visible row is ${worst}`);
    check(page.url().includes(`sev=${worst}`), "the filter is kept in the URL fragment");

    // A search, typed (debounced), then reset.
    await page.click("#filter-reset");
    const code = open[0].code;
    const byCode = open.filter((f) => f.code === code).length;
    await page.fill("#filter-q", code);
    if (byCode < open.length) {
      await page.waitForFunction((n) => Number(document.getElementById("findings-table").dataset.matched) < n, open.length);
    }
    check(await matched() === byCode, `searching "${code}" matches its ${byCode} findings`);
    const codes = await page.$$eval("#findings-table tbody .rule-link", (nodes) => nodes.map((n) => n.textContent));
    check(codes.length > 0 && codes.every((c) => c === code), `searching "${code}" shows only its rows`);
    await page.click("#filter-reset");
    check(await matched() === open.length, "reset shows everything again");

    // Sorting by rule.
    await page.click("#findings-table th[data-key=rule] button");
    const sorted = await page.$$eval("#findings-table tbody .rule-link", (nodes) => nodes.map((n) => n.textContent));
    check(sorted.every((c, i) => i === 0 || sorted[i - 1] <= c), "sorting by rule orders the rows");
    const smallest = open.map((f) => f.code).sort()[0];
    check(sorted[0] === smallest, `the first row after sorting is ${smallest}`);

    // A chart bar filters the table to its category.
    const bar = await page.$("#chart-category [data-filter]");
    const category = (await bar.getAttribute("data-filter")).split("=")[1];
    await bar.click();
    check(await matched() === open.filter((f) => f.category === category).length,
      `clicking the ${category} bar filters to its findings`);
    await page.click("#filter-reset");

    // Waived findings, apart from the others, with their reasons.
    const waived = expected.findings.filter((f) => f.waived);
    if (waived.length > 0) {
      const shown = await page.$eval("#waived-table", (t) => Number(t.dataset.matched));
      check(shown === waived.length, `the waived table holds the ${waived.length} waived findings`);
      const reason = await page.$eval("#waived-table tbody td.reason", (td) => td.firstChild.textContent);
      check(reason === waived[0].waiver.reason, `a waived row gives its reason ("${reason}")`);
    } else {
      check((await page.$("#waived-table")) === null, "no waived table when nothing is waived");
    }

    // A rule's documentation, one click from a row.
    await page.click("#findings-table tbody .rule-link");
    const dialog = await page.$eval("#rule-dialog", (d) => ({ open: d.open, text: d.textContent }));
    check(dialog.open && dialog.text.includes("What it does"), "a rule link opens its documentation");
    await page.keyboard.press("Escape");

    if (open.length > 100) {
      await page.click("#findings-table-pager [data-page=last]");
      const last = open.length - Math.floor((open.length - 1) / 100) * 100;
      check(await rows() === last, `the last page has the remaining ${last} rows`);
      await page.click("#findings-table-pager [data-page=first]");
    }

    check(problems.length === 0, `no script errors and no network requests${problems.length ? ": " + problems.join("; ") : ""}`);

    // Screenshots of the page as it opens, and with a rule's documentation open.
    await page.goto("file://" + path.resolve(htmlPath), { waitUntil: "load" });
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    const shots = [path.join(shotDir, `${label}.png`)].concat(extraShot ? [extraShot] : []);
    for (const shot of shots) {
      await page.screenshot({ path: shot });
      console.log(`  screenshot ${shot}`);
    }
    await page.click("#findings-table tbody .rule-link");
    const ruleShot = path.join(shotDir, `${label}-rule.png`);
    await page.screenshot({ path: ruleShot });
    console.log(`  screenshot ${ruleShot}`);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
