//! NS002: a Namespace that does not say which Pod Security Standard to enforce.

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";

declare_rule! {
    /// ## What it does
    /// Reports Namespaces without a `pod-security.kubernetes.io/enforce` label (or with an
    /// empty one).
    ///
    /// ## Why is this bad?
    /// Pod Security Admission enforces the level a namespace's `enforce` label names. Without
    /// the label, the cluster's default applies, which is `privileged` (nothing enforced)
    /// unless an administrator configured otherwise: privileged, host-namespace and
    /// host-path pods are admitted. The `warn` and `audit` labels report but block nothing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Enforce Pod Security Standards with namespace labels](https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/)
    /// - [Kubernetes: Pod Security Admission](https://kubernetes.io/docs/concepts/security/pod-security-admission/)
    /// - CIS Kubernetes Benchmark 5.2.1: Ensure that the cluster has at least one active policy control mechanism in place
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "NS002",
        name: "namespace-missing-pss-label",
        category: Category::Namespaces,
        severity: Severity::Medium,
        summary: "Namespace enforces no Pod Security Standard",
        standards: &["CIS 5.2.1", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Object { kinds: &["Namespace"], check },
    };
}

fn check(namespace: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !namespace.group().is_empty() {
        return;
    }
    let labels = namespace.labels();
    let enforce = labels
        .and_then(|l| l.get(ENFORCE))
        .and_then(Value::as_str)
        .map(str::trim);
    if enforce.is_some_and(|level| !level.is_empty()) {
        return;
    }
    let at = if labels.is_some() {
        "/metadata/labels"
    } else {
        "/metadata"
    };
    out.push(Violation::new(
        at,
        format!("Namespace \"{}\" has no {ENFORCE} label, so no Pod Security Standard is enforced in it", namespace.name()),
        format!("label the namespace {ENFORCE}: restricted (or baseline), and pin pod-security.kubernetes.io/enforce-version"),
    ));
}
