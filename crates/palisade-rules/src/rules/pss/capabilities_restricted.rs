//! PSS `capabilities_restricted`: containers that do not drop all capabilities.

use palisade_model::PodSpecView;

use super::{Context, entries, show, text, windows_pod};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose
    /// `securityContext.capabilities.drop` does not include `ALL`, and every capability in
    /// `capabilities.add` other than `NET_BIND_SERVICE`. Names are compared exactly, as
    /// upstream does. From policy 1.25 pods with `spec.os.name: windows` are exempt. This is
    /// the Pod Security Standards restricted check `capabilities_restricted`, which exists from
    /// policy 1.22 and replaces `capabilities_baseline` at the restricted level; a capability
    /// both flag is reported once, by `pss-capabilities-baseline`.
    ///
    /// ## Why is this bad?
    /// Even the runtime's default capabilities (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`,
    /// `NET_RAW`, ...) let a process bypass file permissions, change its user ID or craft raw
    /// packets. Almost no application needs them; dropping all and adding back only
    /// `NET_BIND_SERVICE` (to bind ports below 1024) removes that surface.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     capabilities:
    ///       add: ["CHOWN"]
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
    /// - [Pod Security Standards: Restricted, Capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.8, 5.2.9, 5.2.10
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    pub(crate) static RULE = {
        code: "PSS018",
        name: "pss-capabilities-restricted",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Container does not drop ALL capabilities or adds one other than NET_BIND_SERVICE",
        standards: &[
            "PSS restricted: capabilities_restricted",
            "CIS 5.2.8",
            "CIS 5.2.9",
            "CIS 5.2.10",
            "NSA-CISA: pod security",
        ],
        check: Check::Pss(PssCheck {
            id: "capabilities_restricted",
            level: PssLevel::Restricted,
            revisions: &[22, 25],
            overrides: Some(("capabilities_baseline", 22)),
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
        check_drop(&context, out);
        check_add(&context, out);
    }
}

fn check_drop(context: &Context<'_>, out: &mut Vec<Violation>) {
    let drop = context.get(&["capabilities", "drop"]);
    let drop_pointer = context.pointer_to(&["capabilities", "drop"]);
    if entries(drop, &drop_pointer)
        .iter()
        .any(|(c, _)| text(Some(c)) == Some("ALL"))
    {
        return;
    }
    out.push(Violation::new(
        drop_pointer,
        format!(
            "unrestricted capabilities: {} must set securityContext.capabilities.drop=[\"ALL\"]",
            context.who
        ),
        "add \"ALL\" to securityContext.capabilities.drop, then add back only NET_BIND_SERVICE if needed",
    ));
}

fn check_add(context: &Context<'_>, out: &mut Vec<Violation>) {
    // Same pointers as pss-capabilities-baseline, so a capability both flag is reported once.
    let add = context.get(&["capabilities", "add"]);
    for (capability, pointer) in entries(add, &context.pointer_to(&["capabilities", "add"])) {
        if text(Some(capability)) == Some("NET_BIND_SERVICE") {
            continue;
        }
        out.push(Violation::new(
            pointer,
            format!(
                "unrestricted capabilities: {} must not include {} in securityContext.capabilities.add",
                context.who,
                show(Some(capability))
            ),
            "remove the capability from capabilities.add; only NET_BIND_SERVICE may be added",
        ));
    }
}
