//! PSS `appArmorProfile`: AppArmor profiles that disable or replace the runtime default.

use palisade_model::PodSpecView;

use super::{Context, contexts, set, show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports AppArmor settings other than the runtime default or a profile loaded on the
    /// node:
    ///
    /// - `securityContext.appArmorProfile` of the pod or of any container (init, regular,
    ///   ephemeral) whose `type` is not `RuntimeDefault` or `Localhost` (so `Unconfined`, and
    ///   also a profile object without a type);
    /// - pod annotations `container.apparmor.security.beta.kubernetes.io/<container>` whose
    ///   value is not empty, `runtime/default` or `localhost/<profile>` (so `unconfined`).
    ///
    /// This is the Pod Security Standards baseline check `appArmorProfile`.
    ///
    /// ## Why is this bad?
    /// The runtime's default AppArmor profile blocks writes to sensitive parts of `/proc` and
    /// `/sys`, mounts, and other operations containers do not need. Running unconfined removes
    /// that layer, which several container escapes rely on.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     appArmorProfile:
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
    ///     appArmorProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, AppArmor](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Restrict a Container's Access to Resources with AppArmor](https://kubernetes.io/docs/tutorials/security/apparmor/)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS007",
        name: "pss-apparmor",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Pod or container sets a forbidden AppArmor profile",
        standards: &["PSS baseline: appArmorProfile", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "appArmorProfile",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

/// The prefix of the deprecated per-container AppArmor annotations.
const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for context in contexts(pod) {
        check_field(&context, out);
    }
    check_annotations(pod, out);
}

/// `appArmorProfile.type`, when a profile is set at all, must be `RuntimeDefault` or
/// `Localhost`.
fn check_field(context: &Context<'_>, out: &mut Vec<Violation>) {
    let Some(profile) = context.get(&["appArmorProfile"]) else {
        return;
    };
    let kind = profile.get("type");
    if matches!(text(kind), Some("RuntimeDefault" | "Localhost")) {
        return;
    }
    out.push(Violation::new(
        context.pointer_to(&["appArmorProfile", "type"]),
        format!(
            "forbidden AppArmor profile: {} must not set AppArmor profile type to {}",
            context.who,
            show(kind)
        ),
        "set securityContext.appArmorProfile.type to RuntimeDefault, or to Localhost with a localhostProfile",
    ));
}

/// The deprecated annotations may only be empty, `runtime/default` or `localhost/<name>`.
fn check_annotations(pod: &PodSpecView<'_>, out: &mut Vec<Violation>) {
    let Some(annotations) = pod.annotations() else {
        return;
    };
    for (key, value) in annotations {
        if !key.starts_with(ANNOTATION_PREFIX) {
            continue;
        }
        let allowed = text(set(Some(value)))
            .is_some_and(|v| v.is_empty() || v == "runtime/default" || v.starts_with("localhost/"));
        if allowed {
            continue;
        }
        out.push(Violation::new(
            pod.annotation_pointer(key),
            format!(
                "forbidden AppArmor profile: annotation {key} must not set AppArmor profile {}",
                show(Some(value))
            ),
            "set the annotation to runtime/default or localhost/<profile>, or better, remove it and set \
             securityContext.appArmorProfile.type to RuntimeDefault",
        ));
    }
}
