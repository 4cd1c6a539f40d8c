//! SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers): one run whose driver lists
//! the rules the scan evaluated, one result per finding, waived findings as suppressed results,
//! and input errors, skipped documents and configuration notices as tool execution
//! notifications.

use std::collections::BTreeMap;

use palisade_rules::{RuleDef, Severity, WaiverSource};
use serde_json::{Map, Value, json};

use crate::common::{finding_fingerprint, object_path, what_it_does};
use crate::model::{FileLocation, Report, ReportFinding};

/// The schema the output declares: the OASIS standard with its errata (the `id` of the schema
/// the tests validate against).
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const INFORMATION_URI: &str = "https://github.com/palisade-dev/palisade";

/// Renders the report as one SARIF log.
pub fn render_sarif(report: &Report, tool_version: &str) -> String {
    let rules = rules_of(report);
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(f, &index)).collect();
    let log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "palisade",
                "version": tool_version,
                "semanticVersion": tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
                "notifications": notification_descriptors(report),
            }},
            "invocations": [invocation(report)],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// The rules this scan evaluated or reported on, ordered by code: the rules a code-scanning
/// service should know about for this run.
fn rules_of(report: &Report) -> Vec<&'static RuleDef> {
    let mut rules: BTreeMap<&str, &'static RuleDef> = BTreeMap::new();
    for rule in report.checked.iter().flat_map(|c| c.rules.iter().copied()) {
        rules.entry(rule.code).or_insert(rule);
    }
    for f in &report.findings {
        rules.entry(f.finding.rule.code).or_insert(f.finding.rule);
    }
    rules.into_values().collect()
}

fn descriptor(rule: &RuleDef) -> Value {
    let documentation = rule.documentation();
    let mut tags = vec!["security".to_string(), rule.category.as_str().to_string()];
    tags.extend(rule.standards.iter().map(|s| (*s).to_string()));
    let mut properties = Map::new();
    properties.insert("tags".into(), json!(tags));
    properties.insert("precision".into(), json!("high"));
    // GitHub ranks security alerts by this CVSS-like score; info has none, so it is shown by
    // its level alone.
    if let Some(score) = security_severity(rule.severity) {
        properties.insert("security-severity".into(), json!(score));
    }
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": what_it_does(&documentation).unwrap_or_else(|| rule.summary.to_string()) },
        "help": { "text": documentation, "markdown": documentation },
        // The generated rule reference (`docs/rules/<name>.md`), the same text as `help`.
        "helpUri": format!("{INFORMATION_URI}/blob/main/docs/rules/{}.md", rule.name),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": properties,
    })
}

/// The score bands GitHub documents: critical above 9.0, high 7.0–8.9, medium 4.0–6.9,
/// low 0.1–3.9.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn result(f: &ReportFinding, index: &BTreeMap<&str, usize>) -> Value {
    let finding = &f.finding;
    let object = &finding.object;
    let mut location = Map::new();
    // An object of a live cluster has no artifact: its logical location says which it is.
    let in_a_file = f.location.as_ref().filter(|l| l.has_line());
    if let Some(physical) = in_a_file.and_then(physical_location) {
        location.insert("physicalLocation".into(), physical);
    }
    let qualified = object_path(object);
    location.insert(
        "logicalLocations".into(),
        json!([{
            "name": object.name,
            "fullyQualifiedName": format!("{qualified}#{}", finding.pointer),
            "kind": "resource",
            // Serialized as the JSON report names objects: no `namespace` when there is none.
            "properties": { "object": object, "pointer": finding.pointer },
        }]),
    );
    let mut record = json!({
        "ruleId": finding.rule.code,
        "ruleIndex": index.get(finding.rule.code).copied().unwrap_or(0),
        "level": level(finding.severity),
        "message": { "text": format!("{}. Help: {}", finding.message, finding.help) },
        "locations": [location],
        // Stable across edits that move lines: the rule, the object and the field.
        "partialFingerprints": {
            "palisadeFinding/v1": finding_fingerprint(finding),
        },
        "properties": { "severity": finding.severity.as_str() },
    });
    if let (Some(waiver), Value::Object(map)) = (&finding.waiver, &mut record) {
        let (kind, file) = match &waiver.source {
            WaiverSource::Config { file, .. } => ("external", Some(file.as_str())),
            WaiverSource::Annotation => ("inSource", None),
        };
        let mut properties = Map::new();
        for (key, value) in [
            ("owner", waiver.owner.as_deref()),
            ("expires", waiver.expires.as_deref()),
            ("file", file),
        ] {
            if let Some(value) = value {
                properties.insert(key.into(), json!(value));
            }
        }
        let mut suppression =
            json!({ "kind": kind, "status": "accepted", "justification": waiver.reason });
        if let (false, Value::Object(s)) = (properties.is_empty(), &mut suppression) {
            s.insert("properties".into(), Value::Object(properties));
        }
        map.insert("suppressions".into(), json!([suppression]));
    }
    record
}

