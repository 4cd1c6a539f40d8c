//! The JSON report: a documented, versioned schema (`docs/json-output.md`, and as JSON Schema
//! `docs/json-output.schema.json`, which a test validates real output against).

use serde_json::{Map, Value, json};

use palisade_rules::{Waiver, WaiverSource};

use crate::model::{Report, ReportFinding};

/// Bumped on any change that could break a consumer; additions bump the minor number.
pub const JSON_SCHEMA_VERSION: &str = "1.1";

/// Renders the report as one JSON document. The summary counts every finding of the scan, those
/// `--min-severity` left out of the arrays too: it is what the exit code was decided on, and
/// the schema stays the same with or without the filter.
pub fn render_json(report: &Report, tool_version: &str) -> String {
    let mut summary = report.summary();
    summary.findings += report.hidden.findings;
    summary.waived += report.hidden.waived;
    for (severity, n) in &report.hidden.by_severity {
        *summary.by_severity.entry(*severity).or_default() += n;
    }
    let by_severity: Map<String, Value> = palisade_rules::Severity::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                json!(summary.by_severity.get(s).copied().unwrap_or(0)),
            )
        })
        .collect();
    let mut document = json!({
        "schemaVersion": JSON_SCHEMA_VERSION,
        "tool": { "name": "palisade", "version": tool_version },
        "summary": {
            "files": report.files,
            "objects": report.objects,
            "findings": summary.findings,
            "bySeverity": by_severity,
            "waived": summary.waived,
            "skippedDocuments": report.skipped.len(),
            "inputErrors": report.errors.len(),
        },
        "findings": report.findings.iter().map(|f| finding(f, report)).collect::<Vec<_>>(),
        "inputErrors": report.errors.iter().map(|e| json!({
            "type": "input-error",
            "file": e.path,
            "line": e.line,
            "column": e.column,
            "message": e.message,
        })).collect::<Vec<_>>(),
        "notices": report.notices.iter().map(|n| json!({
            "type": n.kind,
            "file": n.file,
            "line": n.line,
            "message": n.message,
        })).collect::<Vec<_>>(),
        "skippedDocuments": report.skipped.iter().map(|s| json!({
            "type": "skipped-document",
            "file": s.path,
            "document": s.document,
            "item": s.item,
            "line": s.line,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
    });
    if let (Some(cluster), Some(Value::Object(summary))) =
        (&report.cluster, document.get_mut("summary"))
    {
        summary.insert("cluster".to_string(), json!(cluster));
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn finding(f: &ReportFinding, report: &Report) -> Value {
    let finding = &f.finding;
    let rule = finding.rule;
    let mut record = json!({
        "type": "finding",
        "code": rule.code,
        "rule": rule.name,
        "category": rule.category.as_str(),
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "help": finding.help,
        "object": finding.object,
        "file": f.location.as_ref().map(|l| l.path.to_string()),
        "line": f.location.as_ref().filter(|l| l.has_line()).map(|l| l.line),
        "column": f.location.as_ref().filter(|l| l.has_line()).map(|l| l.column),
        "pointer": finding.pointer,
    });
    if let (Some(pods), Value::Object(map)) = (report.pods.get(&finding.object), &mut record) {
        map.insert("pods".to_string(), json!(pods));
    }
    if let Value::Object(map) = &mut record {
        if let Some(check) = rule.pss_check() {
            map.insert("pssCheck".to_string(), json!(check.id));
        }
        map.insert("waived".to_string(), json!(finding.waiver.is_some()));
        if let Some(waiver) = &finding.waiver {
            map.insert("waiver".to_string(), waiver_json(waiver));
        }
    }
    record
}

fn waiver_json(waiver: &Waiver) -> Value {
    let source = match &waiver.source {
        WaiverSource::Config { file, index } => {
            json!({ "kind": "config", "file": file, "index": index })
        }
        WaiverSource::Annotation => json!({ "kind": "annotation" }),
    };
    json!({
        "reason": waiver.reason,
        "source": source,
        "owner": waiver.owner,
        "expires": waiver.expires,
    })
}
