//! The objects `palisade install` prints, as JSON values rendered to multi-document YAML.
//!
//! Every object is built from data, never from text templates, so an image or a configuration
//! file can hold any character without breaking the YAML.

use serde_json::{Value, json};

use super::certs::{self, CertSource};
use super::workload;

/// The name shared by the ServiceAccount, Deployment, Service, PodDisruptionBudget and the
/// webhook configuration.
pub(super) const NAME: &str = "palisade";
/// The Secret holding the serving certificate (`tls.crt`, `tls.key`, `ca.crt`).
pub(super) const TLS_SECRET: &str = "palisade-tls";
pub(super) const CONFIG_MAP: &str = "palisade-config";
/// The key of the configuration file in the ConfigMap, and so its file name in the pod.
pub(super) const CONFIG_KEY: &str = "palisade.yaml";
/// Ports the container listens on: the webhook (HTTPS) and the metrics (plain HTTP).
pub(super) const WEBHOOK_PORT: u16 = 8443;
pub(super) const METRICS_PORT: u16 = 9090;

/// A configuration file shipped as a ConfigMap.
#[derive(Debug)]
pub(super) struct ShippedConfig {
    pub(super) text: String,
    /// The `webhook.exempt-namespaces` list, when the file sets it.
    pub(super) exempt_namespaces: Option<Vec<String>>,
}

/// Everything the manifests depend on.
#[derive(Debug)]
pub(super) struct Install<'a> {
    pub(super) namespace: &'a str,
    pub(super) image: &'a str,
    pub(super) failure_policy: &'static str,
    pub(super) timeout_seconds: u8,
    pub(super) match_conditions: bool,
    pub(super) config: Option<&'a ShippedConfig>,
    pub(super) certs: &'a CertSource,
}

impl Install<'_> {
    /// Labels on every namespaced object; the selector uses the first two.
    pub(super) fn labels(&self) -> Value {
        json!({
            "app.kubernetes.io/name": NAME,
            "app.kubernetes.io/instance": NAME,
            "app.kubernetes.io/component": "admission-webhook",
            "app.kubernetes.io/version": env!("CARGO_PKG_VERSION"),
            "app.kubernetes.io/managed-by": "palisade-install",
        })
    }

    pub(super) fn selector(&self) -> Value {
        json!({ "app.kubernetes.io/name": NAME, "app.kubernetes.io/instance": NAME })
    }

    pub(super) fn metadata(&self, name: &str) -> Value {
        json!({ "name": name, "namespace": self.namespace, "labels": self.labels() })
    }

    /// Namespaces the API server never sends to Palisade: its own (a broken Palisade must be
    /// able to restart) and those the configuration exempts, kube-system by default.
    fn exempt_namespaces(&self) -> Vec<String> {
        let configured = self.config.and_then(|c| c.exempt_namespaces.clone());
        let mut names = vec![self.namespace.to_string()];
        for name in configured.unwrap_or_else(|| vec!["kube-system".to_string()]) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// The manifests, one YAML document each, with a comment saying what each is for.
pub(super) fn render(install: &Install<'_>) -> Result<String, serde_saphyr::SerializeError> {
    let mut out = format!(
        "# Palisade {} admission webhook. Apply with `kubectl apply -f -`.\n",
        env!("CARGO_PKG_VERSION")
    );
    if matches!(install.certs, CertSource::CertManager) {
        out.push_str(
            "# Needs cert-manager (https://cert-manager.io) for the serving certificate.\n",
        );
    }
    for (comment, object) in objects(install) {
        out.push_str("---\n# ");
        out.push_str(comment);
        out.push('\n');
        out.push_str(&serde_saphyr::to_string(&object)?);
    }
    Ok(out)
}

/// The objects in the order `kubectl apply` needs them: the namespace before what lives in
/// it, the certificate before the pods that mount it, the webhook last so that it is
/// registered only once its server can start.
fn objects(install: &Install<'_>) -> Vec<(&'static str, Value)> {
    let mut objects = vec![
        (
            "Held to the restricted Pod Security Standard; never checked by the webhook.",
            namespace(install),
        ),
        (
            "The webhook never checks this namespace; the quota bounds what can run in it.",
            resource_quota(install),
        ),
        (
            "No RBAC: the webhook reads nothing from the API server.",
            service_account(install),
        ),
    ];
    if let Some(config) = install.config {
        objects.push((
            "The configuration, mounted at /etc/palisade/config.",
            config_map(install, config),
        ));
    }
    objects.extend(certs::objects(install));
    objects.extend([
        (
            "Two replicas, spread over nodes, restricted security context.",
            workload::deployment(install),
        ),
        (
            "Keeps one replica up while nodes are drained.",
            pod_disruption_budget(install),
        ),
        (
            "The webhook (443) and metrics (9090) ports.",
            service(install),
        ),
        (
            "Nothing goes in or out of the namespace unless another policy allows it.",
            default_deny(install),
        ),
        (
            "The API server is not a pod, so the webhook port admits any source; no egress.",
            allow_webhook(install),
        ),
        (
            "Sends pods, workloads, Services and Ingresses to Palisade.",
            webhook(install),
        ),
    ]);
    objects
}

fn namespace(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": install.namespace,
            "labels": {
                // Set by the API server from 1.21 on; set here for older ones, whose
                // namespaceSelector would otherwise not exempt this namespace.
                "kubernetes.io/metadata.name": install.namespace,
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        },
    })
}

