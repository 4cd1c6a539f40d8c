//! `palisade paths`: escalation to cluster-admin, each technique and a chain of three, and no
//! path where there is none.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;

use serde_json::Value;

fn paths(args: &[&str]) -> Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paths");
    let output = common::run_in(
        common::palisade_bin(),
        &dir,
        &[&["paths", "-f", "cluster.yaml", "--format", "json"], args].concat(),
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn subject(value: &Value) -> String {
    match value["kind"].as_str().unwrap() {
        "serviceAccount" => format!(
            "sa:{}/{}",
            value["namespace"].as_str().unwrap(),
            value["name"].as_str().unwrap()
        ),
        kind => format!("{kind}:{}", value["name"].as_str().unwrap()),
    }
}

/// Each path as `from: technique > technique ...`.
fn summary(answer: &Value) -> Vec<String> {
    answer["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let techniques: Vec<&str> = p["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["technique"].as_str().unwrap())
                .collect();
            format!("{}: {}", subject(&p["from"]), techniques.join(" > "))
        })
        .collect()
}

#[test]
fn every_escalation_is_found_with_the_shortest_path() {
    assert_eq!(
        summary(&paths(&[])),
        [
            "user:mallory: impersonate",
            "group:platform: bind-cluster-admin",
            "user:oncall: read-token-secret > holds-everything",
            "sa:build/builder: create-token > holds-everything",
            "sa:ci/deployer: create-pods > holds-everything",
            "user:junior: create-pods > create-token > holds-everything",
        ]
    );
}

#[test]
fn a_path_names_each_step_and_the_binding_behind_it() {
    let answer = paths(&["--from", "user:junior"]);
    let steps = answer["paths"][0]["steps"].as_array().unwrap();
    assert_eq!(subject(&steps[0]["to"]["subject"]), "sa:build/builder");
    assert_eq!(
        steps[0]["grants"][0]["binding"]["name"],
        "junior-edits-build"
    );
    assert_eq!(steps[0]["grants"][0]["role"]["name"], "edit");
    assert_eq!(subject(&steps[1]["to"]["subject"]), "sa:prod/admin-bot");
    assert_eq!(
        steps[1]["grants"][0]["binding"]["name"],
        "builder-makes-tokens"
    );
    assert_eq!(steps[2]["to"]["type"], "clusterAdmin");
}

#[test]
fn reading_and_viewing_lead_nowhere() {
    assert_eq!(
        paths(&["--from", "user:auditor"])["paths"],
        serde_json::json!([])
    );
}
