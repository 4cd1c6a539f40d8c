//! Objects other than Kubernetes' own workloads: custom resources that run pods are checked as
//! a Deployment is, and what Palisade cannot read is named in a notice, never passed in silence.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;

use serde_json::Value;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/custom-resources"
    ))
}

fn scan_json(args: &[&str]) -> (Value, Option<i32>) {
    let output = common::run_in(
        common::palisade_bin(),
        fixtures(),
        &[&["scan", "--format", "json"], args].concat(),
        None,
    );
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code())
}

/// (kind, name, pointer) of every finding of one rule.
fn found(report: &Value, rule: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["object"]["kind"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap().to_string(),
                f["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn entry(kind: &str, name: &str, pointer: &str) -> (String, String, String) {
    (kind.to_string(), name.to_string(), pointer.to_string())
}

#[test]
fn a_privileged_container_is_found_in_every_kind_that_runs_pods() {
    let (report, code) = scan_json(&["--config", "palisade.yaml", "workloads.yaml"]);
    assert_eq!(code, Some(1));
    let privileged = "/securityContext/privileged";
    assert_eq!(
        found(&report, "pss-privileged"),
        [
            entry(
                "DeploymentConfig",
                "legacy",
                &format!("/spec/template/spec/containers/0{privileged}")
            ),
            entry(
                "Fleet",
                "configured",
                &format!("/spec/pools/0/podSpec/containers/0{privileged}")
            ),
            entry(
                "Job",
                "train",
                &format!("/spec/tasks/1/template/spec/containers/0{privileged}")
            ),
            entry(
                "Rollout",
                "canary",
                &format!("/spec/template/spec/containers/0{privileged}")
            ),
            entry(
                "Runner",
                "shaped",
                &format!("/spec/template/spec/containers/0{privileged}")
            ),
            entry(
                "Service",
                "fn",
                &format!("/spec/template/spec/containers/0{privileged}")
            ),
            entry("Task", "build", &format!("/spec/steps/0{privileged}")),
        ]
    );
    // A Tekton task is an overlay: the pod is Tekton's, so what the task leaves out (a
    // ServiceAccount, limits, a seccomp profile) is not reported on it.
    let on_task = |rule: &str| found(&report, rule).iter().any(|(k, _, _)| k == "Task");
    for rule in [
        "default-service-account",
        "missing-resource-limits",
        "workload-not-network-isolated",
    ] {
        assert!(!on_task(rule), "{rule} on an overlay");
    }
    assert!(
        found(&report, "default-service-account")
            .iter()
            .any(|(k, _, _)| k == "Rollout")
    );
    assert_eq!(report["notices"], serde_json::json!([]));
}

#[test]
fn without_its_configuration_a_custom_kind_is_named_in_a_notice() {
    let (report, _) = scan_json(&["--no-config", "workloads.yaml"]);
    assert!(
        !found(&report, "pss-privileged")
            .iter()
            .any(|(k, _, _)| k == "Fleet")
    );
    let notices = report["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:#?}");
    assert_eq!(notices[0]["type"], "unknown-kind");
    assert_eq!(notices[0]["line"], 71);
    assert!(
        notices[0]["message"].as_str().unwrap().starts_with(
            "Fleet (acme.dev/v1): not a kind Palisade knows, so no rule checked 1 object"
        ),
        "{}",
        notices[0]["message"]
    );
}

#[test]
fn malformed_and_unknown_objects_are_notices_at_their_lines() {
    let (report, code) = scan_json(&["--no-config", "malformed.yaml"]);
    assert_eq!(code, Some(0), "{report:#}");
    let notices: Vec<(String, u64, String)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["type"].as_str().unwrap().to_string(),
                n["line"].as_u64().unwrap(),
                n["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let kinds: Vec<(&str, u64)> = notices.iter().map(|(k, l, _)| (k.as_str(), *l)).collect();
    assert_eq!(
        kinds,
        [
            ("unknown-kind", 16),
            ("malformed-object", 2),
            ("malformed-object", 13),
        ]
    );
    assert!(
        notices[0].2.contains("2 objects (this is the first)"),
        "{}",
        notices[0].2
    );
    assert!(
        notices[1].2.contains("`Deployment` is not a kind of apiVersion `v1`; Kubernetes serves it in `apps` and `extensions`"),
        "{}",
        notices[1].2
    );
    assert!(
        notices[2]
            .2
            .starts_with("Pod shop/list-spec: /spec is a list where Kubernetes expects a pod spec"),
        "{}",
        notices[2].2
    );

    let text = common::run_in(
        common::palisade_bin(),
        fixtures(),
        &["scan", "--no-config", "malformed.yaml"],
        None,
    );
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("malformed.yaml:13: warning: Pod shop/list-spec: /spec is a list"),
        "{stdout}"
    );
}

#[test]
fn a_configured_location_that_is_not_a_pointer_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".palisade.yaml"),
        "pod-templates:\n  - group: acme.dev\n    kind: Fleet\n    paths: [spec/pools]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "empty.yaml"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".palisade.yaml:4:")
            && stderr.contains("pod-templates[0].paths: `spec/pools` is not a JSON pointer"),
        "{stderr}"
    );
}
