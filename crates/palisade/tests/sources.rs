//! Where findings point when the input was rendered: Helm's `# Source:` comments, and a name
//! for standard input.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn scan_stdin(args: &[&str], input: &str) -> Value {
    let output = common::run_in(
        common::palisade_bin(),
        &std::env::temp_dir(),
        &[&["scan", "--no-config", "--format", "json"], args, &["-"]].concat(),
        Some(input),
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// (rule, file, line) of each finding.
fn locations(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const RENDERED: &str = "\
---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: shop
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: shop
        image: registry.example.com/shop:latest
";

#[test]
fn helm_output_points_at_the_template_and_the_line_within_its_document() {
    let report = scan_stdin(&["--select", "image-latest-tag"], RENDERED);
    assert_eq!(
        locations(&report),
        [(
            "image-latest-tag".to_string(),
            "shop/templates/deployment.yaml".to_string(),
            12
        )]
    );
    // The text report names the template and still quotes the rendered line.
    let output = common::run_in(
        common::palisade_bin(),
        &std::env::temp_dir(),
        &["scan", "--no-config", "--select", "image-latest-tag", "-"],
        Some(RENDERED),
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("shop/templates/deployment.yaml:12:"),
        "{text}"
    );
    assert!(
        text.contains("image: registry.example.com/shop:latest"),
        "{text}"
    );
}

#[test]
fn stdin_can_be_given_a_name() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: registry.example.com/a:latest\n";
    let report = scan_stdin(
        &[
            "--select",
            "image-latest-tag",
            "--stdin-name",
            "rendered/pod.yaml",
        ],
        pod,
    );
    assert_eq!(
        locations(&report),
        [(
            "image-latest-tag".to_string(),
            "rendered/pod.yaml".to_string(),
            7
        )]
    );
    let unnamed = scan_stdin(&["--select", "image-latest-tag"], pod);
    assert_eq!(locations(&unnamed)[0].1, "<stdin>");
}

/// A real chart rendered by `helm template`: the finding is located in the template file.
#[test]
#[ignore = "needs helm; run by .ci/helm-chart.sh with PALISADE_HELM set"]
fn a_chart_rendered_by_helm_is_reported_against_its_templates() {
    let helm =
        PathBuf::from(std::env::var("PALISADE_HELM").expect("PALISADE_HELM names a helm binary"));
    let chart = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/palisade");
    let rendered = common::run_in(
        &helm,
        &std::env::temp_dir(),
        &[
            "template",
            "palisade",
            chart.to_str().unwrap(),
            "--namespace",
            "guard",
        ],
        None,
    );
    assert!(rendered.status.success());
    let rendered = String::from_utf8(rendered.stdout).unwrap();
    let report = scan_stdin(&[], &rendered);
    let found = locations(&report);
    // The chart's image is a tag (its digest is set at release): one info finding, in the
    // Deployment's template, on the line of the rendered document that names the image.
    let (rule, file, line) = found
        .iter()
        .find(|(rule, _, _)| rule == "image-not-digest-pinned")
        .expect("the image finding");
    assert_eq!(rule, "image-not-digest-pinned");
    assert_eq!(file, "palisade/templates/deployment.yaml");
    let document = rendered
        .split("\n---\n")
        .find(|d| d.contains("# Source: palisade/templates/deployment.yaml"))
        .unwrap();
    let image_line = document
        .lines()
        .skip_while(|l| !l.starts_with("# Source:"))
        .position(|l| l.trim_start().starts_with("image:"))
        .unwrap();
    assert_eq!(*line, u64::try_from(image_line).unwrap());
}

/// A chart directory in a scanned tree: without helm, one notice and no parse error per
/// template; the plain manifests beside it are still scanned.
#[test]
fn a_chart_without_helm_is_one_notice_not_a_parse_error_per_template() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("deploy/shop");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deploy/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: registry.example.com/a:latest\n",
    )
    .unwrap();
    let output = std::process::Command::new(common::palisade_bin())
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "json", "deploy"])
        .env("PATH", "/nonexistent")
        .env_remove("PALISADE_HELM")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputErrors"], serde_json::json!([]), "{report:#}");
    let notices: Vec<(&str, &str)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["type"].as_str().unwrap(), n["file"].as_str().unwrap()))
        .collect();
    assert_eq!(notices, [("chart-not-rendered", "deploy/shop")]);
    assert!(
        locations(&report)
            .iter()
            .all(|(_, file, _)| file == "deploy/pod.yaml")
    );
    assert!(!locations(&report).is_empty());
}

