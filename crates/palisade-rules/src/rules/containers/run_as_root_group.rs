//! CTR008 `run-as-root-group`: pods or containers that run with group ID 0.

use palisade_model::{PodSpecView, pointer};
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports group ID 0 (`root`) in a pod's or container's security context:
    /// `runAsGroup: 0` on the pod or on any container (init, regular, ephemeral), and
    /// `fsGroup: 0` or a `0` in `supplementalGroups` on the pod. Unset and non-zero values pass.
    /// Windows pods (`spec.os.name: windows`) are skipped: they have no group IDs.
    ///
    /// ## Why is this bad?
    /// Group 0 owns much of a Linux system: files that root's group may write, in the image
    /// and on any host path or volume that is shared. A process that runs as a non-root user
    /// but in group 0 can still read and write them, which undoes much of what running as
    /// non-root was for. `fsGroup: 0` also makes the kubelet give group 0 ownership of every
    /// volume the pod mounts.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsGroup: 0
    ///     fsGroup: 0
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsGroup: 10001
    ///     fsGroup: 10001
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure a Security Context for a Pod or Container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - NSA-CISA Kubernetes Hardening Guide: "Use containers built to run applications as non-root users"
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "CTR008",
        name: "run-as-root-group",
        category: Category::Containers,
        severity: Severity::Low,
        summary: "Pod or container runs with group ID 0",
        standards: &["NSA-CISA: non-root containers", "MITRE ATT&CK T1611"],
        check: Check::Pod(check),
    };
}

const HELP: &str = "use a non-zero group ID (the one the image's user belongs to, say 10001)";

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    if pod.os_name() == Some("windows") {
        return;
    }
    for field in ["runAsGroup", "fsGroup"] {
        let path = ["securityContext", field];
        if is_zero(pod.get(&path)) {
            out.push(Violation::new(
                pod.pointer_to(&path),
                format!("pod sets securityContext.{field}: 0 (root)"),
                HELP,
            ));
        }
    }
    let path = ["securityContext", "supplementalGroups"];
    if let Some(groups) = pod.get(&path).and_then(Value::as_array) {
        let base = pod.pointer_to(&path);
        for (index, _) in groups.iter().enumerate().filter(|(_, g)| is_zero(Some(g))) {
            out.push(Violation::new(
                pointer::join_index(&base, index),
                "pod lists group 0 (root) in securityContext.supplementalGroups",
                HELP,
            ));
        }
    }
    let path = ["securityContext", "runAsGroup"];
    for container in pod.containers() {
        if is_zero(container.get(&path)) {
            out.push(Violation::new(
                container.pointer_to(&path),
                format!(
                    "{} sets securityContext.runAsGroup: 0 (root)",
                    container.describe()
                ),
                HELP,
            ));
        }
    }
}

fn is_zero(value: Option<&Value>) -> bool {
    value.and_then(Value::as_f64) == Some(0.0)
}
