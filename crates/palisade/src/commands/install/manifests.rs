//! The objects `palisade install` prints, as JSON values rendered to multi-document YAML.
//!
//! Every object is built from data, never from text templates, so an image or a configuration
//! file can hold any character without breaking the YAML.

use serde_json::{Value, json};

use super::certs::{self, CertSource};
use super::{audit_rbac, workload};

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
    /// Which severities the file's `webhook` section enforces, warns about and audits.
    pub(super) modes: Vec<String>,
}

/// Everything the manifests depend on.
#[derive(Debug)]
pub(super) struct Install<'a> {
    pub(super) namespace: &'a str,
    /// Whether the namespace is Palisade's own, created (and labelled) here; a namespace that
    /// exists already is left as it is, and holds no quota (it would count others' pods).
    pub(super) create_namespace: bool,
    pub(super) image: &'a str,
    pub(super) failure_policy: &'static str,
    pub(super) timeout_seconds: u8,
    pub(super) match_conditions: bool,
    pub(super) config: Option<&'a ShippedConfig>,
    pub(super) certs: &'a CertSource,
    /// Kinds sent to the webhook beyond the workloads and what exposes them.
    pub(super) extra_checks: &'a [ExtraCheck],
    /// `--audit-interval` as given: the webhook also audits the cluster this often.
    pub(super) audit_interval: Option<&'a str>,
}

/// Objects the webhook can be sent besides workloads, Services and Ingresses: off by default,
/// since rules about them deny what operators and controllers routinely create.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExtraCheck {
    /// Roles, ClusterRoles, RoleBindings, ClusterRoleBindings: the `rbac-*` rules.
    Rbac,
    /// ConfigMaps: `secret-in-configmap`.
    Configmaps,
}

