//! PSS `seccompProfile_restricted`: seccomp not set to the runtime default or a node profile.

use palisade_model::PodSpecView;

use super::seccomp_baseline::{Profile, check_profile};
use super::{Context, windows_pod};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Requires `securityContext.seccompProfile.type` to be `RuntimeDefault` or `Localhost`,
    /// either on the pod (containers may then leave it unset) or on every container (init,
    /// regular and ephemeral). Reports
    ///
    /// - the pod or a container that sets another type (such as `Unconfined`);
    /// - when the pod sets no profile, each container that sets none either.
    ///
    /// From policy 1.25 pods with `spec.os.name: windows` are exempt. This is the Pod Security
    /// Standards restricted check `seccompProfile_restricted`, which exists from policy 1.19
    /// and replaces `seccompProfile_baseline` at the restricted level; a field both flag is
    /// reported once, by `pss-seccomp-baseline`.
    ///
    /// ## Why is this bad?
    /// Without a seccomp profile a container can make every system call the kernel offers,
    /// including rarely used ones behind many kernel exploits. The runtime's default profile
    /// blocks those at almost no cost to ordinary applications, but only when it is asked for.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted, Seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Restrict a Container's Syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - CIS Kubernetes Benchmark 5.7.2
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    pub(crate) static RULE = {
        code: "PSS017",
        name: "pss-seccomp-restricted",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod or container does not set a RuntimeDefault or Localhost seccomp profile",
        standards: &["PSS restricted: seccompProfile_restricted", "CIS 5.7.2", "NSA-CISA: pod security"],
        check: Check::Pss(PssCheck {
            id: "seccompProfile_restricted",
            level: PssLevel::Restricted,
            revisions: &[19, 25],
            overrides: Some(("seccompProfile_baseline", 19)),
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(25) && windows_pod(pod) {
        return;
    }
    let pod_profile = check_profile(&Context::pod(pod), out);
    for container in pod.containers() {
        let context = Context::container(&container);
        // A container may leave it unset when the pod sets an allowed profile. When the pod
        // sets a forbidden one, the pod's own finding already says what to fix.
        if check_profile(&context, out) == Profile::Unset && pod_profile == Profile::Unset {
            out.push(Violation::new(
                context.pointer_to(&["seccompProfile", "type"]),
                format!(
                    "seccompProfile: pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                    context.who
                ),
                "set securityContext.seccompProfile.type: RuntimeDefault on the pod (spec.securityContext) or on the container",
            ));
        }
    }
}
