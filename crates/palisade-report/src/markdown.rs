//! A compact Markdown summary for a pull-request comment or a CI job summary
//! (`$GITHUB_STEP_SUMMARY`): totals, the most severe findings as a table, waived findings
//! folded away, input errors and configuration notices.

use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::{Report, ReportFinding};

/// Rows in the findings table; GitHub comments stop at 65,536 characters.
const MAX_ROWS: usize = 100;

/// Renders the summary.
pub fn render_markdown(report: &Report) -> String {
    let summary = report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Palisade: {}\n",
        counted(summary.findings, "finding")
    );
    out.push_str("| critical | high | medium | low | info | waived | input errors |\n");
    out.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for severity in Severity::ALL {
        let _ = write!(
            out,
            "| {} ",
            summary.by_severity.get(&severity).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "| {} | {} |\n", summary.waived, report.errors.len());
    let _ = writeln!(
        out,
        "{} checked {}; {} skipped.\n",
        counted(report.objects, "object"),
        cell(&report.source_text()),
        counted(report.skipped.len(), "document"),
    );
    if let Some(min) = report.hidden.min_severity {
        let _ = writeln!(
            out,
            "{} below {min} not listed (`--min-severity`); they still count for `--fail-on`.\n",
            counted(report.hidden.findings, "finding"),
        );
    }

    let mut open: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .collect();
    // Most severe first; the report's own order (file, line) within a severity.
    open.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
    if !open.is_empty() {
        out.push_str(
            "| Severity | Rule | Object | Location | Message |\n| --- | --- | --- | --- | --- |\n",
        );
        for f in open.iter().take(MAX_ROWS) {
            row(&mut out, f, &f.finding.message);
        }
        if open.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "\n… and {} more; the HTML, SARIF or JSON report has them all.",
                open.len() - MAX_ROWS
            );
        }
        out.push('\n');
    }

    let waived: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_some())
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} waived</summary>\n",
            counted(waived.len(), "finding")
        );
        out.push_str(
            "| Severity | Rule | Object | Location | Reason |\n| --- | --- | --- | --- | --- |\n",
        );
        for f in waived.iter().take(MAX_ROWS) {
            let reason = f.finding.waiver.as_ref().map(|w| w.reason.as_str());
            row(&mut out, f, reason.unwrap_or_default());
        }
        if waived.len() > MAX_ROWS {
            let _ = writeln!(out, "\n… and {} more.", waived.len() - MAX_ROWS);
        }
        out.push_str("\n</details>\n\n");
    }

    if !report.errors.is_empty() {
        out.push_str("### Input errors\n\n");
        for e in &report.errors {
            let position = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
                (Some(l), None) => format!("{}:{l}", e.path),
                _ => e.path.clone(),
            };
            let _ = writeln!(out, "- {}: {}", code(&position), cell(&e.message));
        }
        out.push('\n');
    }
    if !report.notices.is_empty() {
        out.push_str("### Notices\n\n");
        for n in &report.notices {
            let position = n
                .line
                .map_or_else(|| n.file.clone(), |l| format!("{}:{l}", n.file));
            let _ = writeln!(
                out,
                "- {} {}: {}",
                code(&position),
                n.kind,
                cell(&n.message)
            );
        }
        out.push('\n');
    }
    out
}

/// One table row: severity, rule, object, location, then `last` (the message or the reason).
fn row(out: &mut String, f: &ReportFinding, last: &str) {
    let finding = &f.finding;
    let _ = writeln!(
        out,
        "| {} | `{}` {} | {} | {} | {} |",
        finding.severity,
        finding.rule.code,
        cell(finding.rule.name),
        cell(&finding.object.to_string()),
        location(f),
        cell(last),
    );
}

fn location(f: &ReportFinding) -> String {
    match &f.location {
        Some(l) => code(&l.to_string()),
        None => String::new(),
    }
}

/// Text for a table cell: one line, with the characters that would end the cell or start
/// markup escaped.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span; a backtick inside needs a longer fence, and a pipe still ends a table cell.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::{cell, code};

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\n<c> *d*"), "a\\|b &lt;c&gt; \\*d\\*");
        assert_eq!(code("x`y|z"), "`` x`y\\|z ``");
    }
}
