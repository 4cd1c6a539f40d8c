//! IDN001: pods that get a Kubernetes API token mounted without needing to say so.

use std::collections::HashMap;

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pods get a Kubernetes API token: `automountServiceAccountToken`
    /// is not `false` on the pod and, when the pod's ServiceAccount is in the input, not
    /// `false` there either.
    ///
    /// The pod's setting wins over its ServiceAccount's when it is set, so a pod with
    /// `automountServiceAccountToken: true` is reported even if its ServiceAccount says
    /// `false`. The ServiceAccount is `spec.serviceAccountName` (or the deprecated
    /// `spec.serviceAccount`), `default` when neither is set, looked up in the pod's
    /// namespace; objects without a namespace are matched with each other.
    ///
    /// This is a set rule: it reads the ServiceAccounts of the whole input.
    ///
    /// ## Why is this bad?
    /// Unless told otherwise, the kubelet mounts a token for the pod's ServiceAccount into
    /// every container. Most applications never call the Kubernetes API, but anyone who takes
    /// over the container can: with the token they act with the ServiceAccount's permissions,
    /// which are often broader than intended (RBAC bound to `default`, say), and use it to
    /// explore the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///       - name: web
    ///         image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   template:
    ///     spec:
    ///       automountServiceAccountToken: false
    ///       containers:
    ///       - name: web
    ///         image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    /// - CIS Kubernetes Benchmark 5.1.6: Ensure that Service Account Tokens are only mounted where necessary
    /// - NSA-CISA Kubernetes Hardening Guide: pod security (service account tokens)
    /// - MITRE ATT&CK for Containers: T1528 Steal Application Access Token
    pub(crate) static RULE = {
        code: "IDN001",
        name: "service-account-token-automount",
        category: Category::Identity,
        severity: Severity::Medium,
        summary: "Pod gets a Kubernetes API token it may not need",
        standards: &["CIS 5.1.6", "NSA-CISA: pod security", "MITRE ATT&CK T1528"],
        check: Check::Set { kinds: &["ServiceAccount"], workloads: true, check },
    };
}

const FIELD: &str = "automountServiceAccountToken";

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    // (namespace, name) -> the ServiceAccount's own setting; the first definition wins.
    let mut accounts: HashMap<(Option<&str>, &str), Option<&Value>> = HashMap::new();
    for (_, account) in snapshot.of_kind("ServiceAccount") {
        if account.group().is_empty() {
            accounts
                .entry((account.namespace(), account.name()))
                .or_insert_with(|| account.value.get(FIELD));
        }
    }
    for (index, pod) in snapshot.workloads() {
        if let Some(violation) = judge(&pod, &accounts) {
            out.push(SetViolation {
                object: index,
                violation,
            });
        }
    }
}

fn judge(
    pod: &PodSpecView<'_>,
    accounts: &HashMap<(Option<&str>, &str), Option<&Value>>,
) -> Option<Violation> {
    let account = service_account(pod);
    let help = "set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount), and mount a projected token only into pods that call the Kubernetes API";
    match pod.get(&[FIELD]) {
        Some(Value::Bool(false)) => None,
        Some(value) if !value.is_null() => Some(Violation::new(
            pod.pointer_to(&[FIELD]),
            format!(
                "pod sets {FIELD}: {value}, so every container gets an API token for ServiceAccount \"{account}\""
            ),
            help,
        )),
        _ => {
            let message = match accounts.get(&(pod.object.namespace(), account)) {
                Some(Some(Value::Bool(false))) => return None,
                Some(Some(value)) if !value.is_null() => format!(
                    "pod does not set {FIELD} and its ServiceAccount \"{account}\" sets it to {value}, so every container gets an API token"
                ),
                Some(_) => format!(
                    "pod does not set {FIELD} and neither does its ServiceAccount \"{account}\", so every container gets an API token"
                ),
                None => format!(
                    "pod does not set {FIELD}: false, so every container gets an API token for ServiceAccount \"{account}\""
                ),
            };
            Some(Violation::new(pod.pointer_to(&[FIELD]), message, help))
        }
    }
}

/// The pod's ServiceAccount name: `serviceAccountName`, else the deprecated `serviceAccount`,
/// else `default`.
fn service_account<'a>(pod: &PodSpecView<'a>) -> &'a str {
    ["serviceAccountName", "serviceAccount"]
        .into_iter()
        .find_map(|field| {
            pod.get(&[field])
                .and_then(Value::as_str)
                .filter(|name| !name.is_empty())
        })
        .unwrap_or("default")
}
