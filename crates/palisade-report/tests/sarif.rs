//! SARIF: valid against the official 2.1.0 schema, and pinned by a snapshot.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::render_sarif;
use serde_json::Value;

/// Every schema violation in a SARIF document, formats (URIs, dates) included.
fn schema_errors(text: &str) -> Vec<String> {
    let schema: Value =
        serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let instance: Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn fixture_report_is_valid_sarif() {
    let text = render_sarif(&common::fixture(), "0.0.0-test");
    assert_eq!(schema_errors(&text), Vec::<String>::new());
    insta::assert_snapshot!(text);
}

#[test]
fn scan_of_the_examples_is_valid_sarif() {
    let report = common::examples();
    assert!(
        report.findings.len() > 10,
        "the insecure example should produce findings"
    );
    let text = render_sarif(&report, "0.1.0");
    assert_eq!(schema_errors(&text), Vec::<String>::new());
}

#[test]
fn schema_check_catches_an_invalid_log() {
    // The validator must be able to fail: a result without a message is not SARIF.
    let text = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]}"#;
    assert!(!schema_errors(text).is_empty());
}

#[test]
fn results_point_at_their_rules_and_waivers_are_suppressions() {
    let log: Value = serde_json::from_str(&render_sarif(&common::fixture(), "0.0.0-test")).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6, "every finding, waived ones included");
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "base image is rebuilt nightly & tested"
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let levels: Vec<&str> = notifications
        .iter()
        .map(|n| n["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "note", "warning"]);
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(rules[0]["properties"]["security-severity"], "9.5");
}

#[test]
fn an_audit_has_logical_locations_only() {
    let report = common::audit_fixture();
    let text = render_sarif(&report, "0.0.0-test");
    assert!(
        !text.contains(
            "physicalLocation\": {\n          \"artifactLocation\": {\n            \"uri\": \"prod/"
        ),
        "{text}"
    );
    insta::assert_snapshot!(text);
}
