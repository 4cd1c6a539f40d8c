//! NET014 `network-policy-selects-no-pods`: a NetworkPolicy whose pod selector matches no pod
//! in the input.

use std::collections::HashSet;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{CUSTOM_RESOURCES, Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

use super::policy::{is_network_policy, pod_selector};
use crate::rules::{describe_scope, scope};

declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy whose `podSelector` is not empty and selects no pod of its
    /// namespace in the input (no pod template of a workload, no bare Pod). An empty
    /// selector, which selects every pod, is left alone.
    ///
    /// As with `service-selects-no-pods`, the rule only reports in a namespace where the
    /// input holds at least one workload and no custom resource (whose operator may build
    /// pods the input does not show).
    ///
    /// Objects that name no namespace are compared with those read from the same directory:
    /// they go wherever they are applied, so unrelated directories of one repository are no
    /// evidence of one another.
    ///
    /// This is a set rule: it looks at the whole input set. Its severity is `info`: a
    /// notice that a reference points at nothing.
    ///
    /// ## Why is this bad?
    /// A policy that selects nothing isolates nothing. It usually means a label was
    /// mistyped or renamed, and the pods it was written for run with the traffic it meant
    /// to block, while the policy's presence suggests they are protected.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db-ingress, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: postgress}}
    ///   policyTypes: [Ingress]
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: {name: db, namespace: shop}
    /// spec:
    ///   serviceName: db
    ///   selector: {matchLabels: {app: postgres}}
    ///   template:
    ///     metadata: {labels: {app: postgres}}
    ///     spec: {containers: [{name: db, image: registry.example.com/postgres:16}]}
    /// ```
    ///
    /// Use instead: a selector the pods' labels match:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: db-ingress, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: postgres}}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Network Policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/)
    /// - kube-linter: `dangling-networkpolicy`
    pub(crate) static RULE = {
        code: "NET014",
        name: "network-policy-selects-no-pods",
        category: Category::Network,
        severity: Severity::Info,
        summary: "NetworkPolicy selects no pod in the input",
        standards: &[],
        check: Check::Set { kinds: &["NetworkPolicy", CUSTOM_RESOURCES], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let pods: Vec<_> = snapshot.workloads().collect();
    let scopes: HashSet<_> = pods.iter().map(|(_, pod)| scope(pod.object)).collect();
    for (index, policy) in snapshot.of_kind("NetworkPolicy") {
        let at = scope(policy);
        if !is_network_policy(policy)
            || !scopes.contains(&at)
            || snapshot.has_custom_resources(policy.namespace())
        {
            continue;
        }
        // A selector the API server rejects is for other rules; an empty one selects all.
        let Some(selector) = pod_selector(policy).filter(|s| !s.is_empty()) else {
            continue;
        };
        let selected = pods
            .iter()
            .any(|(_, pod)| scope(pod.object) == at && selector.matches(pod.labels()));
        if !selected {
            out.push(SetViolation {
                object: index,
                violation: Violation::new(
                    "/spec/podSelector".to_string(),
                    format!(
                        "the pod selector matches no pod in {} in the input: the policy isolates nothing",
                        describe_scope(at)
                    ),
                    "make the selector match the labels of the pods it is meant to protect, or remove the policy",
                ),
            });
        }
    }
}