fn resource_quota(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": install.metadata(NAME),
        // The replicas, one more while rolling, and one being replaced.
        "spec": { "hard": { "pods": (workload::REPLICAS + 2).to_string() } },
    })
}

fn service_account(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": install.metadata(NAME),
        "automountServiceAccountToken": false,
    })
}

fn config_map(install: &Install<'_>, config: &ShippedConfig) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": install.metadata(CONFIG_MAP),
        "data": { CONFIG_KEY: config.text },
    })
}

fn pod_disruption_budget(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": install.metadata(NAME),
        "spec": { "minAvailable": 1, "selector": { "matchLabels": install.selector() } },
    })
}

fn service(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": install.metadata(NAME),
        "spec": {
            "type": "ClusterIP",
            "selector": install.selector(),
            "ports": [
                { "name": "https", "port": 443, "targetPort": "https", "protocol": "TCP" },
                { "name": "metrics", "port": METRICS_PORT, "targetPort": "metrics", "protocol": "TCP" },
            ],
        },
    })
}

fn default_deny(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": install.metadata("default-deny"),
        "spec": { "podSelector": {}, "policyTypes": ["Ingress", "Egress"] },
    })
}

fn allow_webhook(install: &Install<'_>) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": install.metadata(NAME),
        "spec": {
            "podSelector": { "matchLabels": install.selector() },
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                { "ports": [{ "port": WEBHOOK_PORT, "protocol": "TCP" }] },
                { "ports": [{ "port": METRICS_PORT, "protocol": "TCP" }] },
            ],
            "egress": [],
        },
    })
}

fn webhook(install: &Install<'_>) -> Value {
    let mut client_config = json!({
        "service": { "namespace": install.namespace, "name": NAME, "path": "/validate", "port": 443 },
    });
    if let Some(bundle) = install.certs.ca_bundle() {
        client_config["caBundle"] = Value::String(bundle);
    }
    let mut hook = json!({
        "name": "validate.palisade.dev",
        "admissionReviewVersions": ["v1"],
        "clientConfig": client_config,
        "sideEffects": "None",
        "failurePolicy": install.failure_policy,
        "timeoutSeconds": install.timeout_seconds,
        "matchPolicy": "Equivalent",
        "namespaceSelector": {
            "matchExpressions": [{
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": install.exempt_namespaces(),
            }],
        },
        "rules": webhook_rules(),
    });
    if install.match_conditions {
        hook["matchConditions"] = json!([
            {
                // Mirror pods of static pods come from kubelets; admission cannot change them,
                // and denying them only hides them from the API.
                "name": "not-from-a-node",
                "expression": "!('system:nodes' in request.userInfo.groups)",
            },
            {
                // A finalizer's last update on an object being deleted must go through, or an
                // object that predates a rule could never be deleted.
                "name": "not-being-deleted",
                "expression": "object == null || !has(object.metadata.deletionTimestamp)",
            },
        ]);
    }
    let mut metadata = json!({ "name": NAME, "labels": install.labels() });
    if let Some(annotations) = install.certs.webhook_annotations(install.namespace) {
        metadata["annotations"] = annotations;
    }
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": metadata,
        "webhooks": [hook],
    })
}

/// What the webhook sees: everything that runs pods, and the objects that expose them, the
/// kinds Palisade's per-object rules judge. RBAC, ConfigMaps, Namespaces and NetworkPolicies
/// are left to `palisade scan` and `palisade audit`, which see the whole picture.
fn webhook_rules() -> Value {
    let rule = |group: &str, resources: &[&str]| {
        json!({
            "apiGroups": [group],
            "apiVersions": ["v1"],
            "operations": ["CREATE", "UPDATE"],
            "resources": resources,
            "scope": "Namespaced",
        })
    };
    json!([
        rule(
            "",
            &[
                "pods",
                "pods/ephemeralcontainers",
                "podtemplates",
                "replicationcontrollers",
                "services"
            ]
        ),
        rule(
            "apps",
            &["deployments", "replicasets", "statefulsets", "daemonsets"]
        ),
        rule("batch", &["jobs", "cronjobs"]),
        rule("networking.k8s.io", &["ingresses"]),
    ])
}
