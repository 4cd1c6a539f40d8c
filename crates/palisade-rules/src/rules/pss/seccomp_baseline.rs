//! PSS `seccompProfile_baseline`: seccomp explicitly disabled.

use palisade_model::PodSpecView;

use super::{Context, contexts, show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports seccomp profiles other than the runtime default or a profile on the node.
    ///
    /// - From policy 1.19: `securityContext.seccompProfile` of the pod or of any container
    ///   (init, regular, ephemeral) whose `type` is not `RuntimeDefault` or `Localhost` (so
    ///   `Unconfined`, and a profile object without a type).
    /// - Policies 1.0 to 1.18 read only the alpha annotations
    ///   `seccomp.security.alpha.kubernetes.io/pod` and
    ///   `container.seccomp.security.alpha.kubernetes.io/<container>`, which must be
    ///   `runtime/default`, `docker/default` or `localhost/<profile>` when present.
    ///
    /// Leaving seccomp unset is allowed at this level. This is the Pod Security Standards
    /// baseline check `seccompProfile_baseline`; at the restricted level
    /// `pss-seccomp-restricted` replaces it from 1.19, and a field both flag is reported once,
    /// by this rule.
    ///
    /// ## Why is this bad?
    /// Seccomp filters the system calls a container may make. `Unconfined` opens the whole
    /// kernel system-call surface to the container, including calls used by known kernel
    /// exploits and container escapes.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: Unconfined
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
    /// - [Pod Security Standards: Baseline, Seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Restrict a Container's Syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - CIS Kubernetes Benchmark 5.7.2
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS010",
        name: "pss-seccomp-baseline",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Pod or container disables seccomp",
        standards: &["PSS baseline: seccompProfile_baseline", "CIS 5.7.2", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "seccompProfile_baseline",
            level: PssLevel::Baseline,
            revisions: &[0, 19],
            overrides: None,
            check,
        }),
    };
}

/// The alpha annotation for the whole pod.
const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// The alpha annotation for one container, followed by its name.
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(19) {
        for context in contexts(pod) {
            check_profile(&context, out);
        }
    } else {
        check_annotations(pod, out);
    }
}

/// What a security context says about seccomp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Profile {
    /// No `seccompProfile`.
    Unset,
    /// `RuntimeDefault` or `Localhost`.
    Allowed,
    /// Any other type; reported.
    Forbidden,
}

/// Judges `seccompProfile.type` of one security context and reports a forbidden type. Shared
/// with `pss-seccomp-restricted`, so both report the same pointer for the same field.
pub(super) fn check_profile(context: &Context<'_>, out: &mut Vec<Violation>) -> Profile {
    let Some(profile) = context.get(&["seccompProfile"]) else {
        return Profile::Unset;
    };
    let kind = profile.get("type");
    if matches!(text(kind), Some("RuntimeDefault" | "Localhost")) {
        return Profile::Allowed;
    }
    out.push(Violation::new(
        context.pointer_to(&["seccompProfile", "type"]),
        format!(
            "seccompProfile: {} must not set securityContext.seccompProfile.type to {}",
            context.who,
            show(kind)
        ),
        "set securityContext.seccompProfile.type to RuntimeDefault, or to Localhost with a localhostProfile",
    ));
    Profile::Forbidden
}

/// Before 1.19 only the alpha annotations count.
fn check_annotations(pod: &PodSpecView<'_>, out: &mut Vec<Violation>) {
    let Some(annotations) = pod.annotations() else {
        return;
    };
    let mut keys = vec![POD_ANNOTATION.to_string()];
    for container in pod.containers() {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", container.name);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for key in keys {
        let Some(value) = annotations.get(&key) else {
            continue;
        };
        // An annotation that is present counts even when empty: "" is not an allowed value.
        let allowed = text(Some(value)).is_some_and(|v| {
            v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
        });
        if allowed {
            continue;
        }
        out.push(Violation::new(
            pod.annotation_pointer(&key),
            format!(
                "seccompProfile: forbidden annotation {key}={}",
                show(Some(value))
            ),
            "set the annotation to runtime/default or localhost/<profile>, or remove it",
        ));
    }
}
