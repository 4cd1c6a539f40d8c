//! PSS `privileged`: privileged containers.

use palisade_model::PodSpecView;

use super::{set_not_false, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) that set
    /// `securityContext.privileged: true`. This is the Pod Security Standards baseline check
    /// `privileged`.
    ///
    /// ## Why is this bad?
    /// A privileged container runs with every capability and with access to all host devices;
    /// it is, for practical purposes, root on the node. Escaping to the host from such a
    /// container is trivial.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     privileged: false
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, Privileged Containers](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.2
    /// - NSA-CISA Kubernetes Hardening Guide: "Use containers built to run applications as non-root users", pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS002",
        name: "pss-privileged",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        summary: "Container runs privileged",
        standards: &["PSS baseline: privileged", "CIS 5.2.2", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "privileged",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let field = ["securityContext", "privileged"];
        let value = container.get(&field);
        if set_not_false(value) {
            out.push(Violation::new(
                container.pointer_to(&field),
                format!(
                    "privileged: {} must not set securityContext.privileged={}",
                    container.describe(),
                    show(value)
                ),
                "set securityContext.privileged to false, or remove it; grant only the capabilities the process needs",
            ));
        }
    }
}
