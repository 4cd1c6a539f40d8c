// Palisade HTML report: filters, sorts and pages the findings embedded in #palisade-data.
// Values reach the page through textContent only, never as HTML. The filter state lives in the
// URL fragment (#sev=critical,high&category=network&q=...), so a filtered view can be shared.
// The charts are drawn by the page's generator and redrawn here from the rows that match the
// filters, so they always describe what the table shows.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("palisade-data").textContent);
  const SEVERITIES = ["critical", "high", "medium", "low", "info"];
  const { rules, objects, files, strings } = data;
  const objectLabel = objects.map(([kind, ns, name]) => `${kind} ${ns ? ns + "/" : ""}${name}`);
  const number = new Intl.NumberFormat("en");
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  // Rows: [rule, severity, object, file, line, column, message, help, (waived) reason, owner,
  // expires, source]. Rows arrive sorted by file, line and column, so their index is the
  // location order and breaks every tie.
  const SORTS = {
    severity: (a, b) => a[1] - b[1],
    rule: (a, b) => cmp(rules[a[0]][0], rules[b[0]][0]),
    object: (a, b) => cmp(objectLabel[a[2]], objectLabel[b[2]]),
    location: () => 0,
    message: (a, b) => cmp(strings[a[6]], strings[b[6]]),
    reason: (a, b) => cmp(strings[a[8]], strings[b[8]]),
  };
  const ALL_SEVERITIES = () => new Set(SEVERITIES.map((_, i) => i));
  // Select filters, by name in the form and in the URL fragment.
  const KEYS = ["category", "namespace", "rule", "file"];
  const NO_FILE = "(no file)";
  const fileOf = (row) => (row[3] < 0 ? NO_FILE : files[row[3]]);
  const emptyFilters = () => ({ sev: ALL_SEVERITIES(), category: "", namespace: "", rule: "", file: "", q: "" });
  const filters = emptyFilters();
  // "findings": one row per finding; "objects": rows grouped under a heading per object.
  let view = "findings";

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function rowElement(row, waived) {
    const rule = rules[row[0]];
    const severity = SEVERITIES[row[1]];
    const [kind, ns, name] = objects[row[2]];
    const tr = document.createElement("tr");
    const sev = el("td");
    sev.append(el("span", "badge sev-" + severity, severity));
    const ruleCell = el("td", "rule");
    const link = el("a", "rule-link", rule[0]);
    link.href = "#rule-" + rule[0];
    link.dataset.rule = rule[0];
    link.title = "Documentation of " + rule[0];
    ruleCell.append(link, el("div", "sub", rule[1]));
    const object = el("td", "object", kind);
    object.append(el("div", "sub", (ns ? ns + "/" : "") + name));
    const loc = el("td", "loc");
    // A narrow column breaks before `:line:column` rather than inside the file name.
    // Line 0: an object of a live cluster, named by its path alone.
    if (row[3] >= 0 && row[4] > 0) loc.append(files[row[3]], document.createElement("wbr"), `:${row[4]}:${row[5]}`);
    else if (row[3] >= 0) loc.append(files[row[3]]);
    tr.append(sev, ruleCell, object, loc, el("td", "message", strings[row[6]]));
    if (waived) {
      const reason = el("td", "reason", strings[row[8]]);
      const extra = [
        row[9] >= 0 ? "owner: " + strings[row[9]] : "",
        row[10] >= 0 ? "expires: " + strings[row[10]] : "",
        strings[row[11]],
      ].filter(Boolean);
      reason.append(el("div", "sub", extra.join(" · ")));
      tr.append(reason);
    } else {
      tr.append(el("td", "help", strings[row[7]]));
    }
    return tr;
  }

  function makeTable(id, rows, waived, onChange) {
    const table = document.getElementById(id);
    if (!table) return null;
    const tbody = table.tBodies[0];
    const countEl = document.getElementById(id + "-count");
    const pager = document.getElementById(id + "-pager");
    const haystacks = new Array(rows.length);
    const haystack = (i) => {
      if (haystacks[i] === undefined) {
        const r = rows[i];
        const rule = rules[r[0]];
        haystacks[i] = [rule[0], rule[1], objectLabel[r[2]], r[3] < 0 ? "" : files[r[3]], strings[r[6]], strings[r[7]],
          waived ? strings[r[8]] : ""].join("\n").toLowerCase();
      }
      return haystacks[i];
    };
    const matches = (i) => {
      const r = rows[i];
      if (!filters.sev.has(r[1])) return false;
      const rule = rules[r[0]];
      if (filters.category && rule[2] !== filters.category) return false;
      if (filters.rule && rule[0] !== filters.rule) return false;
      if (filters.namespace && objects[r[2]][3] !== filters.namespace) return false;
      if (filters.file && fileOf(r) !== filters.file) return false;
      return !filters.q || haystack(i).includes(filters.q);
    };
    const t = { sort: "severity", dir: 1, page: 0, size: 100, matched: [] };
    t.filter = () => {
      t.matched = [];
      for (let i = 0; i < rows.length; i++) if (matches(i)) t.matched.push(i);
      t.order();
    };
    t.order = () => {
      const by = SORTS[t.sort] || SORTS.severity;
      const dir = t.dir;
      const tie = t.sort === "location" ? dir : 1;
      // By object, the objects come in name order and the chosen sort applies inside each.
      const group = view === "objects" ? (a, b) => SORTS.object(a, b) || a[2] - b[2] : () => 0;
      t.matched.sort((i, j) => group(rows[i], rows[j]) || dir * by(rows[i], rows[j]) || tie * (i - j));
    };
    // Matched findings per object, for the headings of the per-object view.
    const perObject = () => {
      const counts = new Map();
      for (const i of t.matched) counts.set(rows[i][2], (counts.get(rows[i][2]) || 0) + 1);
      return counts;
    };
    const heading = (object, count) => {
      const [kind, ns, name, nsKey] = objects[object];
      const tr = el("tr", "group");
      const th = el("th", "", "");
      th.colSpan = table.tHead.rows[0].cells.length;
      th.scope = "rowgroup";
      th.append(el("span", "kind", kind + " "), el("strong", "", (ns ? ns + "/" : "") + name));
      if (!ns) th.append(el("span", "sub", " " + nsKey));
      th.append(el("span", "sub", ` · ${number.format(count)} finding${count === 1 ? "" : "s"}`));
      tr.append(th);
      return tr;
    };
    t.render = () => {
      const total = t.matched.length;
      const pages = Math.max(1, Math.ceil(total / t.size));
      t.page = Math.min(Math.max(0, t.page), pages - 1);
      const start = t.page * t.size;
      const end = Math.min(total, start + t.size);
      const frag = document.createDocumentFragment();
      const counts = view === "objects" ? perObject() : null;
      let object = -1;
      for (let k = start; k < end; k++) {
        const row = rows[t.matched[k]];
        if (counts && row[2] !== object) {
          object = row[2];
          frag.append(heading(object, counts.get(object)));
        }
        frag.append(rowElement(row, waived));
      }
      tbody.replaceChildren(frag);
      table.dataset.view = view;
      table.dataset.matched = String(total);
      const filtered = total < rows.length ? ` (filtered from ${number.format(rows.length)})` : "";
      countEl.textContent = total === 0
        ? (rows.length === 0 ? "No findings." : `No findings match the filters (${number.format(rows.length)} in all).`)
        : `Showing ${number.format(start + 1)}–${number.format(end)} of ${number.format(total)}${filtered}`;
      for (const th of table.tHead.rows[0].cells) {
        th.setAttribute("aria-sort", th.dataset.key !== t.sort ? "none" : t.dir > 0 ? "ascending" : "descending");
      }
      pager.hidden = pages <= 1;
      pager.querySelector(".page").textContent = `Page ${number.format(t.page + 1)} of ${number.format(pages)}`;
      pager.querySelector("[data-page=first]").disabled = pager.querySelector("[data-page=prev]").disabled = t.page === 0;
      pager.querySelector("[data-page=next]").disabled = pager.querySelector("[data-page=last]").disabled = t.page >= pages - 1;
    };
    table.tHead.addEventListener("click", (event) => {
      const th = event.target.closest("th[data-key]");
      if (!th) return;
      t.dir = t.sort === th.dataset.key ? -t.dir : 1;
      t.sort = th.dataset.key;
      t.page = 0;
      t.order();
      t.render();
      onChange();
    });
    pager.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-page]");
      if (!button) return;
      const last = Math.ceil(t.matched.length / t.size) - 1;
      t.page = { first: 0, prev: t.page - 1, next: t.page + 1, last }[button.dataset.page];
      t.render();
      onChange();
      table.scrollIntoView({ block: "nearest" });
    });
    pager.querySelector("select.size").addEventListener("change", (event) => {
      t.size = Number(event.target.value) || 100;
      t.page = 0;
      t.render();
    });
    return t;
  }

  const form = document.getElementById("filters");
  const main = makeTable("findings-table", data.findings, false, () => writeHash());
  const waived = makeTable("waived-table", data.waived, true, () => {});
  const tables = [main, waived].filter(Boolean);

  function readControls() {
    filters.sev = new Set();
    for (const box of form.querySelectorAll("input[name=severity]")) {
      if (box.checked) filters.sev.add(SEVERITIES.indexOf(box.value));
    }
    for (const key of KEYS) filters[key] = form.elements[key].value;
    filters.q = form.elements.q.value.trim().toLowerCase();
    view = form.elements.view.value === "objects" ? "objects" : "findings";
  }

  function writeControls() {
    for (const box of form.querySelectorAll("input[name=severity]")) {
      box.checked = filters.sev.has(SEVERITIES.indexOf(box.value));
    }
    form.elements.view.value = view;
    for (const key of KEYS) {
      const select = form.elements[key];
      // A value the select does not offer (from a hand-edited link) would silently show "all".
      if (filters[key] && ![...select.options].some((o) => o.value === filters[key])) select.add(new Option(filters[key]));
      select.value = filters[key];
    }
    if (form.elements.q.value.trim().toLowerCase() !== filters.q) form.elements.q.value = filters.q;
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const sev = params.get("sev");
    filters.sev = sev === null ? ALL_SEVERITIES() : new Set(sev.split(",").map((s) => SEVERITIES.indexOf(s)).filter((i) => i >= 0));
    for (const key of KEYS) filters[key] = params.get(key) || "";
    filters.q = (params.get("q") || "").trim().toLowerCase();
    view = params.get("view") === "objects" ? "objects" : "findings";
    if (main) {
      main.sort = SORTS[params.get("sort")] ? params.get("sort") : "severity";
      main.dir = params.get("dir") === "desc" ? -1 : 1;
      main.page = Math.max(0, (Number(params.get("page")) || 1) - 1);
    }
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (filters.sev.size < SEVERITIES.length) params.set("sev", [...filters.sev].sort().map((i) => SEVERITIES[i]).join(","));
    for (const key of [...KEYS, "q"]) if (filters[key]) params.set(key, filters[key]);
    if (view !== "findings") params.set("view", view);
    if (main && main.sort !== "severity") params.set("sort", main.sort);
    if (main && main.dir < 0) params.set("dir", "desc");
    if (main && main.page > 0) params.set("page", String(main.page + 1));
    const text = params.toString();
    try {
      history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
    } catch (_) {
      // Some browsers refuse history changes on file: URLs; the view still works.
    }
  }

  function apply(resetPage) {
    for (const t of tables) {
      t.filter();
      if (resetPage) t.page = 0;
      t.render();
    }
    if (main) drawCharts(data.findings, main.matched);
  }

  // Charts: the same bars the generator draws (charts.rs), from the matching rows.
  const CHART_BARS = 10;
  const ROW = 22, LABEL = 168, WIDTH = 178, COUNT = 50;
  const SVG = "http://www.w3.org/2000/svg";
  const CHARTS = [
    ["chart-category", "category", (r) => rules[r[0]][2], (k) => k],
    ["chart-namespace", "namespace", (r) => objects[r[2]][3], (k) => k],
    ["chart-rule", "rule", (r) => rules[r[0]][0], (k) => k + " " + rules.find((rule) => rule[0] === k)[1]],
  ];
  function svg(tag, attributes, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function bars(rows, matched, key, label, filterKey) {
    const groups = new Map();
    for (const i of matched) {
      const k = key(rows[i]);
      if (!groups.has(k)) groups.set(k, [0, 0, 0, 0, 0]);
      groups.get(k)[rows[i][1]]++;
    }
    const total = (c) => c.reduce((a, b) => a + b, 0);
    // Largest first; equal totals by severity profile (most critical first), then by name.
    const profile = (a, b) => a.reduce((d, n, i) => d || b[i] - n, 0);
    const sorted = [...groups].sort((a, b) => total(b[1]) - total(a[1]) || profile(a[1], b[1]) || cmp(a[0], b[0]));
    const out = sorted.slice(0, CHART_BARS).map(([k, counts]) => ({ label: label(k), filter: `${filterKey}=${k}`, counts }));
    const rest = sorted.slice(CHART_BARS);
    if (rest.length > 0) {
      const counts = [0, 0, 0, 0, 0];
      for (const [, c] of rest) c.forEach((n, i) => (counts[i] += n));
      out.push({ label: `${rest.length} more`, filter: "", counts });
    }
    return out;
  }
  function drawChart(figure, list) {
    const caption = figure.querySelector("figcaption");
    figure.replaceChildren(caption);
    if (list.length === 0) {
      figure.append(el("p", "empty", "No findings."));
      return;
    }
    const total = (b) => b.counts.reduce((a, n) => a + n, 0);
    const max = Math.max(1, ...list.map(total));
    const root = svg("svg", { viewBox: `0 0 ${LABEL + WIDTH + COUNT} ${list.length * ROW}`, role: "img", "aria-label": caption.textContent });
    list.forEach((bar, i) => {
      const y = i * ROW;
      const g = svg("g", bar.filter ? { class: "bar", "data-filter": bar.filter, tabindex: 0, role: "button" } : { class: "bar rest" });
      const parts = SEVERITIES.map((s, k) => [s, bar.counts[k]]).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
      g.append(svg("title", {}, `${bar.label}: ${parts.join(", ")}`));
      g.append(svg("rect", { class: "hit", x: 0, y, width: LABEL + WIDTH + COUNT, height: ROW }));
      const short = [...bar.label].length <= 21 ? bar.label : [...bar.label].slice(0, 20).join("") + "…";
      g.append(svg("text", { class: "label", x: LABEL - 8, y: y + 15, "text-anchor": "end" }, short));
      let x = LABEL;
      bar.counts.forEach((n, k) => {
        if (n === 0) return;
        const width = Math.max(2, Math.ceil((n * WIDTH) / max));
        g.append(svg("rect", { class: "sev-" + SEVERITIES[k], x, y: y + 4, width, height: ROW - 8 }));
        x += width;
      });
      g.append(svg("text", { class: "count", x: x + 5, y: y + 15 }, String(total(bar))));
      root.append(g);
    });
    figure.append(root);
  }
  function drawCharts(rows, matched) {
    for (const [id, filterKey, key, label] of CHARTS) {
      const figure = document.getElementById(id);
      if (figure) drawChart(figure, bars(rows, matched, key, label, filterKey));
    }
  }

  function onFilterChange() {
    readControls();
    apply(true);
    writeHash();
  }

  form.addEventListener("change", onFilterChange);
  form.addEventListener("submit", (event) => event.preventDefault());
  let typing;
  form.elements.q.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(onFilterChange, 200);
  });
  document.getElementById("filter-reset").addEventListener("click", () => {
    Object.assign(filters, emptyFilters());
    view = "findings";
    writeControls();
    apply(true);
    writeHash();
  });

  // A click on a chart bar, or on a severity total, filters the table to it.
  function filterTo(key, value) {
    if (key === "sev") filters.sev = new Set([SEVERITIES.indexOf(value)]);
    else filters[key] = value;
    writeControls();
    apply(true);
    writeHash();
    document.getElementById("findings").scrollIntoView({ behavior: "smooth" });
  }
  // Bars are redrawn on every filter change, so their section listens for them.
  const chartSection = document.querySelector(".charts");
  const barFilter = (event) => {
    const bar = event.target.closest && event.target.closest(".chart [data-filter]");
    if (!bar) return;
    event.preventDefault();
    const [key, ...rest] = bar.dataset.filter.split("=");
    filterTo(key, rest.join("="));
  };
  if (chartSection) {
    chartSection.addEventListener("click", barFilter);
    chartSection.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") barFilter(event);
    });
  }
  for (const total of document.querySelectorAll("a.total[data-severity]")) {
    total.addEventListener("click", (event) => {
      event.preventDefault();
      filterTo("sev", total.dataset.severity);
    });
  }

  // Rule documentation opens in a dialog; without a script the link jumps to the rules section.
  const dialog = document.getElementById("rule-dialog");
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.rule-link");
    if (!link || !dialog || !dialog.showModal) return;
    const source = document.getElementById("rule-" + link.dataset.rule);
    if (!source) return;
    event.preventDefault();
    const body = dialog.querySelector(".dialog-body");
    body.replaceChildren(...[...source.querySelector(".rule-body").childNodes].map((n) => n.cloneNode(true)));
    dialog.showModal();
  });

  window.addEventListener("hashchange", () => {
    if (location.hash.startsWith("#rule-")) return;
    readHash();
    writeControls();
    apply(false);
  });

  readHash();
  writeControls();
  apply(false);
  // Read by the browser test: time from navigation start to the first complete render.
  document.documentElement.dataset.renderMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = "true";
})();
