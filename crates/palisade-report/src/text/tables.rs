//! The counts after a long listing: findings by rule and by file, the largest first, so the
//! reader of a thousand findings sees which rule or file to start with.

use std::collections::HashMap;
use std::fmt::Write as _;

use palisade_rules::Severity;

use crate::model::ReportFinding;

use super::style::{Style, clean, plural};

/// Rows per table; the rest are counted in one "and K more" line.
const TOP: usize = 10;
/// Labels longer than this are not padded, so one long path does not push every count away.
const LABEL_WIDTH: usize = 48;

/// One row: what is counted and its findings by severity (most severe first).
struct Row {
    label: String,
    counts: [usize; 5],
}

impl Row {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// Both tables, for the findings that are listed (waived and hidden ones are not).
pub(super) fn write_tables(
    out: &mut String,
    findings: &[&ReportFinding],
    in_files: bool,
    style: &Style,
) {
    let by_rule = rows(findings, |f| {
        format!("{} {}", f.finding.rule.code, f.finding.rule.name)
    });
    let by_file = rows(findings, |f| {
        f.location
            .as_ref()
            .map_or_else(|| "<unknown>".to_string(), |l| l.path.to_string())
    });
    write_table(out, "Findings by rule", "rule", &by_rule, style);
    if in_files {
        write_table(out, "Findings by file", "file", &by_file, style);
    } else {
        write_table(out, "Findings by object", "object", &by_file, style);
    }
}

/// Counts findings by a key, largest first; equal totals by severity profile, then by label,
/// so the order is stable.
fn rows(findings: &[&ReportFinding], key: impl Fn(&ReportFinding) -> String) -> Vec<Row> {
    let mut groups: HashMap<String, [usize; 5]> = HashMap::new();
    for f in findings {
        groups.entry(key(f)).or_default()[index(f.finding.severity)] += 1;
    }
    let mut rows: Vec<Row> = groups
        .into_iter()
        .map(|(label, counts)| Row { label, counts })
        .collect();
    rows.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(b.counts.cmp(&a.counts))
            .then(a.label.cmp(&b.label))
    });
    rows
}

fn index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(Severity::ALL.len() - 1)
}

fn write_table(out: &mut String, title: &str, noun: &str, rows: &[Row], style: &Style) {
    let _ = writeln!(out, "{}:", style.bold(title));
    let shown = &rows[..rows.len().min(TOP)];
    let width = shown
        .iter()
        .map(|r| clean(&r.label).chars().count())
        .max()
        .unwrap_or(0)
        .min(LABEL_WIDTH);
    for row in shown {
        let label = clean(&row.label);
        let pad = width.saturating_sub(label.chars().count());
        let _ = writeln!(
            out,
            "  {:>6}  {label}{}  {}",
            row.total(),
            " ".repeat(pad),
            breakdown(&row.counts, style)
        );
    }
    let rest = rows.get(TOP..).unwrap_or_default();
    if !rest.is_empty() {
        let findings: usize = rest.iter().map(Row::total).sum();
        let _ = writeln!(
            out,
            "  {:>6}  and {} more {noun}{}",
            findings,
            rest.len(),
            plural(rest.len())
        );
    }
    out.push('\n');
}

/// `(1 critical, 2 high)`.
fn breakdown(counts: &[usize; 5], style: &Style) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {}", style.severity(*s)))
        .collect();
    format!("({})", parts.join(", "))
}
