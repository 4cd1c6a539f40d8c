//! The HTML report: one self-contained file a person opens after a scan. Totals, charts and rule
//! documentation are written here; the findings travel as compact JSON that a small inline
//! script filters, sorts and pages, so 50,000 findings open as fast as five.

mod charts;
mod data;
mod docs;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use palisade_rules::{RuleDef, Severity};

use crate::common::{escape_markup, namespace_label};
use crate::model::{Report, Summary};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// The file filter's value for findings without a location (the script uses the same text).
const NO_FILE: &str = "(no file)";

/// Chart bars before the rest are folded into one.
const CHART_BARS: usize = 10;

/// Renders the report as one HTML page. Nothing on it loads from the network (its
/// Content-Security-Policy forbids it).
pub fn render_html(report: &Report, tool_version: &str) -> String {
    let summary = report.summary();
    let mut out = String::with_capacity(64 * 1024 + report.findings.len() * 48);
    out.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n",
        "<title>Palisade report</title>\n<style>\n"
    ));
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    header(&mut out, report, &summary, tool_version);
    out.push_str("<main>\n");
    charts_section(&mut out, report);
    problems_section(&mut out, report);
    findings_section(&mut out, report, &summary);
    if summary.waived > 0 {
        waived_section(&mut out, &summary);
    }
    rules_section(&mut out, report);
    out.push_str(concat!(
        "</main>\n<dialog id=\"rule-dialog\"><form method=\"dialog\">",
        "<button class=\"close\" aria-label=\"Close\">✕</button></form><div class=\"dialog-body\"></div></dialog>\n",
        "<script type=\"application/json\" id=\"palisade-data\">"
    ));
    out.push_str(&data::payload(report));
    out.push_str("</script>\n<script>\n");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, report: &Report, summary: &Summary, tool_version: &str) {
    let _ = write!(
        out,
        "<header class=\"top\"><div class=\"inner\"><div><h1>Palisade report</h1><p class=\"meta\">{} in {} {} · palisade {}</p></div>\n<div class=\"totals\">",
        counted(summary.findings, "finding"),
        counted(report.objects, "object"),
        escape_markup(&report.source_text()),
        escape_markup(tool_version)
    );
    if let Some(min) = report.hidden.min_severity {
        // Inside the `meta` paragraph: said where the totals are introduced.
        if let Some(at) = out.rfind("</p></div>") {
            out.insert_str(
                at,
                &format!(
                    " · {} below {min} not shown (--min-severity)",
                    counted(report.hidden.findings, "finding")
                ),
            );
        }
    }
    for severity in Severity::ALL {
        let n = summary.by_severity.get(&severity).copied().unwrap_or(0);
        let name = severity.as_str();
        let _ = write!(
            out,
            "<a class=\"total sev-{name}\" href=\"#sev={name}\" data-severity=\"{name}\"><span class=\"n\" data-total=\"{name}\">{}</span><span class=\"label\">{name}</span></a>",
            thousands(n)
        );
    }
    for (key, n, label) in [
        ("waived", summary.waived, "waived"),
        ("errors", report.errors.len(), "input errors"),
        ("skipped", report.skipped.len(), "skipped documents"),
    ] {
        let _ = write!(
            out,
            "<div class=\"total\"><span class=\"n\" data-total=\"{key}\">{}</span><span class=\"label\">{label}</span></div>",
            thousands(n)
        );
    }
    out.push_str("</div></div></header>\n");
}

fn charts_section(out: &mut String, report: &Report) {
    let open = || {
        report
            .findings
            .iter()
            .filter(|f| f.finding.waiver.is_none())
            .map(|f| &f.finding)
    };
    let by_category = charts::bars(
        open().map(|f| (f.severity, f.rule.category.as_str())),
        "category",
        str::to_string,
        CHART_BARS,
    );
    let by_namespace = charts::bars(
        open().map(|f| (f.severity, namespace_label(&f.object))),
        "namespace",
        str::to_string,
        CHART_BARS,
    );
    let names: BTreeMap<&str, &str> = open().map(|f| (f.rule.code, f.rule.name)).collect();
    let by_rule = charts::bars(
        open().map(|f| (f.severity, f.rule.code)),
        "rule",
        |code| format!("{code} {}", names.get(code).copied().unwrap_or_default()),
        CHART_BARS,
    );
    out.push_str("<section class=\"charts\" aria-label=\"Charts\">");
    out.push_str(&charts::chart(
        "chart-category",
        "Findings by category",
        &by_category,
    ));
    out.push_str(&charts::chart(
        "chart-namespace",
        "Findings by namespace",
        &by_namespace,
    ));
    out.push_str(&charts::chart("chart-rule", "Top rules", &by_rule));
    out.push_str("</section>\n");
}

