//! PSS `procMount_restricted`: unmasked `/proc`, user namespace or not.

use palisade_model::PodSpecView;

use super::proc_mount::check_proc_mount;
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) that set `securityContext.procMount`
    /// to anything but `Default`, whatever `spec.hostUsers` says. This is the Pod Security
    /// Standards restricted check `procMount_restricted`, which exists from policy 1.35 and
    /// replaces the baseline `procMount` check at the restricted level. A field that both
    /// checks flag is reported once, by `pss-proc-mount`.
    ///
    /// ## Why is this bad?
    /// From 1.35 the baseline level lets user-namespaced pods (`hostUsers: false`) unmask
    /// `/proc`, because root in the container is then not root on the node. The restricted
    /// level keeps the masks anyway: an unmasked `/proc` still exposes kernel interfaces,
    /// and a defect in the user-namespace mapping would turn it into node access.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    ///     securityContext:
    ///       procMount: Unmasked
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [User Namespaces](https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/)
    pub(crate) static RULE = {
        code: "PSS019",
        name: "pss-proc-mount-restricted",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Container unmasks /proc, even in a user namespace",
        standards: &["PSS restricted: procMount_restricted"],
        check: Check::Pss(PssCheck {
            id: "procMount_restricted",
            level: PssLevel::Restricted,
            revisions: &[35],
            overrides: Some(("procMount", 35)),
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    check_proc_mount(pod, out);
}
