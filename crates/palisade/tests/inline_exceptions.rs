//! `palisade.dev/ignore` in `scan`: where it counts, what it accepts, and what it warns about.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;

use serde_json::Value;

fn scan_json(dir: &Path, args: &[&str]) -> Value {
    let output = common::run_in(
        common::palisade_bin(),
        dir,
        &[&["scan", "--no-config", "--format", "json"], args].concat(),
        None,
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// (rule, waived) for every finding of the report.
fn findings(report: &Value) -> Vec<(String, bool)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["waived"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// (kind, line) of every notice.
fn notices(report: &Value) -> Vec<(String, u64)> {
    report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["type"].as_str().unwrap().to_string(),
                n["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  namespace: ops
  annotations: {OWN}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata:
      labels: {app: agent}
      annotations: {TEMPLATE}
    spec:
      containers:
      - name: agent
        image: registry.example.com/agent:1
        securityContext: {privileged: true}
";

fn deployment(own: &str, template: &str) -> String {
    DEPLOYMENT
        .replace("{OWN}", own)
        .replace("{TEMPLATE}", template)
}

fn privileged_waived(report: &Value) -> bool {
    findings(report)
        .iter()
        .find(|(rule, _)| rule == "pss-privileged")
        .expect("a pss-privileged finding")
        .1
}

#[test]
fn on_a_workload_the_pod_template_annotation_counts() {
    let dir = tempfile::tempdir().unwrap();
    let annotation = "{palisade.dev/ignore: pod-security, palisade.dev/ignore-reason: node agent}";
    std::fs::write(dir.path().join("t.yaml"), deployment("{}", annotation)).unwrap();
    let report = scan_json(dir.path(), &["t.yaml"]);
    assert!(privileged_waived(&report), "{report:#}");
    assert_eq!(notices(&report), []);

    // On the Deployment's own metadata it does not reach the pods: the finding stands, and a
    // notice at the annotation says where it belongs.
    std::fs::write(dir.path().join("t.yaml"), deployment(annotation, "{}")).unwrap();
    let report = scan_json(dir.path(), &["t.yaml"]);
    assert!(!privileged_waived(&report), "{report:#}");
    assert_eq!(
        notices(&report),
        [("inline-exception-not-on-pods".to_string(), 6)]
    );
    let message = report["notices"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("put it on spec.template.metadata.annotations"),
        "{message}"
    );
}

#[test]
fn unknown_names_and_missing_reasons_are_noticed_at_the_annotation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        deployment("{}", "{palisade.dev/ignore: \"pss-priviledged, images\"}"),
    )
    .unwrap();
    let report = scan_json(dir.path(), &["t.yaml"]);
    assert!(!privileged_waived(&report));
    assert_eq!(
        notices(&report),
        [
            ("inline-exception-unknown-rule".to_string(), 12),
            ("inline-exception-without-reason".to_string(), 12),
        ]
    );
    let message = report["notices"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("(did you mean `pss-privileged`?)"),
        "{message}"
    );

    // The text report shows them as warnings with file and line.
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "--no-config", "t.yaml"],
        None,
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("t.yaml:12: warning: palisade.dev/ignore: `pss-priviledged`"),
        "{text}"
    );
}

#[test]
fn annotations_are_not_checked_when_the_configuration_turns_them_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        deployment("{}", "{palisade.dev/ignore: nonsense}"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "allow-inline-exceptions: false\n",
    )
    .unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "--config", "c.yaml", "--format", "json", "t.yaml"],
        None,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(notices(&report), []);
}

#[test]
fn select_and_ignore_flags_choose_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), deployment("{}", "{}")).unwrap();
    let rules = |args: &[&str]| -> Vec<String> {
        let mut rules: Vec<String> = findings(&scan_json(dir.path(), args))
            .into_iter()
            .map(|(rule, _)| rule)
            .collect();
        rules.sort();
        rules.dedup();
        rules
    };
    let all = rules(&["t.yaml"]);
    assert!(
        all.iter().any(|r| r.starts_with("pss-")) && all.iter().any(|r| !r.starts_with("pss-"))
    );
    let selected = rules(&["--select", "pss-privileged,IMG002", "t.yaml"]);
    assert_eq!(selected, ["image-not-digest-pinned", "pss-privileged"]);
    let ignored = rules(&["--ignore", "pod-security", "--ignore", "images", "t.yaml"]);
    assert!(!ignored.is_empty());
    assert!(
        ignored
            .iter()
            .all(|r| !r.starts_with("pss-") && !r.starts_with("image-")),
        "{ignored:?}"
    );

    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "--select", "pss-priviledged", "t.yaml"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean `pss-privileged`?"),
        "{stderr}"
    );
}