/// Input errors and configuration notices in full; skipped documents folded away (there can be many, and they are
/// usually expected: Helm notes, kustomize patches).
fn problems_section(out: &mut String, report: &Report) {
    if !report.errors.is_empty() {
        out.push_str("<section id=\"errors\"><h2>Input errors</h2><div class=\"panel\"><ul class=\"errors\">");
        for e in &report.errors {
            let position = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
                (Some(l), None) => format!("{}:{l}", e.path),
                _ => e.path.clone(),
            };
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape_markup(&position),
                escape_markup(&e.message)
            );
        }
        out.push_str("</ul></div></section>\n");
    }
    if !report.notices.is_empty() {
        out.push_str(
            "<section id=\"notices\"><h2>Notices</h2><div class=\"panel\"><ul class=\"errors\">",
        );
        for n in &report.notices {
            let position = n
                .line
                .map_or_else(|| n.file.clone(), |l| format!("{}:{l}", n.file));
            let _ = write!(
                out,
                "<li><code>{}</code> {}: {}</li>",
                escape_markup(&position),
                escape_markup(n.kind),
                escape_markup(&n.message)
            );
        }
        out.push_str("</ul></div></section>\n");
    }
    if !report.skipped.is_empty() {
        const SHOWN: usize = 200;
        let _ = write!(
            out,
            "<section id=\"skipped\"><details class=\"panel\"><summary>{} skipped (not Kubernetes objects)</summary><ul>",
            counted(report.skipped.len(), "document")
        );
        for s in report.skipped.iter().take(SHOWN) {
            let item = s.item.map(|i| format!(", item {i}")).unwrap_or_default();
            let _ = write!(
                out,
                "<li><code>{}:{}</code> document {}{item}: {}</li>",
                escape_markup(&s.path),
                s.line,
                s.document,
                escape_markup(&s.reason)
            );
        }
        if report.skipped.len() > SHOWN {
            let _ = write!(
                out,
                "<li class=\"muted\">and {} more</li>",
                thousands(report.skipped.len() - SHOWN)
            );
        }
        out.push_str("</ul></details></section>\n");
    }
}

fn findings_section(out: &mut String, report: &Report, summary: &Summary) {
    out.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    filters(out, report, summary);
    table(
        out,
        "findings-table",
        &["Severity", "Rule", "Object", "File:line", "Message", "Help"],
    );
    out.push_str("</section>\n");
}

fn waived_section(out: &mut String, summary: &Summary) {
    let _ = writeln!(
        out,
        "<section id=\"waived\"><h2>Waived findings</h2><p class=\"muted\">{} covered by an exception: reported, but not failing the scan. The filters above apply here too.</p>",
        counted(summary.waived, "finding")
    );
    table(
        out,
        "waived-table",
        &[
            "Severity",
            "Rule",
            "Object",
            "File:line",
            "Message",
            "Reason",
        ],
    );
    out.push_str("</section>\n");
}

fn table(out: &mut String, id: &str, columns: &[&str]) {
    let _ = write!(
        out,
        "<p class=\"count\" id=\"{id}-count\" aria-live=\"polite\"></p><div class=\"table-wrap\"><table class=\"findings\" id=\"{id}\"><thead><tr>"
    );
    for column in columns {
        let key = match *column {
            "File:line" => "location".to_string(),
            "Help" => String::new(),
            other => other.to_lowercase(),
        };
        if key.is_empty() {
            let _ = write!(out, "<th>{column}</th>");
        } else {
            let _ = write!(
                out,
                "<th data-key=\"{key}\" aria-sort=\"none\"><button type=\"button\">{column}</button></th>"
            );
        }
    }
    let _ = write!(
        out,
        concat!(
            "</tr></thead><tbody></tbody></table></div>\n",
            "<nav class=\"pager\" id=\"{id}-pager\" hidden><button type=\"button\" data-page=\"first\">« First</button>",
            "<button type=\"button\" data-page=\"prev\">‹ Previous</button><span class=\"page\"></span>",
            "<button type=\"button\" data-page=\"next\">Next ›</button><button type=\"button\" data-page=\"last\">Last »</button>",
            "<label class=\"muted\">rows <select class=\"size\"><option>50</option><option selected>100</option>",
            "<option>500</option></select></label></nav>\n",
            "<noscript><p>This table needs JavaScript; the JSON and SARIF reports carry the same findings.</p></noscript>\n"
        ),
        id = id,
    );
}

