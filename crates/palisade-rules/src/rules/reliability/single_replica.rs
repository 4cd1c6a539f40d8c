//! REL003 `single-replica`: replicated workloads that run one pod.

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports Deployments, ReplicaSets, StatefulSets and ReplicationControllers that run a
    /// single pod: `spec.replicas` is 1 or unset (which is 1). When a
    /// HorizontalPodAutoscaler in the input targets the workload, its `minReplicas` (1 when
    /// unset) counts instead. `replicas: 0`, a workload scaled down on purpose, is not
    /// reported.
    ///
    /// This is a set rule: it reads the HorizontalPodAutoscalers of the whole input.
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// With one replica, every node drain, eviction, rollout and crash takes the application
    /// down until a new pod is scheduled and ready.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   replicas: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   replicas: 3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Deployments, replicas](https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas)
    /// - [Kubernetes: Horizontal Pod Autoscaling](https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/)
    pub(crate) static RULE = {
        code: "REL003",
        name: "single-replica",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "Replicated workload runs a single pod",
        standards: &[],
        check: Check::Set {
            kinds: &["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "HorizontalPodAutoscaler"],
            workloads: false,
            check,
        },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let replicas = super::Replicas::new(snapshot);
    for (index, workload) in super::replicated(snapshot) {
        let Some((count, autoscaled)) = replicas.of(workload) else {
            continue;
        };
        if count != 1 {
            continue;
        }
        let (pointer, message, help) = if autoscaled {
            (
                "/metadata/name",
                format!(
                    "the HorizontalPodAutoscaler of {} may scale it down to one pod",
                    workload.name()
                ),
                "set the HorizontalPodAutoscaler's minReplicas to 2 or more",
            )
        } else if workload.at("/spec/replicas").is_some() {
            (
                "/spec/replicas",
                "runs a single pod (replicas: 1)".to_string(),
                "run at least 2 replicas, spread over nodes",
            )
        } else {
            (
                "/spec",
                "runs a single pod (replicas is unset, which is 1)".to_string(),
                "run at least 2 replicas, spread over nodes",
            )
        };
        out.push(SetViolation {
            object: index,
            violation: Violation::new(pointer, message, help),
        });
    }
}