fn physical_location(location: &FileLocation) -> Option<Value> {
    let uri = artifact_uri(&location.path)?;
    let mut region =
        json!({ "startLine": location.line.max(1), "startColumn": location.column.max(1) });
    // The offending line, so a viewer without the source can still show it.
    if let (Some(quote), Value::Object(map)) = (&location.quote, &mut region) {
        map.insert("snippet".into(), json!({ "text": quote.text }));
    }
    Some(json!({ "artifactLocation": { "uri": uri }, "region": region }))
}

fn physical_at(path: &str, line: Option<u32>, column: Option<u32>) -> Option<Value> {
    let uri = artifact_uri(path)?;
    let mut physical = json!({ "artifactLocation": { "uri": uri } });
    if let (Some(line), Value::Object(map)) = (line, &mut physical) {
        let mut region = json!({ "startLine": line.max(1) });
        if let (Some(column), Value::Object(r)) = (column, &mut region) {
            r.insert("startColumn".into(), json!(column.max(1)));
        }
        map.insert("region".into(), region);
    }
    Some(physical)
}

/// The kinds of notification this run can carry: input errors, skipped documents, and the
/// kinds of notice (expired or unused exceptions) the report has.
fn notification_descriptors(report: &Report) -> Value {
    let mut descriptors = vec![
        json!({ "id": "input-error", "shortDescription": { "text": "An input could not be read or parsed" },
                "defaultConfiguration": { "level": "error" } }),
        json!({ "id": "skipped-document", "shortDescription": { "text": "A document is not a Kubernetes object" },
                "defaultConfiguration": { "level": "note" } }),
    ];
    let mut kinds: Vec<&str> = report.notices.iter().map(|n| n.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    descriptors.extend(kinds.into_iter().map(|kind| {
        json!({ "id": kind, "shortDescription": { "text": format!("Configuration notice: {kind}") },
                "defaultConfiguration": { "level": "warning" } })
    }));
    Value::Array(descriptors)
}

fn invocation(report: &Report) -> Value {
    let mut notifications = Vec::new();
    for error in &report.errors {
        notifications.push(notification(
            "input-error",
            "error",
            &error.message,
            // An audit's gaps are about the cluster, not a file of the repository.
            physical_at(&error.path, error.line, error.column).filter(|_| report.cluster.is_none()),
        ));
    }
    for s in &report.skipped {
        let item = s.item.map(|i| format!(", item {i}")).unwrap_or_default();
        let text = format!("document {}{item} skipped: {}", s.document, s.reason);
        notifications.push(notification(
            "skipped-document",
            "note",
            &text,
            physical_at(&s.path, Some(s.line), None),
        ));
    }
    for n in &report.notices {
        notifications.push(notification(
            n.kind,
            "warning",
            &n.message,
            physical_at(&n.file, n.line, None).filter(|_| report.cluster.is_none()),
        ));
    }
    json!({ "executionSuccessful": report.errors.is_empty(), "toolExecutionNotifications": notifications })
}

fn notification(id: &str, level: &str, text: &str, physical: Option<Value>) -> Value {
    let mut record =
        json!({ "descriptor": { "id": id }, "level": level, "message": { "text": text } });
    if let (Some(physical), Value::Object(map)) = (physical, &mut record) {
        map.insert(
            "locations".into(),
            json!([{ "physicalLocation": physical }]),
        );
    }
    record
}

/// A path as the user gave it, as a URI reference: relative paths stay relative (code scanning
/// resolves them against the repository root), absolute ones become `file:` URIs. Standard
/// input has no URI.
pub(crate) fn artifact_uri(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('<') {
        return None;
    }
    let mut normalized = path.replace('\\', "/");
    while let Some(rest) = normalized.strip_prefix("./") {
        normalized = rest.to_string();
    }
    let bytes = normalized.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        let (letter, rest) = normalized.split_at(2);
        return Some(format!("file:///{letter}{}", percent_encode(rest)));
    }
    if normalized.starts_with('/') {
        return Some(format!("file://{}", percent_encode(&normalized)));
    }
    Some(percent_encode(&normalized))
}

/// Escapes everything but unreserved characters and `/` (RFC 3986), so that no path can be
/// mistaken for a scheme, a query or a fragment.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;

    #[test]
    fn paths_become_uri_references() {
        let cases = [
            ("deploy/app.yaml", Some("deploy/app.yaml")),
            ("./deploy/app.yaml", Some("deploy/app.yaml")),
            ("deploy/my app#1.yaml", Some("deploy/my%20app%231.yaml")),
            ("a:b.yaml", Some("a%3Ab.yaml")),
            ("/tmp/x.yaml", Some("file:///tmp/x.yaml")),
            ("C:\\work\\x.yaml", Some("file:///C:/work/x.yaml")),
            ("<stdin>", None),
        ];
        for (path, uri) in cases {
            assert_eq!(artifact_uri(path).as_deref(), uri, "{path}");
        }
    }
}
