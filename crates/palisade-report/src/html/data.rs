//! The findings as the page's script reads them: compact JSON with every repeated string
//! (rule, object, file, message, help) stored once and referred to by index, so 50,000
//! findings stay a couple of megabytes.

use std::collections::HashMap;

use palisade_rules::{RuleDef, Severity, WaiverSource};
use serde_json::{Value, json};

use crate::common::namespace_label;
use crate::model::{Report, ReportFinding};

/// Strings stored once, referred to by index.
#[derive(Default)]
struct Table<K> {
    index: HashMap<K, usize>,
    values: Vec<Value>,
}

impl<K: std::hash::Hash + Eq> Table<K> {
    fn id(&mut self, key: K, value: impl FnOnce() -> Value) -> usize {
        let next = self.values.len();
        *self.index.entry(key).or_insert_with(|| {
            self.values.push(value());
            next
        })
    }
}

/// Severity as the page's index into `severities` (0 = critical, the most severe).
pub(super) fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(Severity::ALL.len() - 1)
}

/// The JSON the page embeds, safe inside a `<script>` element.
///
/// Rows: `[rule, severity, object, file (-1: none), line, column, message, help]`; waived rows
/// add `[reason, owner (-1), expires (-1), source]`, all string indices. Objects:
/// `[kind, namespace ("" if none), name, namespace as filtered and charted]`.
pub(super) fn payload(report: &Report) -> String {
    let mut rules: Table<&str> = Table::default();
    let mut objects: Table<String> = Table::default();
    let mut files: Table<&str> = Table::default();
    let mut strings: Table<String> = Table::default();
    let mut findings = Vec::new();
    let mut waived = Vec::new();
    for f in &report.findings {
        let finding = &f.finding;
        let rule = rules.id(finding.rule.code, || rule_record(finding.rule));
        let object = &finding.object;
        let object_key = format!(
            "{}\u{0}{}\u{0}{}",
            object.kind,
            object.namespace.as_deref().unwrap_or(""),
            object.name
        );
        let object_id = objects.id(object_key, || {
            json!([
                object.kind,
                object.namespace.as_deref().unwrap_or(""),
                object.name,
                namespace_label(object)
            ])
        });
        let (file, line, column) = location(f, &mut files);
        let message = strings.id(finding.message.clone(), || json!(finding.message));
        let help = strings.id(finding.help.clone(), || json!(finding.help));
        let mut row = vec![
            json!(rule),
            json!(severity_index(finding.severity)),
            json!(object_id),
            file,
            line,
            column,
        ];
        row.extend([json!(message), json!(help)]);
        match &finding.waiver {
            None => findings.push(Value::Array(row)),
            Some(waiver) => {
                let mut text = |s: Option<&str>| match s {
                    Some(s) => json!(strings.id(s.to_string(), || json!(s))),
                    None => json!(-1),
                };
                let source = match &waiver.source {
                    WaiverSource::Config { file, index } => {
                        format!("{file}, exception {}", index + 1)
                    }
                    WaiverSource::Annotation => "annotation on the object".to_string(),
                };
                row.extend([
                    text(Some(&waiver.reason)),
                    text(waiver.owner.as_deref()),
                    text(waiver.expires.as_deref()),
                    text(Some(&source)),
                ]);
                waived.push(Value::Array(row));
            }
        }
    }
    let document = json!({
        "rules": rules.values,
        "objects": objects.values,
        "files": files.values,
        "strings": strings.values,
        "findings": findings,
        "waived": waived,
    });
    // `<` only occurs inside JSON strings, where `\u003c` means the same; this keeps
    // `</script>` and `<!--` in a message from ending the element.
    serde_json::to_string(&document)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

fn rule_record(rule: &RuleDef) -> Value {
    json!([rule.code, rule.name, rule.category.as_str(), rule.summary])
}

fn location<'a>(f: &'a ReportFinding, files: &mut Table<&'a str>) -> (Value, Value, Value) {
    match &f.location {
        Some(l) => (
            json!(files.id(&l.path, || json!(&*l.path))),
            json!(l.line),
            json!(l.column),
        ),
        None => (json!(-1), json!(0), json!(0)),
    }
}
