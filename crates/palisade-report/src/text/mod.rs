//! Compiler-style terminal output: `path:line:col`, the rule, the quoted line with a caret,
//! and what to do instead; then, for a long listing, the counts by rule and by file, so the
//! reader of a thousand findings sees where to start.

mod caret;
mod compact;
mod style;
mod tables;

use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::{FileLocation, Notice, Report, ReportFinding};
use caret::{Mark, mark, write_quote};
pub use compact::render_compact;
use style::{Style, clean, plural, position};

/// How text output looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// List skipped documents one by one, not only their count.
    pub verbose: bool,
}

/// Findings listed before the tables by rule and by file are added: a shorter listing is its own
/// summary.
const TABLES_FROM: usize = 5;

/// Renders the whole report as text.
pub fn render_text(report: &Report, options: TextOptions) -> String {
    let style = Style { on: options.color };
    let mut out = String::new();
    write_diagnostics(&mut out, report, &style, options.verbose);
    if !report.errors.is_empty() || !report.notices.is_empty() {
        out.push('\n');
    }
    let open: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .collect();
    for group in open.chunk_by(|a, b| same_quoted_line(a, b)) {
        match group {
            [single] => render_finding(&mut out, single, report, &style),
            several => render_line_group(&mut out, several, &style),
        }
    }
    if options.verbose {
        write_skipped(&mut out, report, &style);
    }
    if open.len() >= TABLES_FROM {
        tables::write_tables(&mut out, &open, report.cluster.is_none(), &style);
    }
    out.push_str(&summary_line(report, &style));
    out.push('\n');
    out
}

/// Input errors and configuration notices, one line each; kinds nobody checked in one line
/// when there are many, unless `verbose` (a repository of custom resources names dozens).
pub(crate) fn write_diagnostics(out: &mut String, report: &Report, style: &Style, verbose: bool) {
    for error in &report.errors {
        let at = position(&error.path, error.line, error.column);
        style.diagnostic(out, &clean(&at), ("1;31", "error:"), &clean(&error.message));
    }
    let unknown: Vec<&Notice> = report
        .notices
        .iter()
        .filter(|n| n.kind == UNKNOWN_KIND)
        .collect();
    let fold = !verbose && unknown.len() > UNKNOWN_KINDS_LISTED;
    for notice in &report.notices {
        if fold && notice.kind == UNKNOWN_KIND {
            continue;
        }
        let at = position(&notice.file, notice.line, None);
        style.diagnostic(
            out,
            &clean(&at),
            ("1;33", "warning:"),
            &clean(&notice.message),
        );
    }
    if let (true, Some(first)) = (fold, unknown.first()) {
        let kinds: Vec<&str> = unknown
            .iter()
            .map(|n| n.message.split(':').next().unwrap_or_default())
            .collect();
        let message = format!(
            "{} kinds Palisade does not know were not checked: {} and {} more (--verbose lists each, with its objects)",
            kinds.len(),
            kinds[..UNKNOWN_KINDS_LISTED].join(", "),
            kinds.len() - UNKNOWN_KINDS_LISTED
        );
        let at = position(&first.file, first.line, None);
        style.diagnostic(out, &clean(&at), ("1;33", "warning:"), &clean(&message));
    }
}

/// The notice kind of objects nobody checked, and how many such kinds are named in one line.
const UNKNOWN_KIND: &str = "unknown-kind";
const UNKNOWN_KINDS_LISTED: usize = 3;

