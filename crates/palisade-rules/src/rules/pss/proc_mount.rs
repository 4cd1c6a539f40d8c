//! PSS `procMount`: containers that unmask `/proc`.

use palisade_model::PodSpecView;

use super::{Context, show, text, user_namespaced};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) that set `securityContext.procMount`
    /// to anything but `Default`. From policy 1.35 a pod with `spec.hostUsers: false` (a pod
    /// in its own user namespace) may set any value. This is the Pod Security Standards
    /// baseline check `procMount`; at the restricted level `pss-proc-mount-restricted`
    /// replaces it from 1.35 and keeps the rule for user-namespaced pods too.
    ///
    /// ## Why is this bad?
    /// The runtime masks and makes read-only parts of `/proc` (such as `/proc/kcore`,
    /// `/proc/sys` and `/proc/sysrq-trigger`) that expose the kernel and the node.
    /// `procMount: Unmasked` removes those masks, so a process in the container can read
    /// kernel memory or change kernel settings for the whole node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     procMount: Unmasked
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     procMount: Default
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, /proc Mount Type](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [User Namespaces](https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/)
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS009",
        name: "pss-proc-mount",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Container unmasks /proc",
        standards: &["PSS baseline: procMount", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "procMount",
            level: PssLevel::Baseline,
            revisions: &[0, 35],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(35) && user_namespaced(pod) {
        return;
    }
    check_proc_mount(pod, out);
}

/// Every container's `procMount` must be `Default` or unset. Shared with
/// `pss-proc-mount-restricted`, which must report the same pointers so that the engine reports
/// a field both flag once.
pub(super) fn check_proc_mount(pod: &PodSpecView<'_>, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let context = Context::container(&container);
        let value = context.get(&["procMount"]);
        if value.is_none() || text(value) == Some("Default") {
            continue;
        }
        out.push(Violation::new(
            context.pointer_to(&["procMount"]),
            format!(
                "procMount: {} must not set securityContext.procMount to {}",
                context.who,
                show(value)
            ),
            "remove securityContext.procMount or set it to Default",
        ));
    }
}
