//! NET006: a workload whose pods no NetworkPolicy selects.

use std::collections::HashMap;

use serde_json::Value;

use super::policy::{is_network_policy, pod_selector};
use super::selector::LabelSelector;
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a workload whose pods no NetworkPolicy in the input selects: no policy of the
    /// workload's namespace has a `podSelector` that matches the pod template's labels
    /// (`matchLabels`, and `matchExpressions` with `In`, `NotIn`, `Exists` and
    /// `DoesNotExist`).
    ///
    /// This is a set rule: it looks at the whole input set (a directory is an application).
    ///
    /// - Objects without `metadata.namespace` are deployed together wherever `kubectl -n`
    ///   sends them, so a workload without a namespace is matched against the policies without
    ///   one.
    /// - A policy with an invalid selector (one the API server would reject) selects nothing.
    /// - Pods with `hostNetwork: true` are skipped: NetworkPolicy does not apply to them (the
    ///   Pod Security Standards rules report host networking).
    /// - PodTemplates are skipped: they run no pods themselves.
    ///
    /// For inputs that hold no network policy by design (policies live in another repository,
    /// or a service mesh enforces them), turn the rule off with the configuration's `ignore`.
    ///
    /// ## Why is this bad?
    /// A pod that no NetworkPolicy selects is not isolated: it accepts connections from every
    /// pod in the cluster and may connect anywhere. One compromised workload can then reach it
    /// directly, and it can reach everything else.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: web}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: frontend, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///     - {key: app, operator: In, values: [web, api]}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Network policies, isolated and non-isolated pods](https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation)
    /// - [Kubernetes: Label selectors](https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors)
    /// - CIS Kubernetes Benchmark 5.3.2: Ensure that all Namespaces have Network Policies defined
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening (network policies)
    /// - MITRE ATT&CK for Containers: T1046 Network Service Discovery
    pub(crate) static RULE = {
        code: "NET006",
        name: "workload-not-network-isolated",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "No NetworkPolicy selects the workload's pods",
        standards: &["CIS 5.3.2", "NSA-CISA: network separation", "MITRE ATT&CK T1046"],
        check: Check::Set { kinds: &["NetworkPolicy"], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let mut selectors: HashMap<Option<&str>, Vec<LabelSelector<'_>>> = HashMap::new();
    for (_, policy) in snapshot.of_kind("NetworkPolicy") {
        if !is_network_policy(policy) {
            continue;
        }
        if let Some(selector) = pod_selector(policy) {
            selectors
                .entry(policy.namespace())
                .or_default()
                .push(selector);
        }
    }
    for (index, pod) in snapshot.workloads() {
        if pod.object.kind == "PodTemplate" || pod.get(&["hostNetwork"]) == Some(&Value::Bool(true))
        {
            continue;
        }
        let namespace = pod.object.namespace();
        let labels = pod.labels();
        let selected = selectors
            .get(&namespace)
            .is_some_and(|list| list.iter().any(|s| s.matches(labels)));
        if selected {
            continue;
        }
        let (pointer, shown) = match labels.filter(|l| !l.is_empty()) {
            Some(labels) => (
                format!("{}/labels", pod.metadata_pointer()),
                format!("labels {}", show_labels(labels)),
            ),
            None => (pod.metadata_pointer().to_string(), "no labels".to_string()),
        };
        let place = match namespace {
            Some(ns) => format!("in namespace \"{ns}\""),
            None => "without a namespace".to_string(),
        };
        out.push(SetViolation {
            object: index,
            violation: Violation::new(
                pointer,
                format!("no NetworkPolicy {place} selects {} ({shown})", pods_of(pod.object.kind.as_str())),
                format!(
                    "add a NetworkPolicy {place} whose podSelector matches these pods, or a default deny with podSelector: {{}}"
                ),
            ),
        });
    }
}

/// "this Pod", or "the pods of this Deployment".
fn pods_of(kind: &str) -> String {
    if kind == "Pod" {
        "this Pod".to_string()
    } else {
        format!("the pods of this {kind}")
    }
}

fn show_labels(labels: &serde_json::Map<String, Value>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(key, value)| {
            format!(
                "{key}={}",
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string)
            )
        })
        .collect();
    pairs.join(",")
}
