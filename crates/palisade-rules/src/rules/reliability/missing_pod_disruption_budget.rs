//! REL004 `missing-pod-disruption-budget`: replicated workloads that no PodDisruptionBudget
//! covers.

use std::collections::HashMap;

use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::rules::network::selector::LabelSelector;
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports Deployments, ReplicaSets, StatefulSets and ReplicationControllers that run two
    /// pods or more (see `single-replica` for how replicas are counted) and whose pods no
    /// PodDisruptionBudget of their namespace in the input selects. A budget without a
    /// `selector` selects nothing; `selector: {}` selects every pod of its namespace.
    ///
    /// This is a set rule: it reads the PodDisruptionBudgets of the whole input.
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// A node drain (an upgrade, a scale-down of the cluster autoscaler) evicts every pod on
    /// the node at once. Without a budget, the replicas the workload runs to stay available
    /// can all be evicted together.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: {app: web}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Specifying a Disruption Budget for your Application](https://kubernetes.io/docs/tasks/run-application/configure-pdb/)
    pub(crate) static RULE = {
        code: "REL004",
        name: "missing-pod-disruption-budget",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "No PodDisruptionBudget covers the replicated workload's pods",
        standards: &[],
        check: Check::Set {
            kinds: &["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "HorizontalPodAutoscaler", "PodDisruptionBudget"],
            workloads: false,
            check,
        },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let mut budgets: HashMap<Option<&str>, Vec<LabelSelector<'_>>> = HashMap::new();
    for (_, budget) in snapshot.of_kind("PodDisruptionBudget") {
        if budget.group() != "policy" {
            continue;
        }
        let Some(selector) = budget.at("/spec/selector").filter(|s| !s.is_null()) else {
            continue;
        };
        if let Some(selector) = LabelSelector::parse(Some(selector)) {
            budgets
                .entry(budget.namespace())
                .or_default()
                .push(selector);
        }
    }
    let replicas = super::Replicas::new(snapshot);
    for (index, workload) in super::replicated(snapshot) {
        if replicas.of(workload).is_none_or(|(n, _)| n < 2) {
            continue;
        }
        let labels = workload
            .at("/spec/template/metadata/labels")
            .and_then(Value::as_object);
        let covered = budgets
            .get(&workload.namespace())
            .is_some_and(|list| list.iter().any(|s| s.matches(labels)));
        if covered {
            continue;
        }
        out.push(SetViolation {
            object: index,
            violation: Violation::new(
                "/spec/template/metadata",
                "no PodDisruptionBudget selects the pods of this workload, so a node drain may evict all of them at once",
                "add a PodDisruptionBudget whose selector matches these pods, with maxUnavailable: 1 (or a minAvailable below the replicas)",
            ),
        });
    }
}
