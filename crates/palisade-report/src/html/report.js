// Palisade HTML report: filters, sorts and pages the findings embedded in #palisade-data.
// Values reach the page through textContent only, never as HTML. The filter state lives in the
// URL fragment (#sev=critical,high&category=network&q=...), so a filtered view can be shared.
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
  const filters = { sev: ALL_SEVERITIES(), category: "", namespace: "", rule: "", q: "" };

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
    if (row[3] >= 0) loc.append(files[row[3]], document.createElement("wbr"), `:${row[4]}:${row[5]}`);
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
      if (filters.namespace && (objects[r[2]][1] || "~") !== filters.namespace) return false;
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
      t.matched.sort((i, j) => dir * by(rows[i], rows[j]) || tie * (i - j));
    };
    t.render = () => {
      const total = t.matched.length;
      const pages = Math.max(1, Math.ceil(total / t.size));
      t.page = Math.min(Math.max(0, t.page), pages - 1);
      const start = t.page * t.size;
      const end = Math.min(total, start + t.size);
      const frag = document.createDocumentFragment();
      for (let k = start; k < end; k++) frag.append(rowElement(rows[t.matched[k]], waived));
      tbody.replaceChildren(frag);
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
    for (const key of ["category", "namespace", "rule"]) filters[key] = form.elements[key].value;
    filters.q = form.elements.q.value.trim().toLowerCase();
  }

  function writeControls() {
    for (const box of form.querySelectorAll("input[name=severity]")) {
      box.checked = filters.sev.has(SEVERITIES.indexOf(box.value));
    }
    for (const key of ["category", "namespace", "rule"]) {
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
    for (const key of ["category", "namespace", "rule"]) filters[key] = params.get(key) || "";
    filters.q = (params.get("q") || "").trim().toLowerCase();
    if (main) {
      main.sort = SORTS[params.get("sort")] ? params.get("sort") : "severity";
      main.dir = params.get("dir") === "desc" ? -1 : 1;
      main.page = Math.max(0, (Number(params.get("page")) || 1) - 1);
    }
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (filters.sev.size < SEVERITIES.length) params.set("sev", [...filters.sev].sort().map((i) => SEVERITIES[i]).join(","));
    for (const key of ["category", "namespace", "rule", "q"]) if (filters[key]) params.set(key, filters[key]);
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
    Object.assign(filters, { sev: ALL_SEVERITIES(), category: "", namespace: "", rule: "", q: "" });
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
  for (const bar of document.querySelectorAll(".chart [data-filter]")) {
    const [key, ...rest] = bar.dataset.filter.split("=");
    const go = () => filterTo(key, rest.join("="));
    bar.addEventListener("click", go);
    bar.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        go();
      }
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
