//! The Helm chart against `palisade install`: the same objects, the same refusals. Needs `helm`:
//! `.ci/helm-chart.sh` provides it through PALISADE_HELM.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{assert_clean_in_existing_namespace, documents, install, run};

/// The Helm chart renders the objects `palisade install` prints (less the Namespace, which a
/// chart cannot own), and they pass scan too. Needs `helm`: `.ci/helm-chart.sh` provides it
/// through PALISADE_HELM.
#[test]
#[ignore = "needs helm; run by .ci/helm-chart.sh with PALISADE_HELM set"]
fn helm_chart_renders_what_install_prints() {
    let helm =
        PathBuf::from(std::env::var("PALISADE_HELM").expect("PALISADE_HELM names a helm binary"));
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/palisade");
    let chart = chart.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(
        &config,
        "webhook:\n  modes:\n    read-only-root-filesystem: warn\n  exempt-namespaces: [ci, \"legacy-*\"]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();

    let lint = run(&helm, &["lint", "--strict", chart], None);
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stdout)
    );

    let cases: [(&[&str], &[&str]); 7] = [
        (&[], &[]),
        (
            &["--create-namespace"],
            &["--set", "dedicatedNamespace=true"],
        ),
        (
            &["--generate-certs", "--failure-policy", "Ignore"],
            &[
                "--set",
                "certs.mode=generate",
                "--set",
                "webhook.failurePolicy=Ignore",
            ],
        ),
        (
            &["--config", config, "--timeout-seconds", "9"],
            &[
                "--set-file",
                &format!("config={config}"),
                "--set",
                "webhook.timeoutSeconds=9",
            ],
        ),
        (&["--kube-version", "1.27"], &["--kube-version", "1.27.0"]),
        (
            &["--check", "rbac,configmaps"],
            &["--set", "webhook.check={rbac,configmaps}"],
        ),
        (
            &["--audit-interval", "10m", "--create-namespace"],
            &[
                "--set",
                "audit.interval=10m",
                "--set",
                "dedicatedNamespace=true",
            ],
        ),
    ];
    for (install_args, helm_args) in cases {
        let rendered = run(
            &helm,
            &[
                &["template", "palisade", chart, "--namespace", "guard"],
                helm_args,
            ]
            .concat(),
            None,
        );
        assert!(
            rendered.status.success(),
            "{}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        let rendered = String::from_utf8(rendered.stdout).unwrap();
        assert_clean_in_existing_namespace(&rendered);
        let printed = install(&[&["--namespace", "guard"], install_args].concat());
        let expected = sorted(
            documents(&printed)
                .into_iter()
                .filter(|o| o["kind"] != "Namespace")
                .map(normalize),
        );
        let actual = sorted(documents(&rendered).into_iter().map(normalize));
        let names = |objects: &[Value]| objects.iter().map(object_name).collect::<Vec<_>>();
        assert_eq!(names(&actual), names(&expected), "helm args {helm_args:?}");
        for (actual, expected) in actual.iter().zip(&expected) {
            if actual != expected {
                // Equal values may differ in key order; the pretty text shows where they differ.
                let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
                assert_eq!(
                    pretty(actual),
                    pretty(expected),
                    "{} with helm args {helm_args:?}",
                    object_name(actual)
                );
            }
        }
    }
}

/// The chart, like `install`, refuses a system namespace unless forced.
#[test]
#[ignore = "needs helm; run by .ci/helm-chart.sh with PALISADE_HELM set"]
fn helm_chart_refuses_system_namespaces_unless_forced() {
    let helm =
        PathBuf::from(std::env::var("PALISADE_HELM").expect("PALISADE_HELM names a helm binary"));
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/palisade");
    let chart = chart.to_str().unwrap();
    let template = |extra: &[&str]| {
        run(
            &helm,
            &[
                &["template", "palisade", chart, "--namespace", "kube-system"],
                extra,
            ]
            .concat(),
            None,
        )
    };
    let refused = template(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("namespace kube-system is a system namespace"),
        "{stderr}"
    );
    let forced = template(&["--set", "force=true"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let kinds: Vec<String> = documents(&String::from_utf8_lossy(&forced.stdout))
        .iter()
        .filter_map(|o| o["kind"].as_str().map(str::to_string))
        .collect();
    assert!(!kinds.iter().any(|k| k == "ResourceQuota"), "{kinds:?}");
    let dedicated = template(&["--set", "force=true", "--set", "dedicatedNamespace=true"]);
    assert!(!dedicated.status.success());
}

fn object_name(object: &Value) -> String {
    format!(
        "{}/{}",
        object["kind"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Drops what legitimately differs between Helm and `palisade install`: who manages the
/// objects, and freshly generated key material.
fn normalize(mut object: Value) -> Value {
    for pointer in ["/metadata/labels", "/spec/template/metadata/labels"] {
        if let Some(labels) = object.pointer_mut(pointer).and_then(Value::as_object_mut) {
            labels.remove("app.kubernetes.io/managed-by");
            labels.remove("helm.sh/chart");
        }
    }
    if object["kind"] == "Secret" {
        object["data"] = Value::String("[generated]".into());
    }
    if let Some(hooks) = object.get_mut("webhooks").and_then(Value::as_array_mut) {
        for hook in hooks {
            if let Some(config) = hook["clientConfig"].as_object_mut()
                && config.contains_key("caBundle")
            {
                config.insert("caBundle".into(), Value::String("[generated]".into()));
            }
        }
    }
    object
}

fn sorted(objects: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut objects: Vec<Value> = objects.collect();
    objects.sort_by_key(object_name);
    objects
}
