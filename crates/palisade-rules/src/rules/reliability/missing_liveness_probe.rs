//! REL001 `missing-liveness-probe`: long-running containers without a liveness probe.

use palisade_model::PodSpecView;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each regular container of a Pod, Deployment, ReplicaSet, StatefulSet,
    /// DaemonSet or ReplicationController that has no `livenessProbe`. Init and ephemeral
    /// containers, and the pods of Jobs and CronJobs, which run to completion, are not
    /// reported.
    ///
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// Without a liveness probe the kubelet restarts a container only when its process exits.
    /// One that deadlocks, or stops answering while it keeps running, stays in service until
    /// someone notices.
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
    ///   livenessProbe:
    ///     httpGet: {path: /healthz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure Liveness, Readiness and Startup Probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub(crate) static RULE = {
        code: "REL001",
        name: "missing-liveness-probe",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "Long-running container has no liveness probe",
        standards: &[],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    super::missing_probe(
        pod,
        "livenessProbe",
        "add a livenessProbe that fails when the process can no longer do its work",
        out,
    );
}
