//! REL002 `missing-readiness-probe`: long-running containers without a readiness probe.

use palisade_model::PodSpecView;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each regular container of a Pod, Deployment, ReplicaSet, StatefulSet,
    /// DaemonSet or ReplicationController that has no `readinessProbe`. Init and ephemeral
    /// containers, and the pods of Jobs and CronJobs, are not reported.
    ///
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod receives traffic from its Services as soon as its
    /// containers start, before the application is ready, and keeps receiving it while it is
    /// overloaded or shutting down. Rolling updates then drop requests, and a rollout of a
    /// broken version proceeds because nothing says the new pods are not serving.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    ///   readinessProbe:
    ///     httpGet: {path: /readyz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure Liveness, Readiness and Startup Probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub(crate) static RULE = {
        code: "REL002",
        name: "missing-readiness-probe",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "Long-running container has no readiness probe",
        standards: &[],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    super::missing_probe(
        pod,
        "readinessProbe",
        "add a readinessProbe that passes only when the container can serve requests",
        out,
    );
}
