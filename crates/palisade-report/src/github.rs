//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, which
//! the runner turns into annotations on the pull request's diff, with no extra tooling.

use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::Report;

/// Renders input errors, configuration notices and findings as workflow commands, then a plain
/// summary line. Waived
/// findings are left out: an annotation asks for a change, and a waiver says none is due.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for error in &report.errors {
        let properties = properties(
            &error.path,
            error.line,
            error.column,
            "palisade: input error",
        );
        let _ = writeln!(out, "::error {properties}::{}", escape_data(&error.message));
    }
    for notice in &report.notices {
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
    }
    for f in report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
    {
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
            Some(l) => properties(&l.path, Some(l.line), Some(l.column), &title),
            None => format!("title={}", escape_property(&title)),
        };
        let message = format!(
            "{}\n{}\nhelp: {}",
            finding.object, finding.message, finding.help
        );
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
    }
    let summary = report.summary();
    let _ = writeln!(
        out,
        "palisade: {} finding{} ({} waived), {} input error{}, in {} object{} from {} file{}",
        summary.findings,
        plural(summary.findings),
        summary.waived,
        report.errors.len(),
        plural(report.errors.len()),
        report.objects,
        plural(report.objects),
        report.files,
        plural(report.files),
    );
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
