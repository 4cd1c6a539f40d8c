//! REL005 `bare-pod`: Pods that no controller manages.

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Pods without `metadata.ownerReferences`: pods that no Deployment, StatefulSet,
    /// DaemonSet, Job or other controller created. Static pods' mirror pods (annotated
    /// `kubernetes.io/config.mirror`) are not reported.
    ///
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// Nothing recreates a bare pod: when its node fails, is drained or runs short of memory,
    /// the pod is gone for good, and it cannot be updated by a rollout either.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   replicas: 2
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///       - name: web
    ///         image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configuration best practices, naked pods](https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs)
    pub(crate) static RULE = {
        code: "REL005",
        name: "bare-pod",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "Pod is not managed by a controller",
        standards: &[],
        check: Check::Object { kinds: &["Pod"], check },
    };
}

fn check(pod: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !pod.group().is_empty() {
        return;
    }
    let owned = pod
        .at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|owners| !owners.is_empty());
    let mirror = pod
        .annotations()
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
    if owned || mirror {
        return;
    }
    out.push(Violation::new(
        "/metadata/name",
        "Pod is not managed by a controller: nothing recreates it if its node fails or is drained",
        "run it from a Deployment, StatefulSet, DaemonSet or Job",
    ));
}
