//! End-to-end tests of `palisade install`: the binary prints the manifests, and the same binary's
//! `scan` finds nothing above low in them. The Helm chart is checked against the same output
//! when a `helm` binary is given (`.ci/helm-chart.sh` does).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

#[path = "../common/mod.rs"]
mod common;
mod helm;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

fn run(program: &Path, args: &[&str], input: Option<&str>) -> Output {
    common::run_in(program, &std::env::temp_dir(), args, input)
}

fn palisade() -> &'static Path {
    common::palisade_bin()
}

/// `palisade install ARGS`, which must succeed.
fn install(args: &[&str]) -> String {
    let output = run(palisade(), &[&["install"], args].concat(), None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Scans manifests with the default configuration; asserts there was no input error, that
/// nothing was skipped, and that no finding is above low. Returns the JSON report.
fn assert_clean(manifests: &str) -> Value {
    assert_clean_with(manifests, &[])
}

/// Manifests for a namespace that exists already: whether it has a default-deny
/// NetworkPolicy is its owner's business, so that rule is left out.
fn assert_clean_in_existing_namespace(manifests: &str) -> Value {
    assert_clean_with(manifests, &["--ignore", "namespace-missing-default-deny"])
}

fn assert_clean_with(manifests: &str, flags: &[&str]) -> Value {
    let output = run(
        palisade(),
        &[&["scan", "--no-config", "--format", "json"], flags, &["-"]].concat(),
        Some(manifests),
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["inputErrors"], serde_json::json!([]), "{report:#}");
    assert_eq!(
        report["skippedDocuments"],
        serde_json::json!([]),
        "{report:#}"
    );
    let above_low: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        // What the manifests waive themselves, with a reason, is deliberate.
        .filter(|f| f["waived"] != true)
        .filter(|f| !matches!(f["severity"].as_str(), Some("low" | "info")))
        .collect();
    assert!(above_low.is_empty(), "findings above low: {above_low:#?}");
    assert_eq!(
        output.status.code(),
        Some(0),
        "scan exits 0 with only info findings: {report:#}"
    );
    report
}

fn documents(manifests: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(manifests)
        .expect("the output is YAML")
        .into_iter()
        .filter(|document| !document.is_null())
        .collect()
}

fn find<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

#[test]
fn default_install_passes_scan_with_nothing_above_low() {
    let report = assert_clean(&install(&[]));
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // The release image is a tag: its digest is not known when this binary is built.
    assert_eq!(codes, ["image-not-digest-pinned"], "{report:#}");
}

#[test]
fn generated_certificates_install_passes_scan_with_nothing_above_low() {
    assert_clean_in_existing_namespace(&install(&[
        "--generate-certs",
        "--namespace",
        "guard",
        "--failure-policy",
        "Ignore",
    ]));
}

#[test]
fn a_digest_pinned_image_and_a_configuration_pass_scan_with_no_finding() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(
        &config,
        "webhook:\n  modes:\n    read-only-root-filesystem: warn\n",
    )
    .unwrap();
    let image = format!("ghcr.io/palisade-dev/palisade@sha256:{}", "ab".repeat(32));
    let manifests = install(&["--image", &image, "--config", config.to_str().unwrap()]);
    let report = assert_clean(&manifests);
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    let objects = documents(&manifests);
    let config_map = find(&objects, "ConfigMap");
    assert_eq!(
        config_map["data"]["palisade.yaml"],
        "webhook:\n  modes:\n    read-only-root-filesystem: warn\n"
    );
    let container = &find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<&str> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        args.ends_with(&["--config", "/etc/palisade/config/palisade.yaml"]),
        "{args:?}"
    );
}

#[test]
fn default_install_output() {
    // The snapshot outlives version bumps.
    let manifests = install(&[]).replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("install_default", manifests);
}

#[test]
fn the_webhook_exempts_its_namespace_and_those_the_configuration_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(&config, "webhook:\n  exempt-namespaces: [ci, guard]\n").unwrap();
    let objects = documents(&install(&[
        "--namespace",
        "guard",
        "--create-namespace",
        "--config",
        config.to_str().unwrap(),
    ]));
    let hook = &find(&objects, "ValidatingWebhookConfiguration")["webhooks"][0];
    let expression = &hook["namespaceSelector"]["matchExpressions"][0];
    assert_eq!(expression["key"], "kubernetes.io/metadata.name");
    assert_eq!(expression["values"], serde_json::json!(["guard", "ci"]));
    assert_eq!(
        find(&objects, "Namespace")["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "guard"
    );
}

