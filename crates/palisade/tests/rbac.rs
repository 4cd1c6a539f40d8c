//! `palisade who-can` and `palisade can` on manifests, end to end.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

fn palisade(args: &[&str]) -> Output {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rbac");
    common::run_in(common::palisade_bin(), &dir, args, None)
}

fn json(args: &[&str]) -> Value {
    let output = palisade(&[args, &["--format", "json"]].concat());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn subjects(answer: &Value) -> Vec<String> {
    answer["grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| !g["binding"]["default"].as_bool().unwrap_or(false))
        .map(|g| {
            let s = &g["subject"];
            match s["kind"].as_str().unwrap() {
                "serviceAccount" => format!(
                    "sa:{}/{}",
                    s["namespace"].as_str().unwrap(),
                    s["name"].as_str().unwrap()
                ),
                kind => format!("{kind}:{}", s["name"].as_str().unwrap()),
            }
        })
        .collect()
}

#[test]
fn who_can_read_secrets_names_each_subject_with_the_binding_that_grants_it() {
    let answer = json(&["who-can", "get", "secrets", "-n", "shop", "-f", "team.yaml"]);
    // `edit` reads secrets too: the group that holds it through the defaults' aggregation.
    assert_eq!(subjects(&answer), ["sa:ci/deployer", "group:dev"]);
    let text = palisade(&["who-can", "get", "secrets", "-n", "shop", "-f", "team.yaml"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("Who can get secrets in namespace shop:\n"),
        "{text}"
    );
    assert!(
        text.contains("sa:ci/deployer")
            && text.contains("RoleBinding shop/ci-reads-secrets → Role shop/secret-reader"),
        "{text}"
    );
    // Elsewhere, and cluster-wide, the input grants nothing.
    assert!(
        subjects(&json(&[
            "who-can",
            "get",
            "secrets",
            "-n",
            "other",
            "-f",
            "team.yaml"
        ]))
        .is_empty()
    );
    assert!(subjects(&json(&["who-can", "get", "secrets", "-f", "team.yaml"])).is_empty());
}

#[test]
fn without_the_defaults_edit_grants_nothing() {
    let answer = json(&[
        "who-can",
        "get",
        "secrets",
        "-n",
        "shop",
        "-f",
        "team.yaml",
        "--no-defaults",
    ]);
    assert_eq!(subjects(&answer), ["sa:ci/deployer"]);
}

#[test]
fn can_lists_a_subjects_rules_by_namespace() {
    let answer = json(&["can", "sa:ci/deployer", "-f", "team.yaml", "--no-defaults"]);
    assert_eq!(answer["superuser"], false);
    let scopes = answer["scopes"].as_array().unwrap();
    assert_eq!(scopes[0]["rules"], serde_json::json!([]));
    assert_eq!(scopes[1]["namespace"], "shop");
    assert_eq!(
        scopes[1]["rules"],
        serde_json::json!([{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["secrets"]}])
    );
    let masters = json(&["can", "group:system:masters", "-f", "team.yaml"]);
    assert_eq!(masters["superuser"], true);
}

#[test]
fn a_subject_that_is_not_one_is_a_usage_error() {
    let output = palisade(&["can", "deployer", "-f", "team.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("name a subject as user:NAME, group:NAME or sa:NAMESPACE/NAME"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
