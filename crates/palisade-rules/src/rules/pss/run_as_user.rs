//! PSS `runAsUser`: pods or containers that run as user ID 0.

use palisade_model::PodSpecView;

use super::{contexts, user_namespaced};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `securityContext.runAsUser: 0` on the pod or on any container (init, regular,
    /// ephemeral). Unset and non-zero values are allowed. From policy 1.35 a pod with
    /// `spec.hostUsers: false` (a pod in its own user namespace) may set any value. This is the
    /// Pod Security Standards restricted check `runAsUser`, which exists from policy 1.23.
    ///
    /// ## Why is this bad?
    /// User ID 0 in a container is user ID 0 on the node unless the pod has its own user
    /// namespace. `runAsNonRoot: true` alone does not stop an explicit `runAsUser: 0`; the
    /// kubelet would refuse to start it, but this check rejects it at admission.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     runAsUser: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsNonRoot: true
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted, Running as Non-root user](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.7
    /// - NSA-CISA Kubernetes Hardening Guide: "Use containers built to run applications as non-root users"
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS016",
        name: "pss-run-as-user",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod or container runs as user ID 0",
        standards: &["PSS restricted: runAsUser", "CIS 5.2.7", "NSA-CISA: non-root containers", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "runAsUser",
            level: PssLevel::Restricted,
            revisions: &[23, 35],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(35) && user_namespaced(pod) {
        return;
    }
    for context in contexts(pod) {
        // Only an explicit 0 is forbidden; upstream allows unset and every other value.
        if context
            .get(&["runAsUser"])
            .and_then(serde_json::Value::as_f64)
            != Some(0.0)
        {
            continue;
        }
        out.push(Violation::new(
            context.pointer_to(&["runAsUser"]),
            format!("runAsUser=0: {} must not set runAsUser=0", context.who),
            "set securityContext.runAsUser to a non-zero user ID, or remove it and set runAsNonRoot: true",
        ));
    }
}