#[test]
fn exempt_namespace_globs_stay_out_of_the_selector_and_bad_entries_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(
        &config,
        "webhook:\n  exempt-namespaces: [ci, \"legacy-*\"]\n",
    )
    .unwrap();
    let text = install(&["--config", config.to_str().unwrap()]);
    let objects = documents(&text);
    let hook = &find(&objects, "ValidatingWebhookConfiguration")["webhooks"][0];
    // A label value cannot hold `*`: the API server would reject the whole configuration.
    assert_eq!(
        hook["namespaceSelector"]["matchExpressions"][0]["values"],
        serde_json::json!(["palisade", "ci"])
    );
    assert!(text.contains("# Exempt by pattern (legacy-*)"), "{text}");

    for bad in ["Not_A_Name", "\"[unclosed\""] {
        std::fs::write(&config, format!("webhook:\n  exempt-namespaces: [{bad}]\n")).unwrap();
        let output = run(
            palisade(),
            &["install", "--config", config.to_str().unwrap()],
            None,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("webhook.exempt-namespaces"), "{stderr}");
    }
}

#[test]
fn rbac_and_configmaps_are_sent_only_when_asked_and_the_output_says_so() {
    let text = install(&[]);
    assert!(
        text.contains("# Not sent, so their rules do not run at admission"),
        "{text}"
    );
    assert!(
        text.contains("# RBAC objects (rbac-* rules), ConfigMaps"),
        "{text}"
    );
    let resources = |text: &str| -> Vec<String> {
        let objects = documents(text);
        let hook = &find(&objects, "ValidatingWebhookConfiguration")["webhooks"][0];
        hook["rules"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["resources"].as_array().unwrap().clone())
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    let default = resources(&text);
    assert!(
        !default.contains(&"configmaps".to_string()) && !default.contains(&"roles".to_string())
    );
    let asked = install(&["--check", "rbac,configmaps"]);
    let all = resources(&asked);
    for kind in [
        "configmaps",
        "roles",
        "rolebindings",
        "clusterroles",
        "clusterrolebindings",
    ] {
        assert!(all.contains(&kind.to_string()), "{kind}: {all:?}");
    }
    assert!(!asked.contains("# Not sent"), "{asked}");
}

#[test]
fn match_conditions_are_left_out_for_clusters_before_1_28() {
    let hook = |args: &[&str]| {
        find(&documents(&install(args)), "ValidatingWebhookConfiguration")["webhooks"][0].clone()
    };
    assert!(hook(&[]).get("matchConditions").is_some());
    assert!(
        hook(&["--kube-version", "1.28"])
            .get("matchConditions")
            .is_some()
    );
    assert!(
        hook(&["--kube-version", "1.27"])
            .get("matchConditions")
            .is_none()
    );
}

/// An existing namespace is someone else's: it is not created or relabelled, and nothing in
/// the output reaches beyond Palisade's own pods (no namespace-wide policy or quota).
#[test]
fn an_existing_namespace_is_left_as_it_is() {
    let manifests = install(&["--namespace", "team-security"]);
    assert!(
        manifests.contains(
            "# Installs into the existing namespace team-security: it is not created or relabelled"
        ),
        "{manifests}"
    );
    let objects = documents(&manifests);
    let kinds: Vec<&str> = objects.iter().filter_map(|o| o["kind"].as_str()).collect();
    assert!(!kinds.contains(&"Namespace"), "{kinds:?}");
    assert!(!kinds.contains(&"ResourceQuota"), "{kinds:?}");
    let selector = serde_json::json!({
        "app.kubernetes.io/name": "palisade",
        "app.kubernetes.io/instance": "palisade",
    });
    let policies: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "NetworkPolicy")
        .collect();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0]["spec"]["podSelector"]["matchLabels"], selector);
    assert_clean_in_existing_namespace(&manifests);

    // Asked to, it creates the namespace as its own: labelled, with a quota and a default deny.
    let objects = documents(&install(&[
        "--namespace",
        "team-security",
        "--create-namespace",
    ]));
    let namespace = find(&objects, "Namespace");
    assert_eq!(namespace["metadata"]["name"], "team-security");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    find(&objects, "ResourceQuota");
    assert_eq!(
        objects
            .iter()
            .filter(|o| o["kind"] == "NetworkPolicy")
            .count(),
        2
    );
}

#[test]
fn system_namespaces_are_refused_without_force() {
    for namespace in ["kube-system", "kube-public", "kube-node-lease", "default"] {
        let output = run(palisade(), &["install", "--namespace", namespace], None);
        assert_eq!(output.status.code(), Some(2), "{namespace}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("--namespace {namespace}: a system namespace"))
                && stderr.contains("--force"),
            "{stderr}"
        );
    }
    // Forced, even with --create-namespace, a system namespace is never relabelled.
    let objects = documents(&install(&[
        "--namespace",
        "kube-system",
        "--create-namespace",
        "--force",
    ]));
    let kinds: Vec<&str> = objects.iter().filter_map(|o| o["kind"].as_str()).collect();
    assert!(!kinds.contains(&"Namespace"), "{kinds:?}");
    assert!(!kinds.contains(&"ResourceQuota"), "{kinds:?}");
}

