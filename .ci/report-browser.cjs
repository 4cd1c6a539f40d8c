// Opens a Palisade HTML report in headless Chromium (Debian's, driven by playwright-core) and
// checks the rendered page against the JSON report of the same scan: totals, a row count, a
// severity filter, a file filter, a search, a sort, a chart click, charts that follow the
// filters, the per-object view, namespace labels and a rule's documentation. Measures the
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
    // The findings a chart shows: the counts of its bars (the folded "N more" bar included).
    const chartTotal = (id) => page.$$eval(`#${id} g.bar text.count`,
      (nodes) => nodes.reduce((sum, n) => sum + Number(n.textContent), 0));
    const chartsShow = async (n, what) => {
      for (const id of ["chart-category", "chart-namespace", "chart-rule"]) {
        check(await chartTotal(id) === n, `${id} shows ${n} findings (${what})`);
      }
    };
    await chartsShow(open.length, "no filter");

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
    await chartsShow(expected.summary.bySeverity[worst], `filtered to ${worst}`);
    await page.click("#filter-reset");

    // A file filter: the file with the fewest findings (so that it filters something out).
    const byFile = new Map();
    for (const f of open) byFile.set(f.file ?? "(no file)", (byFile.get(f.file ?? "(no file)") || 0) + 1);
    const [file, inFile] = [...byFile].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0];
    await page.selectOption("#filters select[name=file]", file);
    check(await matched() === inFile, `filtering to file ${file} leaves its ${inFile} findings`);
    const locations = await page.$$eval("#findings-table tbody td.loc", (tds) => tds.map((td) => td.textContent));
    check(locations.length > 0 && locations.every((l) => l.startsWith(file + ":")), "every visible row is in that file");
    check(page.url().includes("file="), "the file filter is kept in the URL fragment");
    await chartsShow(inFile, `filtered to ${file}`);
    await page.click("#filter-reset");

    // The per-object view: a heading per object, each object's rows under it.
    await page.check("#view-objects");
    check(await matched() === open.length, "the per-object view holds every finding");
    const groups = await page.$$eval("#findings-table tbody tr", (trs) => {
      const out = [];
      for (const tr of trs) {
        if (tr.classList.contains("group")) out.push({ heading: tr.textContent, objects: new Set() });
        else if (out.length > 0) out[out.length - 1].objects.add(tr.querySelector("td.object").textContent);
      }
      return out.map((g) => ({ heading: g.heading, objects: g.objects.size }));
    });
    check(groups.length > 0, `the first page has ${groups.length} object headings`);
    check(groups.every((g) => g.objects === 1), "the rows under each heading belong to one object");
    check(new Set(groups.map((g) => g.heading)).size === groups.length, "each object has one heading on the page");
    const objectsOf = new Set(open.map((f) => `${f.object.kind}/${f.object.namespace || ""}/${f.object.name}`));
    if (open.length <= 100) {
      check(groups.length === objectsOf.size, `one heading per object with findings (${objectsOf.size})`);
    }
    check(page.url().includes("view=objects"), "the view is kept in the URL fragment");
    await page.click("#filter-reset");
    check(await page.$$eval("#findings-table tbody tr.group", (trs) => trs.length) === 0, "reset returns to the plain list");

    // Namespaces: an object of a namespaced kind without a namespace is not "cluster-scoped".
    const namespaceOptions = await page.$$eval("#filters select[name=namespace] option", (os) => os.map((o) => o.value));
    if (open.some((f) => !f.object.namespace && f.object.kind === "Pod")) {
      check(namespaceOptions.includes("(namespace not set)"), "a Pod without a namespace is labelled \"namespace not set\"");
    }
    if (open.every((f) => f.object.namespace || !["ClusterRole", "ClusterRoleBinding", "Namespace"].includes(f.object.kind))) {
      check(!namespaceOptions.includes("(cluster-scoped)"), "no cluster-scoped entry without cluster-scoped objects");
    }

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
    const inCategory = open.filter((f) => f.category === category).length;
    check(await matched() === inCategory, `clicking the ${category} bar filters to its findings`);
    await chartsShow(inCategory, `after a click on the ${category} bar`);
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
