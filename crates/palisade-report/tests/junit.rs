//! JUnit XML: well-formed, counts that add up, valid against the Jenkins JUnit schema (when
//! `xmllint` is installed), and pinned by a snapshot.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use palisade_report::render_junit;
use palisade_rules::Severity;
use palisade_rules::config::FailOn;

fn attribute(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
    node.attribute(name).unwrap().parse().unwrap()
}

#[test]
fn fixture_report_as_junit() {
    let text = render_junit(&common::fixture(), FailOn::At(Severity::Info));
    validate_with_xmllint(&text);
    insta::assert_snapshot!(text);
}

#[test]
fn a_case_per_object_and_rule_a_failure_per_finding() {
    let text = render_junit(&common::fixture(), FailOn::At(Severity::Info));
    let document = roxmltree::Document::parse(&text).unwrap();
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        [
            ".palisade.yaml",
            "deploy/app.yaml",
            "deploy/broken.yaml",
            "deploy/missing.yaml",
            "deploy/rbac.yaml"
        ]
    );
    let cases = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    // 4 + 1 + 1 (object, rule) pairs, and one case per input error.
    assert_eq!(cases, 8);
    assert_eq!(attribute(root, "tests"), 8);
    assert_eq!(attribute(root, "failures"), 5);
    assert_eq!(attribute(root, "errors"), 2);
    let skipped: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1, "the waived finding");
    assert!(
        skipped[0]
            .attribute("message")
            .unwrap()
            .contains("rebuilt nightly")
    );
    for suite in suites {
        let cases = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(attribute(suite, "tests"), cases);
    }
}

#[test]
fn scan_of_the_examples_lists_passes_as_well_as_failures() {
    let report = common::examples();
    let text = render_junit(&report, FailOn::At(Severity::Info));
    validate_with_xmllint(&text);
    let document = roxmltree::Document::parse(&text).unwrap();
    let root = document.root_element();
    let failing = attribute(root, "failures");
    assert!(failing > 0);
    assert!(
        attribute(root, "tests") > failing,
        "rules that passed are cases too"
    );
    let failures = document
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, report.findings.len());
}

#[test]
fn findings_below_fail_on_pass_with_the_finding_in_their_output() {
    let text = render_junit(&common::fixture(), FailOn::At(Severity::High));
    validate_with_xmllint(&text);
    let document = roxmltree::Document::parse(&text).unwrap();
    let root = document.root_element();
    // TST001 (critical), TST002 and TST004 (high) fail; TST005 (low) and TST006 (info) pass.
    assert_eq!(attribute(root, "failures"), 3);
    assert_eq!(
        attribute(root, "tests"),
        8,
        "the same cases as with --fail-on low"
    );
    let case = |name: &str| {
        document
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap()
    };
    let probe = case("TST005 missing-readiness-probe");
    assert!(!probe.children().any(|n| n.has_tag_name("failure")));
    assert!(!probe.children().any(|n| n.has_tag_name("skipped")));
    let output = probe
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        output.starts_with("low finding below --fail-on high: container web has no readinessProbe"),
        "{output}"
    );
    let app = root
        .children()
        .find(|n| n.attribute("name") == Some("deploy/app.yaml"))
        .unwrap();
    assert_eq!(attribute(app, "failures"), 2);
    assert_eq!(
        attribute(app, "skipped"),
        1,
        "the waived finding stays skipped"
    );
}

/// Validates against `tests/schemas/junit-10.xsd` with libxml2's `xmllint`. The check is skipped
/// when `xmllint` is missing, unless `PALISADE_REQUIRE_XMLLINT` is set (`.ci/reports.sh` sets
/// it after installing the tool).
fn validate_with_xmllint(xml: &str) {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/junit-10.xsd");
    let child = Command::new("xmllint")
        .args(["--noout", "--schema", schema, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) if std::env::var_os("PALISADE_REQUIRE_XMLLINT").is_none() => {
            eprintln!("xmllint not available ({error}); JUnit schema validation skipped");
            return;
        }
        Err(error) => panic!("xmllint is required: {error}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "JUnit output fails the schema:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