#[test]
fn the_output_says_which_severities_are_denied() {
    let defaults = install(&[]);
    assert!(
        defaults.contains(
            "# Findings by severity: enforce: critical, high; warn: medium, low, info.\n"
        ),
        "{defaults}"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(&config, "webhook:\n  default-mode: audit\n").unwrap();
    let audit = install(&["--config", config.to_str().unwrap()]);
    assert!(
        audit.contains("# Findings by severity: audit: critical, high, medium, low, info.\n"),
        "{audit}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["install", "--namespace", "Not_A_Name"][..],
        &["install", "--timeout-seconds", "31"],
        &["install", "--failure-policy", "fail"],
        &["install", "--cert-days", "30"],
    ] {
        let output = run(palisade(), args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let output = run(
        palisade(),
        &["install", "--config", "/nonexistent/palisade.yaml"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_invalid_configuration_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.yaml");
    std::fs::write(&config, "webhook:\n  default-mode: block\n").unwrap();
    let output = run(
        palisade(),
        &["install", "--config", config.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("palisade.yaml:2") && stderr.contains("block"),
        "{stderr}"
    );
}

/// The generated Secret holds a serving certificate for the Service's name, signed by the CA
/// the webhook configuration trusts: verified as the API server would, by a TLS client.
#[test]
fn generated_certificate_is_trusted_for_the_service_name() {
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::ServerCertVerifier as _;
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

    let objects = documents(&install(&["--generate-certs", "--namespace", "guard"]));
    let secret = find(&objects, "Secret");
    let decode = |value: &Value| BASE64.decode(value.as_str().unwrap()).unwrap();
    let bundle = decode(
        &find(&objects, "ValidatingWebhookConfiguration")["webhooks"][0]["clientConfig"]["caBundle"],
    );
    assert_eq!(bundle, decode(&secret["data"]["ca.crt"]));
    PrivateKeyDer::from_pem_slice(&decode(&secret["data"]["tls.key"]))
        .expect("tls.key is a PEM private key");

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(&bundle).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .unwrap();
    let leaf = CertificateDer::from_pem_slice(&decode(&secret["data"]["tls.crt"])).unwrap();
    for name in ["palisade.guard.svc", "palisade.guard.svc.cluster.local"] {
        let name = ServerName::try_from(name).unwrap();
        verifier
            .verify_server_cert(&leaf, &[], &name, &[], UnixTime::now())
            .expect("trusted for the Service");
    }
    let other = ServerName::try_from("palisade.other.svc").unwrap();
    assert!(
        verifier
            .verify_server_cert(&leaf, &[], &other, &[], UnixTime::now())
            .is_err()
    );
}

#[test]
fn the_continuous_audit_gets_read_only_rbac_without_secrets_and_egress_to_the_api_server() {
    let printed = install(&["--audit-interval", "10m"]);
    assert_clean(&printed);
    let objects = documents(&printed);
    let role = find(&objects, "ClusterRole");
    let rules = role["rules"].as_array().unwrap();
    for rule in rules {
        let verbs = rule["verbs"].as_array().unwrap();
        let group = rule["apiGroups"][0].as_str().unwrap();
        if group == "openreports.io" {
            assert_eq!(
                rule["resources"],
                serde_json::json!(["reports", "clusterreports"])
            );
        } else {
            assert_eq!(verbs, &[Value::from("get"), Value::from("list")], "{rule}");
        }
        let resources = rule["resources"].as_array().unwrap();
        assert!(!resources.contains(&Value::from("secrets")), "{rule}");
        assert!(!resources.contains(&Value::from("*")), "{rule}");
    }
    let binding = find(&objects, "ClusterRoleBinding");
    assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
    assert_eq!(binding["subjects"][0]["name"], "palisade");
    let deployment = find(&objects, "Deployment");
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["automountServiceAccountToken"], true);
    let args = pod["containers"][0]["args"].as_array().unwrap();
    let at = args.iter().position(|a| a == "--audit-interval").unwrap();
    assert_eq!(args[at + 1], "10m");
    let policy = objects
        .iter()
        .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == "palisade")
        .unwrap();
    assert_eq!(
        policy["spec"]["egress"],
        serde_json::json!([{ "ports": [{ "port": 443, "protocol": "TCP" }, { "port": 6443, "protocol": "TCP" }] }])
    );
    // Without the flag, none of it.
    let plain = documents(&install(&[]));
    assert!(plain.iter().all(|o| o["kind"] != "ClusterRole"));
    assert_eq!(
        find(&plain, "Deployment")["spec"]["template"]["spec"]["automountServiceAccountToken"],
        false
    );
}
