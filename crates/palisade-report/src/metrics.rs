//! The counts of a run in the Prometheus text exposition format, for a node exporter's
//! textfile collector (`--metrics-file`) or a scrape: findings by rule, severity and namespace,
//! objects checked, and what could not be read.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::Report;

/// Renders the counts with names under `prefix` (`palisade_audit`, `palisade_scan`: apart from
/// the webhook's own `palisade_` metrics when served beside them); `timestamp` (seconds since
/// the epoch) is when the run finished.
pub fn render_metrics(report: &Report, prefix: &str, timestamp: i64) -> String {
    let mut open: BTreeMap<(&str, &str, &str, &str), usize> = BTreeMap::new();
    let mut waived: BTreeMap<(&str, &str, &str, &str), usize> = BTreeMap::new();
    for f in &report.findings {
        let finding = &f.finding;
        let key = (
            finding.rule.code,
            finding.rule.name,
            finding.severity.as_str(),
            finding.object.namespace.as_deref().unwrap_or(""),
        );
        let counts = if finding.waiver.is_some() {
            &mut waived
        } else {
            &mut open
        };
        *counts.entry(key).or_default() += 1;
    }
    let mut checked: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &report.checked {
        *checked
            .entry(c.object.namespace.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let mut out = String::new();
    for (name, help, counts) in [
        (
            "findings",
            "Findings not waived, by rule, severity and namespace (\"\" for cluster-scoped objects).",
            &open,
        ),
        (
            "findings_waived",
            "Findings an exception waived, by rule, severity and namespace.",
            &waived,
        ),
    ] {
        let name = format!("{prefix}_{name}");
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for ((code, rule, severity, namespace), n) in counts {
            let _ = writeln!(
                out,
                "{name}{{code=\"{}\",rule=\"{}\",severity=\"{}\",namespace=\"{}\"}} {n}",
                escape(code),
                escape(rule),
                escape(severity),
                escape(namespace)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP {prefix}_objects_checked Objects checked, by namespace.\n# TYPE {prefix}_objects_checked gauge"
    );
    for (namespace, n) in &checked {
        let _ = writeln!(
            out,
            "{prefix}_objects_checked{{namespace=\"{}\"}} {n}",
            escape(namespace)
        );
    }
    let _ = writeln!(
        out,
        "# HELP {prefix}_not_evaluated Inputs or resource types that could not be (wholly) read.\n\
         # TYPE {prefix}_not_evaluated gauge\n{prefix}_not_evaluated {}",
        report.errors.len()
    );
    let _ = writeln!(
        out,
        "# HELP {prefix}_last_run_timestamp_seconds When the run finished.\n\
         # TYPE {prefix}_last_run_timestamp_seconds gauge\n{prefix}_last_run_timestamp_seconds {timestamp}"
    );
    out
}

/// A label value as the exposition format requires: backslash, double quote and newline
/// escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
