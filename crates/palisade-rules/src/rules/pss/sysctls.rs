//! PSS `sysctls`: kernel parameters outside the safe, namespaced set.

use palisade_model::PodSpecView;

use super::{Context, entries, show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports every entry of `spec.securityContext.sysctls` whose `name` is not in the safe
    /// set of the policy version:
    ///
    /// - 1.0: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    ///   `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    ///   `net.ipv4.ip_unprivileged_port_start`;
    /// - 1.27 adds `net.ipv4.ip_local_reserved_ports`;
    /// - 1.29 adds `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    ///   `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`;
    /// - 1.32 adds `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`;
    /// - 1.37 adds `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`.
    ///
    /// Names are compared exactly. This is the Pod Security Standards baseline check `sysctls`.
    ///
    /// ## Why is this bad?
    /// Many sysctls are not namespaced, or not isolated between pods on the same node: setting
    /// them changes the kernel for every workload on the node, and some disable security
    /// mechanisms outright. Only the listed ones are known to be safe per pod.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///     - name: net.ipv4.ip_local_port_range
    ///       value: "32768 60999"
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, Sysctls](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Using sysctls in a Kubernetes Cluster](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    pub(crate) static RULE = {
        code: "PSS011",
        name: "pss-sysctls",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Pod sets a sysctl outside the safe set",
        standards: &["PSS baseline: sysctls", "NSA-CISA: pod security"],
        check: Check::Pss(PssCheck {
            id: "sysctls",
            level: PssLevel::Baseline,
            revisions: &[0, 27, 29, 32, 37],
            overrides: None,
            check,
        }),
    };
}

/// The safe sysctls and the policy version that first allows each.
const ALLOWED: [(&str, u16); 14] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

fn allowed(name: &str, version: PssVersion) -> bool {
    ALLOWED
        .iter()
        .any(|&(safe, since)| safe == name && version.at_least(since))
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    let context = Context::pod(pod);
    let list = context.get(&["sysctls"]);
    for (sysctl, pointer) in entries(list, &context.pointer_to(&["sysctls"])) {
        let name = sysctl.get("name");
        if text(name).is_some_and(|n| allowed(n, version)) {
            continue;
        }
        out.push(Violation::new(
            format!("{pointer}/name"),
            format!("forbidden sysctls: pod must not set sysctl {}", show(name)),
            "remove the sysctl, or set it on the node if every pod there may share it",
        ));
    }
}
