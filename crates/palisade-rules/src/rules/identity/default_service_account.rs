//! IDN002 `default-service-account`: pods that run as their namespace's `default`
//! ServiceAccount.

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports pods that run as the `default` ServiceAccount: those that set
    /// `serviceAccountName: default`, those that set only the deprecated
    /// `serviceAccount: default`, and those that name no ServiceAccount at all, which the API
    /// server then fills in as `default`. As in the API server, `serviceAccountName` wins when
    /// both fields are set, and an empty or `null` name counts as unset.
    ///
    /// The finding points at the field that names `default`, or at the pod spec when no field
    /// does. Setting `automountServiceAccountToken: false` does not silence it: the pod still
    /// shares one identity with every other pod in the namespace that names none.
    ///
    /// ## Why is this bad?
    /// Every namespace has a `default` ServiceAccount and every pod that does not choose one
    /// gets it. Any permission granted to it (by a binding written for one workload, or by a
    /// chart that binds `default`) is granted to all of them, and a pod's token cannot be told
    /// apart from its neighbours' in audit logs. A dedicated ServiceAccount per workload keeps
    /// permissions least-privilege and attributable.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
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
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: web
    ///       automountServiceAccountToken: false
    ///       containers:
    ///       - name: web
    ///         image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure Service Accounts for Pods](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/)
    /// - [Kubernetes: Service Accounts](https://kubernetes.io/docs/concepts/security/service-accounts/)
    /// - CIS Kubernetes Benchmark 5.1.5 (ensure that default service accounts are not actively used)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization
    /// - MITRE ATT&CK for Containers: T1528 Steal Application Access Token
    pub(crate) static RULE = {
        code: "IDN002",
        name: "default-service-account",
        category: Category::Identity,
        severity: Severity::Medium,
        summary: "Pod runs as the default ServiceAccount",
        standards: &["CIS 5.1.5", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1528"],
        check: Check::Pod(check),
    };
}

/// A ServiceAccount name field that names something (a non-empty string).
fn named<'a>(pod: &PodSpecView<'a>, field: &str) -> Option<&'a str> {
    pod.get(&[field])
        .and_then(Value::as_str)
        .filter(|name| !name.is_empty())
}

const FIELDS: [&str; 2] = ["serviceAccountName", "serviceAccount"];

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    let naming = FIELDS
        .into_iter()
        .find_map(|field| Some((field, named(pod, field)?)));
    let (pointer, message) = match naming {
        Some((_, name)) if name != "default" => return,
        Some((field, _)) => (
            pod.pointer_to(&[field]),
            format!("pod spec sets {field}: default"),
        ),
        None => match FIELDS
            .into_iter()
            .find(|field| pod.get(&[field]).is_some_and(|v| !v.is_null()))
        {
            // An empty name is no name: the API server fills in `default`.
            Some(field) => (
                pod.pointer_to(&[field]),
                format!("pod spec sets {field} to an empty name, so it runs as \"default\""),
            ),
            None => (
                pod.spec_pointer().to_string(),
                "pod spec names no ServiceAccount, so it runs as \"default\"".to_string(),
            ),
        },
    };
    out.push(Violation::new(
        pointer,
        message,
        "create a ServiceAccount for this workload and set serviceAccountName to it",
    ));
}
