//! The JSON renderer, pinned by snapshots and validated against its published JSON Schema
//! (`docs/json-output.schema.json`, draft 2020-12); the fields are described in
//! `docs/json-output.md`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::{JSON_SCHEMA_VERSION, Report, render_json};
use palisade_rules::Severity;
use serde_json::Value;

fn schema_errors(instance: &Value) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/json-output.schema.json")).unwrap();
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn assert_valid(report: &Report) {
    let value: Value = serde_json::from_str(&render_json(report, "0.0.0-test")).unwrap();
    let errors = schema_errors(&value);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn fixture_report_as_json() {
    let text = render_json(&common::fixture(), "0.0.0-test");
    let value: serde_json::Value = serde_json::from_str(&text).expect("output is JSON");
    assert_eq!(value["schemaVersion"], JSON_SCHEMA_VERSION);
    insta::assert_snapshot!(text);
}

#[test]
fn examples_as_json() {
    insta::assert_snapshot!(render_json(&common::examples(), "0.0.0-test"));
}

#[test]
fn reports_validate_against_the_published_schema() {
    // Every record kind (waiver from a config file, finding without a location, input errors,
    // a notice, a skipped document), a real scan of the examples, and an empty report.
    assert_valid(&common::fixture());
    assert_valid(&common::examples());
    assert_valid(&Report::default());
    let mut annotated = common::fixture();
    if let Some(waiver) = annotated
        .findings
        .iter_mut()
        .find_map(|f| f.finding.waiver.as_mut())
    {
        waiver.source = palisade_rules::WaiverSource::Annotation;
        waiver.owner = None;
        waiver.expires = None;
    }
    assert_valid(&annotated);
    let mut every_notice = Report::default();
    for kind in palisade_report::NOTICE_KINDS {
        every_notice.notices.push(palisade_report::Notice {
            kind,
            file: "deploy/app.yaml".to_string(),
            line: None,
            message: "a notice".to_string(),
        });
    }
    assert_valid(&every_notice);
}

#[test]
fn the_schema_rejects_what_the_documentation_does_not_allow() {
    let mut value: Value =
        serde_json::from_str(&render_json(&common::fixture(), "0.0.0-test")).unwrap();
    value["findings"][0]["severity"] = "severe".into();
    value["findings"][1]["undocumented"] = true.into();
    value["notices"][0]["type"] = "some-notice".into();
    value["findings"][2]
        .as_object_mut()
        .unwrap()
        .remove("waiver");
    let errors = schema_errors(&value);
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

#[test]
fn min_severity_keeps_the_summary_and_shortens_the_arrays() {
    let full: Value = serde_json::from_str(&render_json(&common::fixture(), "0.0.0-test")).unwrap();
    let mut report = common::fixture();
    report.hide_below(Severity::High);
    let shown: Value = serde_json::from_str(&render_json(&report, "0.0.0-test")).unwrap();
    assert_eq!(shown["summary"], full["summary"]);
    let severities: Vec<&str> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["critical", "high", "high"]);
    assert!(schema_errors(&shown).is_empty());
}

#[test]
fn an_audit_has_no_lines_and_counts_pods() {
    let report = common::audit_fixture();
    let text = render_json(&report, "0.0.0-test");
    insta::assert_snapshot!(text);
}