/// With helm, a chart in a scanned tree is rendered and its findings point at its files.
#[test]
#[ignore = "needs helm; run by .ci/helm-chart.sh with PALISADE_HELM set"]
fn a_chart_in_a_scanned_tree_is_rendered_with_helm() {
    let charts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts");
    // helm template renders into `default`, which the chart refuses unless forced: the values
    // file given with --values reaches helm.
    let values = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(values.path(), "force: true\n").unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        &charts,
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--values",
            values.path().to_str().unwrap(),
            ".",
        ],
        None,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputErrors"], serde_json::json!([]), "{report:#}");
    // The chart can have cert-manager issue the webhook's certificate: Palisade has no rule
    // for cert-manager's kinds, and says so once per kind.
    let notices: Vec<(&str, &str)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let message = n["message"].as_str().unwrap();
            (
                n["type"].as_str().unwrap(),
                message.split(':').next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notices,
        [
            ("unknown-kind", "Certificate (cert-manager.io/v1)"),
            ("unknown-kind", "Issuer (cert-manager.io/v1)")
        ],
        "{report:#}"
    );
    let found = locations(&report);
    assert!(
        found
            .iter()
            .any(|(rule, file, _)| rule == "image-not-digest-pinned"
                && file == "./palisade/templates/deployment.yaml"),
        "{found:#?}"
    );
}

#[test]
fn kustomize_patches_are_not_checked_as_whole_objects() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("overlay");
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(
        overlay.join("kustomization.yaml"),
        "resources: [service.yaml]\npatches:\n- path: replicas.yaml\n",
    )
    .unwrap();
    // A strategic-merge patch: a Deployment in name only, with none of what one must have.
    std::fs::write(
        overlay.join("replicas.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  replicas: 3\n",
    )
    .unwrap();
    std::fs::write(
        overlay.join("service.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: shop}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n",
    )
    .unwrap();
    // No kustomize or kubectl to build it with: its files are read as they are.
    let output = std::process::Command::new(common::palisade_bin())
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "json", "overlay"])
        .env("PATH", "/nonexistent")
        .env_remove("PALISADE_KUSTOMIZE")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputErrors"], serde_json::json!([]), "{report:#}");
    let found = locations(&report);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(_, file, _)| file == "overlay/service.yaml"),
        "{report:#}"
    );
    assert_eq!(report["notices"][0]["type"], "kustomize-patch");
    assert_eq!(report["notices"][0]["file"], "overlay/replicas.yaml");
}

/// Kustomize output with origin annotations: findings point into the files the objects came
/// from, when they are there.
#[test]
fn kustomize_origin_annotations_point_at_the_source_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("base")).unwrap();
    std::fs::write(
        dir.path().join("base/deployment.yaml"),
        "# the app\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: shop\n        image: registry.example.com/shop:latest\n",
    )
    .unwrap();
    let built = |path: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-shop\n  annotations:\n    config.kubernetes.io/origin: |\n      path: {path}\nspec:\n  selector: {{matchLabels: {{app: shop}}}}\n  template:\n    metadata: {{labels: {{app: shop}}}}\n    spec:\n      containers:\n      - name: shop\n        image: registry.example.com/shop:latest\n"
        )
    };
    let scan = |input: &str| -> Value {
        let output = common::run_in(
            common::palisade_bin(),
            dir.path(),
            &[
                "scan",
                "--no-config",
                "--format",
                "json",
                "--select",
                "image-latest-tag",
                "-",
            ],
            Some(input),
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    assert_eq!(
        locations(&scan(&built("base/deployment.yaml"))),
        [(
            "image-latest-tag".to_string(),
            "base/deployment.yaml".to_string(),
            11
        )]
    );
    // A source that is not there: the finding stays where it is in the built stream.
    assert_eq!(
        locations(&scan(&built("elsewhere/deployment.yaml"))),
        [("image-latest-tag".to_string(), "<stdin>".to_string(), 15)]
    );
}

/// A Kustomization in a scanned tree is built with kustomize (here `kubectl kustomize`, from
/// `PALISADE_KUSTOMIZE`): the overlay's objects are checked as built, and findings point into
/// the base's file through the origin annotations.
#[test]
#[ignore = "needs kubectl or kustomize; run by .ci/run with PALISADE_KUSTOMIZE set"]
fn a_kustomization_in_a_scanned_tree_is_built() {
    std::env::var("PALISADE_KUSTOMIZE").expect("PALISADE_KUSTOMIZE names kustomize or kubectl");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("app/base");
    let overlay = dir.path().join("app/prod");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(
        base.join("kustomization.yaml"),
        "resources: [deployment.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        base.join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector: {matchLabels: {app: shop}}\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      containers:\n      - name: shop\n        image: registry.example.com/shop:latest\n",
    )
    .unwrap();
    std::fs::write(
        overlay.join("kustomization.yaml"),
        "resources: [../base]\nnamePrefix: prod-\nnamespace: prod\nbuildMetadata: [originAnnotations]\n",
    )
    .unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &[
            "scan",
            "--no-config",
            "--format",
            "json",
            "--select",
            "image-latest-tag",
            "app",
        ],
        None,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputErrors"], serde_json::json!([]), "{report:#}");
    let objects: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}/{}",
                f["object"]["namespace"].as_str().unwrap_or("-"),
                f["object"]["name"].as_str().unwrap()
            )
        })
        .collect();
    // The base once as built by itself and once as the overlay builds it; never the raw file
    // as a third copy.
    assert_eq!(objects, ["-/shop", "prod/prod-shop"], "{report:#}");
    assert_eq!(
        locations(&report)[1],
        (
            "image-latest-tag".to_string(),
            "app/base/deployment.yaml".to_string(),
            12
        )
    );
}