/// Whether a configured exemption is a glob rather than a name.
pub(super) fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
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
    /// able to restart) and those the configuration exempts by name, kube-system by default.
    /// A label selector cannot match a pattern, so globs (`legacy-*`) are left to the webhook,
    /// which exempts them when it is asked.
    fn exempt_namespaces(&self) -> Vec<String> {
        let configured = self.configured_exemptions();
        let mut names = vec![self.namespace.to_string()];
        for name in configured.into_iter().filter(|n| !is_glob(n)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The exempt namespace globs, which only the webhook itself can honour.
    pub(super) fn exempt_globs(&self) -> Vec<String> {
        self.configured_exemptions()
            .into_iter()
            .filter(|n| is_glob(n))
            .collect()
    }

    fn configured_exemptions(&self) -> Vec<String> {
        self.config
            .and_then(|c| c.exempt_namespaces.clone())
            .unwrap_or_else(|| vec!["kube-system".to_string()])
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
    out.push_str(&modes_comment(install));
    out.push_str(&checked_kinds_comment(install));
    if !install.create_namespace {
        out.push_str(&format!(
            "# Installs into the existing namespace {ns}: it is not created or relabelled, and has no
             # quota (it would count pods that are not Palisade's). The webhook never checks {ns}:
             # every pod in it is admitted unchecked.
",
            ns = install.namespace
        ));
    }
    let globs = install.exempt_globs();
    if !globs.is_empty() {
        out.push_str(&format!(
            "# Exempt by pattern ({}): a namespaceSelector cannot match patterns, so the API server\n\
             # sends these requests and Palisade allows them unchecked; with failurePolicy Fail they\n\
             # wait for Palisade to answer. List exempt namespaces by name to keep them off the webhook.\n",
            globs.join(", ")
        ));
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
    let mut objects = Vec::new();
    if install.create_namespace {
        objects.extend([
            (
                "Held to the restricted Pod Security Standard; never checked by the webhook.",
                namespace(install),
            ),
            (
                "The webhook never checks this namespace, which holds only Palisade: the quota bounds what can run in it.",
                resource_quota(install),
            ),
        ]);
    }
    if install.audit_interval.is_some() {
        objects.push((
            "The continuous audit's identity: it reads the API server with this account's token.",
            service_account(install),
        ));
        let [role, binding] = audit_rbac::objects(install);
        objects.extend([
            (
                "Read-only access (get, list) to what the rules read, and Palisade's OpenReports objects.",
                role,
            ),
            ("Granted to Palisade's ServiceAccount.", binding),
        ]);
    } else {
        objects.push((
            "No RBAC: the webhook reads nothing from the API server.",
            service_account(install),
        ));
    }
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
    ]);
    if install.create_namespace {
        objects.push((
            "The namespace holds only Palisade: nothing goes in or out unless another policy allows it.",
            default_deny(install),
        ));
    }
    objects.extend([
        (
            if install.audit_interval.is_some() {
                "Palisade's pods only: the API server is not a pod, so the webhook port admits any source; egress only to the API server's ports, for the audit."
            } else {
                "Palisade's pods only: the API server is not a pod, so the webhook port admits any source; no egress."
            },
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

/// Waives rules on an object (its `metadata`) with Palisade's own annotations: what the
/// continuous audit needs is deliberate, and says so where it is.
pub(super) fn waive(metadata: &mut Value, rules: &str, reason: &str) {
    if let Value::Object(map) = metadata {
        let annotations = map.entry("annotations").or_insert_with(|| json!({}));
        annotations["palisade.dev/ignore"] = json!(rules);
        annotations["palisade.dev/ignore-reason"] = json!(reason);
    }
}

/// Why the audit's identity and network access are what they are.
pub(super) const AUDIT_REASON: &str =
    "the continuous audit (--audit-interval) reads the API server with this ServiceAccount's token";

fn service_account(install: &Install<'_>) -> Value {
    let mut metadata = install.metadata(NAME);
    if install.audit_interval.is_some() {
        waive(
            &mut metadata,
            "service-account-automount-enabled",
            AUDIT_REASON,
        );
    }
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata,
        // Only the continuous audit talks to the API server.
        "automountServiceAccountToken": install.audit_interval.is_some(),
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
    // The audit reads the API server: the kubernetes Service's port, and the port its
    // endpoints listen on in most distributions (the policy sees the endpoint, not the Service).
    let mut metadata = install.metadata(NAME);
    let egress = if install.audit_interval.is_some() {
        // The API server's address differs between clusters and is no pod: only its ports
        // can be named.
        waive(&mut metadata, "egress-to-internet-allowed", AUDIT_REASON);
        json!([{ "ports": [{ "port": 443, "protocol": "TCP" }, { "port": 6443, "protocol": "TCP" }] }])
    } else {
        json!([])
    };
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata,
        "spec": {
            "podSelector": { "matchLabels": install.selector() },
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                { "ports": [{ "port": WEBHOOK_PORT, "protocol": "TCP" }] },
                { "ports": [{ "port": METRICS_PORT, "protocol": "TCP" }] },
            ],
            "egress": egress,
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
        "rules": webhook_rules(install.extra_checks),
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

/// What the webhook does with findings, from the shipped configuration or the defaults, and how
/// to roll it out.
fn modes_comment(install: &Install<'_>) -> String {
    let modes = install.config.map_or_else(
        || palisade_rules::config::WebhookSettings::default().describe(),
        |c| c.modes.clone(),
    );
    let mut text = String::from("# Findings by severity: ");
    text.push_str(&modes.join("; "));
    text.push_str(
        ".
# Roll out with webhook.default-mode in --config: audit (nothing refused), then warn, then enforce.
",
    );
    text
}

/// What the install output says is and is not sent to the webhook.
fn checked_kinds_comment(install: &Install<'_>) -> String {
    let mut sent = vec![
        "workloads (pods and everything that creates them)",
        "Services",
        "Ingresses",
    ];
    let mut not_sent = Vec::new();
    for (check, what) in [
        (ExtraCheck::Rbac, "RBAC objects (rbac-* rules)"),
        (ExtraCheck::Configmaps, "ConfigMaps (secret-in-configmap)"),
    ] {
        if install.extra_checks.contains(&check) {
            sent.push(what);
        } else {
            not_sent.push(what);
        }
    }
    let mut text = format!("# Sent to the webhook: {}.\n", sent.join(", "));
    if !not_sent.is_empty() {
        text.push_str(&format!(
            "# Not sent, so their rules do not run at admission (add them with --check):\n# {}.\n",
            not_sent.join(", ")
        ));
    }
    text.push_str(
        "# Namespaces, NetworkPolicies and rules over sets of objects are for palisade scan.\n",
    );
    text
}

/// What the webhook sees: everything that runs pods, and the objects that expose them, the
/// kinds Palisade's per-object rules judge; RBAC and ConfigMaps when asked. Namespaces and
/// NetworkPolicies are left to `palisade scan`, which sees the whole picture.
fn webhook_rules(extra: &[ExtraCheck]) -> Value {
    let rule = |group: &str, resources: &[&str], scope: &str| {
        json!({
            "apiGroups": [group],
            "apiVersions": ["v1"],
            "operations": ["CREATE", "UPDATE"],
            "resources": resources,
            "scope": scope,
        })
    };
    let mut core = vec![
        "pods",
        "pods/ephemeralcontainers",
        "podtemplates",
        "replicationcontrollers",
        "services",
    ];
    if extra.contains(&ExtraCheck::Configmaps) {
        core.push("configmaps");
    }
    let mut rules = vec![
        rule("", &core, "Namespaced"),
        rule(
            "apps",
            &["deployments", "replicasets", "statefulsets", "daemonsets"],
            "Namespaced",
        ),
        rule("batch", &["jobs", "cronjobs"], "Namespaced"),
        rule("networking.k8s.io", &["ingresses"], "Namespaced"),
    ];
    if extra.contains(&ExtraCheck::Rbac) {
        rules.push(rule(
            "rbac.authorization.k8s.io",
            &[
                "roles",
                "rolebindings",
                "clusterroles",
                "clusterrolebindings",
            ],
            "*",
        ));
    }
    Value::Array(rules)
}
