//! PSS `windowsHostProcess`: Windows HostProcess containers.

use palisade_model::PodSpecView;

use super::{contexts, set_not_false, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `securityContext.windowsOptions.hostProcess: true` on the pod or on any
    /// container (init, regular, ephemeral). This is the Pod Security Standards baseline check
    /// `windowsHostProcess`; only `false` or unset is allowed.
    ///
    /// ## Why is this bad?
    /// A Windows HostProcess container runs directly on the node as a host process, with the
    /// node's network and filesystem and, usually, an administrator account. It is the Windows
    /// equivalent of a privileged container.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///       runAsUserName: "NT AUTHORITY\\SYSTEM"
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, HostProcess](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Create a Windows HostProcess Pod](https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/)
    /// - CIS Kubernetes Benchmark 5.2.11
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS012",
        name: "pss-windows-host-process",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        summary: "Pod or container runs as a Windows HostProcess",
        standards: &["PSS baseline: windowsHostProcess", "CIS 5.2.11", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "windowsHostProcess",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for context in contexts(pod) {
        let field = ["windowsOptions", "hostProcess"];
        let value = context.get(&field);
        if !set_not_false(value) {
            continue;
        }
        out.push(Violation::new(
            context.pointer_to(&field),
            format!(
                "hostProcess: {} must not set securityContext.windowsOptions.hostProcess={}",
                context.who,
                show(value)
            ),
            "remove windowsOptions.hostProcess or set it to false",
        ));
    }
}
