//! One line per finding (`--format compact`), as ruff's concise output:
//! `path:line:col: SEVERITY [CODE name] message`. For editors' problem matchers, `grep` and
//! scrolling through a large scan; input errors and notices keep the text format's lines.

use std::fmt::Write as _;

use crate::model::Report;

use super::style::{Style, clean};
use super::{TextOptions, summary_line, write_diagnostics, write_skipped};

/// Renders the report one line per finding that is not waived, then the summary line.
pub fn render_compact(report: &Report, options: TextOptions) -> String {
    let style = Style { on: options.color };
    let mut out = String::new();
    write_diagnostics(&mut out, report, &style, options.verbose);
    for f in report
        .findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
    {
        let finding = &f.finding;
        let at = match &f.location {
            Some(l) => l.to_string(),
            None => "<unknown>".to_string(),
        };
        let _ = writeln!(
            out,
            "{}: {} [{} {}] {}",
            style.bold(&clean(&at)),
            style.severity(finding.severity),
            style.bold(finding.rule.code),
            finding.rule.name,
            clean(&finding.message)
        );
    }
    if options.verbose {
        write_skipped(&mut out, report, &style);
    }
    out.push_str(&summary_line(report, &style));
    out.push('\n');
    out
}
