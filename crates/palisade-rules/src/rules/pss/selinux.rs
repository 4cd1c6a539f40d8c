//! PSS `seLinuxOptions`: custom SELinux types, users and roles.

use palisade_model::PodSpecView;

use super::{Context, contexts, show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `securityContext.seLinuxOptions` of the pod or of any container (init, regular,
    /// ephemeral) that sets
    ///
    /// - a `type` other than empty, `container_t`, `container_init_t` or `container_kvm_t`
    ///   (and, from policy 1.31, `container_engine_t`);
    /// - any `user` or `role`.
    ///
    /// `level` may be anything. This is the Pod Security Standards baseline check
    /// `seLinuxOptions`.
    ///
    /// ## Why is this bad?
    /// SELinux confines containers to the `container_t` domain. Another type, such as `spc_t`
    /// ("super privileged container") or a host domain, or a custom user or role, lifts that
    /// confinement and gives the container access the policy would otherwise deny.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     seLinuxOptions:
    ///       type: spc_t
    ///       user: system_u
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     seLinuxOptions:
    ///       level: "s0:c123,c456"
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, SELinux](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS008",
        name: "pss-selinux",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Pod or container sets a custom SELinux type, user or role",
        standards: &["PSS baseline: seLinuxOptions", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "seLinuxOptions",
            level: PssLevel::Baseline,
            revisions: &[0, 31],
            overrides: None,
            check,
        }),
    };
}

/// SELinux types allowed at every version (the empty string is the unset type).
const ALLOWED_TYPES: [&str; 4] = ["", "container_t", "container_init_t", "container_kvm_t"];

/// Added to the allowed types in policy 1.31.
const ALLOWED_FROM_1_31: &str = "container_engine_t";

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    for context in contexts(pod) {
        check_options(&context, version, out);
    }
}

fn check_options(context: &Context<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    let Some(options) = context.get(&["seLinuxOptions"]) else {
        return;
    };
    let allowed_type =
        |t: &str| ALLOWED_TYPES.contains(&t) || (version.at_least(31) && t == ALLOWED_FROM_1_31);
    let kind = options.get("type");
    if !text(kind).is_some_and(allowed_type) {
        let allowed = if version.at_least(31) {
            "container_t, container_init_t, container_kvm_t or container_engine_t"
        } else {
            "container_t, container_init_t or container_kvm_t"
        };
        out.push(Violation::new(
            context.pointer_to(&["seLinuxOptions", "type"]),
            format!(
                "seLinuxOptions: {} must not set securityContext.seLinuxOptions.type to {}",
                context.who,
                show(kind)
            ),
            format!("remove seLinuxOptions.type or set it to {allowed}"),
        ));
    }
    for field in ["user", "role"] {
        let value = options.get(field);
        if text(value) == Some("") {
            continue;
        }
        out.push(Violation::new(
            context.pointer_to(&["seLinuxOptions", field]),
            format!(
                "seLinuxOptions: {} must not set securityContext.seLinuxOptions.{field} (it is {}); {field} may not be set",
                context.who,
                show(value)
            ),
            format!("remove seLinuxOptions.{field}"),
        ));
    }
}