/// The filter bar; its options and counts are written here, so the script only reads them.
fn filters(out: &mut String, report: &Report, summary: &Summary) {
    out.push_str("<form id=\"filters\" class=\"filters\" role=\"search\"><fieldset><legend>Severity</legend>");
    for severity in Severity::ALL {
        let name = severity.as_str();
        let n = summary.by_severity.get(&severity).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<label class=\"chip\"><input type=\"checkbox\" name=\"severity\" value=\"{name}\" checked><span class=\"badge sev-{name}\">{name}</span><span class=\"n\">{}</span></label>",
            thousands(n)
        );
    }
    out.push_str("</fieldset>");
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    let mut namespaces: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    for rf in &report.findings {
        let f = &rf.finding;
        let open = usize::from(f.waiver.is_none());
        *categories.entry(f.rule.category.as_str()).or_default() += open;
        *namespaces.entry(namespace_label(&f.object)).or_default() += open;
        rules.entry(f.rule.code).or_insert((f.rule.name, 0)).1 += open;
        let file = rf.location.as_ref().map_or(NO_FILE, |l| &*l.path);
        *files.entry(file).or_default() += open;
    }
    select(
        out,
        "category",
        "Category",
        categories.iter().map(|(k, n)| (*k, (*k).to_string(), *n)),
    );
    select(
        out,
        "namespace",
        "Namespace",
        namespaces.iter().map(|(k, n)| (*k, (*k).to_string(), *n)),
    );
    select(
        out,
        "file",
        "File",
        files.iter().map(|(k, n)| (*k, (*k).to_string(), *n)),
    );
    select(
        out,
        "rule",
        "Rule",
        rules
            .iter()
            .map(|(code, (name, n))| (*code, format!("{code} {name}"), *n)),
    );
    out.push_str(concat!(
        "<label class=\"field\">Search<input type=\"search\" name=\"q\" id=\"filter-q\" ",
        "placeholder=\"message, object, file, rule…\" autocomplete=\"off\"></label>",
        "<fieldset class=\"view\"><legend>View</legend>",
        "<label class=\"chip\"><input type=\"radio\" name=\"view\" value=\"findings\" checked>findings</label>",
        "<label class=\"chip\"><input type=\"radio\" name=\"view\" value=\"objects\" id=\"view-objects\">by object</label>",
        "</fieldset>",
        "<button type=\"button\" id=\"filter-reset\">Reset</button></form>\n"
    ));
}

fn select<'a>(
    out: &mut String,
    name: &str,
    label: &str,
    options: impl Iterator<Item = (&'a str, String, usize)>,
) {
    let _ = write!(
        out,
        "<label class=\"field\">{label}<select name=\"{name}\"><option value=\"\">all</option>"
    );
    for (value, text, n) in options {
        let _ = write!(
            out,
            "<option value=\"{}\">{} ({})</option>",
            escape_markup(value),
            escape_markup(&text),
            thousands(n)
        );
    }
    out.push_str("</select></label>");
}

/// The documentation of every rule with a finding, one click from each row.
fn rules_section(out: &mut String, report: &Report) {
    let rules: BTreeMap<&str, &RuleDef> = report
        .findings
        .iter()
        .map(|f| (f.finding.rule.code, f.finding.rule))
        .collect();
    if rules.is_empty() {
        return;
    }
    out.push_str("<section id=\"rules\"><h2>Rules</h2>\n");
    for rule in rules.values() {
        let code = escape_markup(rule.code);
        let severity = rule.severity.as_str();
        let _ = write!(
            out,
            "<details class=\"rule-doc\" id=\"rule-{code}\"><summary><code>{code}</code> {} — {}</summary><div class=\"rule-body\">",
            escape_markup(rule.name),
            escape_markup(rule.summary)
        );
        let _ = write!(
            out,
            "<h3><code>{code}</code> {}</h3><p><span class=\"badge sev-{severity}\">{severity}</span> <span class=\"muted\">{} · default severity</span></p>",
            escape_markup(rule.name),
            escape_markup(rule.category.as_str())
        );
        out.push_str("<div class=\"doc\">");
        out.push_str(&docs::markdown_to_html(&rule.documentation()));
        out.push_str("</div>");
        if !rule.standards.is_empty() {
            let standards: Vec<String> = rule.standards.iter().map(|s| escape_markup(s)).collect();
            let _ = write!(
                out,
                "<p class=\"standards\">Standards: {}</p>",
                standards.join(" · ")
            );
        }
        out.push_str("</div></details>\n");
    }
    out.push_str("</section>\n");
}

/// `1 finding`, `12,345 findings`.
fn counted(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(50_000), "50,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
