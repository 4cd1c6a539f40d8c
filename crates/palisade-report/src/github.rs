//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, which
//! the runner turns into annotations on the pull request's diff, with no extra tooling.
//!
//! GitHub shows at most 10 annotations of each type per step and 50 per run, and drops the rest
//! without a word; so at most [`MAX_ANNOTATIONS`] are written, the most severe first, and one
//! last `::notice` says how many more there are and where to read them.

use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::{Report, ReportFinding};

/// Annotations written at most (GitHub's limit for one run), besides the closing summary notice.
pub const MAX_ANNOTATIONS: usize = 50;

/// Renders input errors, configuration notices and findings as workflow commands, then a plain
/// summary line. Waived findings are left out: an annotation asks for a change, and a waiver
/// says none is due.
pub fn render_github(report: &Report) -> String {
    render_with_limit(report, MAX_ANNOTATIONS)
}

fn render_with_limit(report: &Report, limit: usize) -> String {
    let mut out = String::new();
    let mut written = 0;
    // Input errors and notices first: they say the scan itself was incomplete or misconfigured.
    for error in report.errors.iter().take(limit) {
        let properties = properties(
            &error.path,
            error.line,
            error.column,
            "palisade: input error",
        );
        let _ = writeln!(out, "::error {properties}::{}", escape_data(&error.message));
        written += 1;
    }
    for notice in report.notices.iter().take(limit - written) {
        let properties = properties(
            &notice.file,
            notice.line,
            None,
            &format!("palisade: {}", notice.kind),
        );
        let _ = writeln!(
            out,
            "::warning {properties}::{}",
            escape_data(&notice.message)
        );
        written += 1;
    }
    let mut open: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .collect();
    // Most severe first; a stable sort keeps the file order within a severity.
    open.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    let shown = open.len().min(limit - written);
    for f in &open[..shown] {
        let finding = &f.finding;
        let command = match finding.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let title = format!(
            "{} {} ({})",
            finding.rule.code, finding.rule.name, finding.severity
        );
        let properties = match &f.location {
            Some(l) if l.has_line() => properties(&l.path, Some(l.line), Some(l.column), &title),
            // An annotation needs a file in the repository; a cluster's object is named in the
            // message instead.
            Some(_) => format!("title={}", escape_property(&title)),
            None => format!("title={}", escape_property(&title)),
        };
        let message = format!(
            "{}\n{}\nhelp: {}",
            finding.object, finding.message, finding.help
        );
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
    }
    let left_out =
        (report.errors.len() + report.notices.len()).saturating_sub(limit) + (open.len() - shown);
    if left_out > 0 {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property(&format!("palisade: {left_out} more not annotated")),
            escape_data(&format!(
                "GitHub shows at most {limit} annotations per run, so {left_out} more \
                 (the least severe) are not annotated. Read them all in the scan's other \
                 reports (SARIF in code scanning, the HTML or JSON report kept as an artifact) \
                 or run `palisade scan --format text` on the same files."
            ))
        );
    }
    let summary = report.summary();
    let _ = write!(
        out,
        "palisade: {} finding{} ({} waived), {} input error{}, in {} object{} {}",
        summary.findings,
        plural(summary.findings),
        summary.waived,
        report.errors.len(),
        plural(report.errors.len()),
        report.objects,
        plural(report.objects),
        report.source_text(),
    );
    if let Some(min) = report.hidden.min_severity {
        let _ = write!(
            out,
            "; {} below {min} hidden by --min-severity",
            report.hidden.findings
        );
    }
    out.push('\n');
    out
}

/// `file=…,line=…,col=…,title=…`; standard input has no file, so only the title is kept.
fn properties(path: &str, line: Option<u32>, column: Option<u32>, title: &str) -> String {
    if path.starts_with('<') {
        return format!("title={}", escape_property(title));
    }
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = format!("file={}", escape_property(path));
    if let Some(line) = line {
        let _ = write!(out, ",line={line}");
        if let Some(column) = column {
            let _ = write!(out, ",col={column}");
        }
    }
    let _ = write!(out, ",title={}", escape_property(title));
    out
}

/// The escaping of `@actions/core`'s `escapeData`: the message may span lines.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The escaping of `@actions/core`'s `escapeProperty`: `:` and `,` separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_notices_count_toward_the_cap() {
        let report = Report {
            errors: vec![
                crate::model::InputError {
                    path: "a.yaml".to_string(),
                    line: None,
                    column: None,
                    message: "bad".to_string(),
                };
                3
            ],
            ..Report::default()
        };
        let text = render_with_limit(&report, 2);
        assert_eq!(text.lines().filter(|l| l.starts_with("::error")).count(), 2);
        assert!(
            text.contains("::notice title=palisade%3A 1 more not annotated::"),
            "{text}"
        );
    }

    #[test]
    fn separators_in_values_are_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            properties("./x,y.yaml", Some(3), Some(5), "T: 1"),
            "file=x%2Cy.yaml,line=3,col=5,title=T%3A 1"
        );
        assert_eq!(properties("<stdin>", Some(3), None, "T"), "title=T");
    }
}
