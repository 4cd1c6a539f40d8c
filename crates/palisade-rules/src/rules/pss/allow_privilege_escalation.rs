//! PSS `allowPrivilegeEscalation`: containers that do not forbid privilege escalation.

use palisade_model::PodSpecView;

use super::{Context, set, windows_pod};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) that do not set
    /// `securityContext.allowPrivilegeEscalation: false`; unset counts as allowed escalation.
    /// From policy 1.25 pods with `spec.os.name: windows` are exempt. This is the Pod Security
    /// Standards restricted check `allowPrivilegeEscalation`, which exists from policy 1.8.
    ///
    /// ## Why is this bad?
    /// Unless `no_new_privs` is set (which `allowPrivilegeEscalation: false` does), a process
    /// can gain privileges it was not started with, through set-user-ID or set-group-ID
    /// binaries or file capabilities. A compromised process running as an unprivileged user
    /// can then become root inside the container.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted, Privilege Escalation](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.6
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1068 Exploitation for Privilege Escalation
    pub(crate) static RULE = {
        code: "PSS014",
        name: "pss-allow-privilege-escalation",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Container does not set allowPrivilegeEscalation: false",
        standards: &[
            "PSS restricted: allowPrivilegeEscalation",
            "CIS 5.2.6",
            "NSA-CISA: pod security",
            "MITRE ATT&CK T1068",
        ],
        check: Check::Pss(PssCheck {
            id: "allowPrivilegeEscalation",
            level: PssLevel::Restricted,
            revisions: &[8, 25],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(25) && windows_pod(pod) {
        return;
    }
    for container in pod.containers() {
        let context = Context::container(&container);
        let value = context.get(&["allowPrivilegeEscalation"]);
        if value == Some(&serde_json::Value::Bool(false)) {
            continue;
        }
        let found = match set(value) {
            None => "it is unset".to_string(),
            Some(v) => format!("it is {v}"),
        };
        out.push(Violation::new(
            context.pointer_to(&["allowPrivilegeEscalation"]),
            format!(
                "allowPrivilegeEscalation != false: {} must set securityContext.allowPrivilegeEscalation=false ({found})",
                context.who
            ),
            "set securityContext.allowPrivilegeEscalation: false on the container",
        ));
    }
}