/// Skipped documents one by one (`--verbose`).
pub(crate) fn write_skipped(out: &mut String, report: &Report, style: &Style) {
    for s in &report.skipped {
        let item = s.item.map(|i| format!(", item {i}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: skipped document {}{item}: {}",
            style.dim(&clean(&format!("{}:{}", s.path, s.line))),
            s.document,
            clean(&s.reason)
        );
    }
}

/// Whether two findings quote the same window of the same line (findings arrive sorted by
/// file and line, so those are neighbours). On a long minified line, findings far apart quote
/// different windows and stay apart.
fn same_quoted_line(a: &ReportFinding, b: &ReportFinding) -> bool {
    match (&a.location, &b.location) {
        (Some(x), Some(y)) => {
            x.path == y.path
                && x.line == y.line
                && x.quote.is_some()
                && x.quote.as_ref().map(|q| &q.text) == y.quote.as_ref().map(|q| &q.text)
        }
        _ => false,
    }
}

fn headline(f: &ReportFinding, style: &Style) -> String {
    let finding = &f.finding;
    format!(
        "{} {} [{}] {}",
        style.bold(finding.rule.code),
        finding.rule.name,
        style.severity(finding.severity),
        clean(&finding.message)
    )
}

fn location_text(location: Option<&FileLocation>) -> String {
    match location {
        Some(l) => l.to_string(),
        None => "<unknown>".to_string(),
    }
}

fn render_finding(out: &mut String, f: &ReportFinding, report: &Report, style: &Style) {
    let finding = &f.finding;
    let _ = writeln!(
        out,
        "{}: {}",
        style.bold(&clean(&location_text(f.location.as_ref()))),
        headline(f, style)
    );
    if let Some(location) = &f.location
        && let Some(quote) = &location.quote
    {
        write_quote(
            out,
            location.line,
            quote,
            &[mark(quote, location.exact)],
            style,
        );
    }
    let _ = writeln!(
        out,
        "   {} {} {}",
        style.dim("="),
        style.bold("object:"),
        clean(&object_text(&finding.object, report))
    );
    let _ = writeln!(
        out,
        "   {} {} {}",
        style.dim("="),
        style.bold("help:"),
        clean(&finding.help)
    );
    out.push('\n');
}

/// The object, with its pods when an audit counted them (whatever their phase).
fn object_text(object: &palisade_model::ObjectRef, report: &Report) -> String {
    match report.pods.get(object) {
        Some(1) => format!("{object} (1 pod)"),
        Some(n) => format!("{object} ({n} pods)"),
        None => object.to_string(),
    }
}

/// Several findings on one line: the line is quoted once with every mark, then each finding's
/// message and help under it.
fn render_line_group(out: &mut String, group: &[&ReportFinding], style: &Style) {
    let Some(first) = group.first() else {
        return;
    };
    let Some(location) = &first.location else {
        return;
    };
    let _ = writeln!(
        out,
        "{}: {} findings on this line",
        style.bold(&clean(&location_text(Some(location)))),
        group.len()
    );
    if let Some(quote) = &location.quote {
        let mut marks: Vec<Mark> = Vec::new();
        for f in group {
            let exact = f.location.as_ref().is_none_or(|l| l.exact);
            let caret = f.location.as_ref().and_then(|l| l.quote.as_ref());
            let m = mark(caret.unwrap_or(quote), exact);
            if !marks.contains(&m) {
                marks.push(m);
            }
        }
        write_quote(out, location.line, quote, &marks, style);
    }
    let columns_differ = group
        .iter()
        .any(|f| f.location.as_ref().map(|l| l.column) != Some(location.column));
    let one_object = group
        .iter()
        .all(|f| f.finding.object == first.finding.object);
    for f in group {
        let column = match (&f.location, columns_differ) {
            (Some(l), true) => format!("col {}: ", l.column),
            _ => String::new(),
        };
        let _ = writeln!(out, "   {} {column}{}", style.dim("="), headline(f, style));
        if !one_object {
            let _ = writeln!(
                out,
                "       {} {}",
                style.bold("object:"),
                clean(&f.finding.object.to_string())
            );
        }
        let _ = writeln!(
            out,
            "       {} {}",
            style.bold("help:"),
            clean(&f.finding.help)
        );
    }
    if one_object {
        let _ = writeln!(
            out,
            "   {} {} {}",
            style.dim("="),
            style.bold("object:"),
            clean(&first.finding.object.to_string())
        );
    }
    out.push('\n');
}

pub(crate) fn summary_line(report: &Report, style: &Style) -> String {
    let summary = report.summary();
    let mut parts = Vec::new();
    for severity in Severity::ALL {
        if let Some(n) = summary.by_severity.get(&severity) {
            parts.push(format!("{n} {}", style.severity(severity)));
        }
    }
    let findings = match summary.findings {
        0 => "No findings".to_string(),
        1 => format!("1 finding ({})", parts.join(", ")),
        n => format!("{n} findings ({})", parts.join(", ")),
    };
    let mut line = format!(
        "{findings} in {} object{} {}",
        report.objects,
        plural(report.objects),
        report.source_text()
    );
    if let Some(min) = report.hidden.min_severity
        && report.hidden.findings > 0
    {
        let _ = write!(
            line,
            "; {} below {min} hidden by --min-severity (still counted for --fail-on)",
            report.hidden.findings,
        );
    }
    let waived = summary.waived + report.hidden.waived;
    if waived > 0 {
        let _ = write!(line, "; {waived} waived by exceptions");
    }
    let _ = write!(
        line,
        "; {} document{} skipped",
        report.skipped.len(),
        plural(report.skipped.len())
    );
    if !report.errors.is_empty() {
        let _ = write!(
            line,
            "; {} input error{}",
            report.errors.len(),
            plural(report.errors.len())
        );
    }
    line.push('.');
    style.bold(&line)
}
