//! NS001: an object placed explicitly in the `default` namespace.

use palisade_model::Object;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports objects whose `metadata.namespace` is `default`. Objects without a namespace
    /// are not reported: where they land is decided when they are applied. Nor are the
    /// objects Kubernetes itself keeps there, as an export of a cluster holds them: the API
    /// server's `kubernetes` Service (with its `component: apiserver` label), Endpoints and
    /// EndpointSlice, the `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap.
    ///
    /// ## Why is this bad?
    /// The `default` namespace is where everything lands that nobody placed: it tends to
    /// collect unrelated workloads that share its ServiceAccount, its RBAC bindings and its
    /// (usually absent) network policies, quotas and Pod Security labels. Giving each
    /// application its own namespace makes those boundaries explicit and lets them be
    /// tightened per application.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Namespaces, the initial namespaces](https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces)
    /// - CIS Kubernetes Benchmark 5.7.4: The default namespace should not be used
    /// - NSA-CISA Kubernetes Hardening Guide: namespaces
    pub(crate) static RULE = {
        code: "NS001",
        name: "default-namespace",
        category: Category::Namespaces,
        severity: Severity::Low,
        summary: "Object is placed in the default namespace",
        standards: &["CIS 5.7.4", "NSA-CISA: namespaces"],
        check: Check::Object { kinds: &[], check },
    };
}

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if object.namespace() != Some("default") || created_by_kubernetes(object) {
        return;
    }
    out.push(Violation::new(
        "/metadata/namespace",
        format!(
            "{} \"{}\" is in namespace \"default\"",
            object.kind,
            object.name()
        ),
        "give the application its own namespace and set metadata.namespace to it",
    ));
}

/// Objects the control plane creates in every cluster's `default` namespace.
fn created_by_kubernetes(object: &Object) -> bool {
    let label = |key: &str| {
        object
            .labels()
            .and_then(|l| l.get(key))
            .and_then(serde_json::Value::as_str)
    };
    let core = object.group().is_empty();
    match (object.kind.as_str(), object.name()) {
        ("Service", "kubernetes") => core && label("component") == Some("apiserver"),
        ("Endpoints", "kubernetes") => core,
        ("EndpointSlice", "kubernetes") => {
            label("kubernetes.io/service-name") == Some("kubernetes")
        }
        ("ServiceAccount", "default") | ("ConfigMap", "kube-root-ca.crt") => core,
        _ => false,
    }
}
