//! Rules of the `reliability` category: availability rather than security, so off unless
//! selected (`--select reliability`, or `select` in the configuration).

pub(crate) mod bare_pod;
pub(crate) mod image_pull_policy_not_always;
pub(crate) mod missing_liveness_probe;
pub(crate) mod missing_pod_disruption_budget;
pub(crate) mod missing_readiness_probe;
pub(crate) mod single_replica;

use std::collections::HashMap;

use palisade_model::{Object, PodSpecView};
use serde_json::Value;

use crate::finding::Violation;
use crate::snapshot::Snapshot;

/// Kinds whose pods are meant to keep running (Jobs and CronJobs run to completion).
const LONG_RUNNING: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "ReplicationController",
];

/// Kinds with `spec.replicas` that a HorizontalPodAutoscaler may scale.
const REPLICATED: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

/// Reports each regular container of a long-running workload that has no `probe`
/// (`livenessProbe`, `readinessProbe`).
fn missing_probe(pod: &PodSpecView<'_>, probe: &str, help: &str, out: &mut Vec<Violation>) {
    if !LONG_RUNNING.contains(&pod.object.kind.as_str()) {
        return;
    }
    for container in pod.containers() {
        if container.kind != palisade_model::ContainerKind::Regular {
            continue;
        }
        if container.get(&[probe]).is_some_and(|p| !p.is_null()) {
            continue;
        }
        out.push(Violation::new(
            container.pointer.clone(),
            format!("{} has no {probe}", container.describe()),
            help,
        ));
    }
}

/// The replicas a workload runs at least: its HorizontalPodAutoscaler's `minReplicas` (1 when
/// unset) when one in the input targets it, else its `spec.replicas` (1 when unset). `None`
/// when `spec.replicas` is not a number.
struct Replicas<'a> {
    /// (namespace, kind, name) of each HPA target, with its minReplicas.
    autoscaled: HashMap<(Option<&'a str>, &'a str, &'a str), u64>,
}

impl<'a> Replicas<'a> {
    fn new(snapshot: &Snapshot<'a>) -> Self {
        let mut autoscaled = HashMap::new();
        for (_, hpa) in snapshot.of_kind("HorizontalPodAutoscaler") {
            if hpa.group() != "autoscaling" {
                continue;
            }
            let target = |field: &str| {
                hpa.at(&format!("/spec/scaleTargetRef/{field}"))
                    .and_then(Value::as_str)
            };
            let (Some(kind), Some(name)) = (target("kind"), target("name")) else {
                continue;
            };
            let min = hpa
                .at("/spec/minReplicas")
                .and_then(Value::as_u64)
                .unwrap_or(1);
            autoscaled.insert((hpa.namespace(), kind, name), min);
        }
        Self { autoscaled }
    }

    /// The least number of replicas, and whether an autoscaler decides it.
    fn of(&self, workload: &Object) -> Option<(u64, bool)> {
        let key = (
            workload.namespace(),
            workload.kind.as_str(),
            workload.name(),
        );
        if let Some(min) = self.autoscaled.get(&key) {
            return Some((*min, true));
        }
        match workload.at("/spec/replicas") {
            None | Some(Value::Null) => Some((1, false)),
            Some(value) => value.as_u64().map(|n| (n, false)),
        }
    }
}

/// The replicated workloads of the input (apps or core API group), with their indexes.
fn replicated<'s, 'a>(
    snapshot: &'s Snapshot<'a>,
) -> impl Iterator<Item = (usize, &'a Object)> + 's {
    REPLICATED.iter().flat_map(move |kind| {
        snapshot
            .of_kind(kind)
            .filter(|(_, o)| matches!(o.group(), "apps" | "extensions" | ""))
    })
}
