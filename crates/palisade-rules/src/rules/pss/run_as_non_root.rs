//! PSS `runAsNonRoot`: containers not required to run as a non-root user.

use palisade_model::PodSpecView;

use super::{Context, user_namespaced};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Requires `securityContext.runAsNonRoot: true`, either on the pod (containers may then
    /// leave it unset) or on every container (init, regular and ephemeral). Reports
    ///
    /// - the pod or a container that sets `runAsNonRoot` to anything but `true`;
    /// - when the pod does not set it, each container that does not set it either.
    ///
    /// From policy 1.35 a pod with `spec.hostUsers: false` (a pod in its own user namespace)
    /// may set anything. This is the Pod Security Standards restricted check `runAsNonRoot`.
    ///
    /// ## Why is this bad?
    /// Without `runAsNonRoot: true` the kubelet starts the container as whatever user the image
    /// names, which is root for most images. Root in a container shares the node's user ID 0:
    /// any escape, writable host mount or kernel bug then acts as root on the node.
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
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted, Running as Non-root](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.7
    /// - NSA-CISA Kubernetes Hardening Guide: "Use containers built to run applications as non-root users"
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS015",
        name: "pss-run-as-non-root",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod or container is not required to run as non-root",
        standards: &["PSS restricted: runAsNonRoot", "CIS 5.2.7", "NSA-CISA: non-root containers", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "runAsNonRoot",
            level: PssLevel::Restricted,
            revisions: &[0, 35],
            overrides: None,
            check,
        }),
    };
}

/// What one security context says about `runAsNonRoot`.
enum Setting {
    Unset,
    True,
    /// `false`, or a value that is not a boolean.
    Other(String),
}

fn setting(context: &Context<'_>) -> Setting {
    match context.get(&["runAsNonRoot"]) {
        None => Setting::Unset,
        Some(serde_json::Value::Bool(true)) => Setting::True,
        Some(other) => Setting::Other(other.to_string()),
    }
}

fn check(pod: &PodSpecView<'_>, version: PssVersion, out: &mut Vec<Violation>) {
    if version.at_least(35) && user_namespaced(pod) {
        return;
    }
    let pod_context = Context::pod(pod);
    let pod_setting = setting(&pod_context);
    if let Setting::Other(value) = &pod_setting {
        out.push(explicit(&pod_context, value));
    }
    for container in pod.containers() {
        let context = Context::container(&container);
        match setting(&context) {
            Setting::True => {}
            Setting::Other(value) => out.push(explicit(&context, &value)),
            // A container may leave it unset when the pod sets true. When the pod sets
            // something else, the pod's own finding already says what to fix.
            Setting::Unset => {
                if matches!(pod_setting, Setting::Unset) {
                    out.push(Violation::new(
                        context.pointer_to(&["runAsNonRoot"]),
                        format!(
                            "runAsNonRoot != true: pod or {} must set securityContext.runAsNonRoot=true",
                            context.who
                        ),
                        "set securityContext.runAsNonRoot: true on the pod (spec.securityContext) or on the container",
                    ));
                }
            }
        }
    }
}

fn explicit(context: &Context<'_>, value: &str) -> Violation {
    Violation::new(
        context.pointer_to(&["runAsNonRoot"]),
        format!(
            "runAsNonRoot != true: {} must not set securityContext.runAsNonRoot={value}",
            context.who
        ),
        "set securityContext.runAsNonRoot: true and run the image as a non-zero user ID",
    )
}
