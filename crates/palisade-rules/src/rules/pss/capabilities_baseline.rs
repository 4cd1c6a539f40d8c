//! PSS `capabilities_baseline`: containers that add capabilities beyond the runtime's default set.

use palisade_model::PodSpecView;

use super::{Context, entries, show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports every capability in `securityContext.capabilities.add` of a container (init,
    /// regular or ephemeral) that is not in the container runtime's default set: `AUDIT_WRITE`,
    /// `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`,
    /// `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT`. Names are compared exactly,
    /// as upstream does. This is the Pod Security Standards baseline check
    /// `capabilities_baseline`; at the restricted level `pss-capabilities-restricted` replaces
    /// it from policy 1.22.
    ///
    /// ## Why is this bad?
    /// Capabilities such as `SYS_ADMIN`, `SYS_PTRACE`, `NET_ADMIN` or `NET_RAW` give a process
    /// parts of root's power over the kernel: mounting filesystems, tracing other processes,
    /// reconfiguring or spoofing network traffic. Several are well-known routes out of a
    /// container.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     capabilities:
    ///       add: ["SYS_ADMIN", "NET_RAW"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     capabilities:
    ///       drop: ["ALL"]
    ///       add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, Capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.8, 5.2.9
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS003",
        name: "pss-capabilities-baseline",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Container adds a capability outside the default set",
        standards: &[
            "PSS baseline: capabilities_baseline",
            "CIS 5.2.8",
            "CIS 5.2.9",
            "NSA-CISA: pod security",
            "MITRE ATT&CK T1611",
        ],
        check: Check::Pss(PssCheck {
            id: "capabilities_baseline",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

/// The capabilities a container runtime grants by default, which baseline lets a pod add.
const ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let context = Context::container(&container);
        let add = context.get(&["capabilities", "add"]);
        for (capability, pointer) in entries(add, &context.pointer_to(&["capabilities", "add"])) {
            if text(Some(capability)).is_some_and(|c| ALLOWED.contains(&c)) {
                continue;
            }
            out.push(Violation::new(
                pointer,
                format!(
                    "non-default capabilities: {} must not include {} in securityContext.capabilities.add",
                    context.who,
                    show(Some(capability))
                ),
                "remove the capability from capabilities.add; only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, \
                 FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT may be added",
            ));
        }
    }
}
