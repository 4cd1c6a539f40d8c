//! PSS `hostNamespaces`: pods that share the node's network, PID or IPC namespace.

use palisade_model::PodSpecView;

use super::{set_not_false, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports pods that set `spec.hostNetwork`, `spec.hostPID` or `spec.hostIPC` to `true`,
    /// one finding per field. This is the Pod Security Standards baseline check
    /// `hostNamespaces`; only `false` or unset is allowed.
    ///
    /// ## Why is this bad?
    /// A pod in the host's network namespace can bind any port on the node and reach services
    /// that listen only on localhost; in the host's PID namespace it can see, signal and trace
    /// every process on the node; in the host's IPC namespace it can read shared memory of
    /// other workloads. Each of these removes an isolation boundary between the container and
    /// the node.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   hostPID: true
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
    ///     ports:
    ///     - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, Host Namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.3, 5.2.4, 5.2.5
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS001",
        name: "pss-host-namespaces",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        summary: "Pod shares the host's network, PID or IPC namespace",
        standards: &[
            "PSS baseline: hostNamespaces",
            "CIS 5.2.3",
            "CIS 5.2.4",
            "CIS 5.2.5",
            "NSA-CISA: pod security",
            "MITRE ATT&CK T1611",
        ],
        check: Check::Pss(PssCheck {
            id: "hostNamespaces",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

/// The fields and what each one shares.
const FIELDS: [(&str, &str); 3] = [
    ("hostNetwork", "the node's network stack"),
    ("hostPID", "the node's process table"),
    ("hostIPC", "the node's IPC namespace"),
];

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for (field, shares) in FIELDS {
        let value = pod.get(&[field]);
        if set_not_false(value) {
            out.push(Violation::new(
                pod.pointer_to(&[field]),
                format!(
                    "host namespaces: pod must not set {field}={} (it shares {shares})",
                    show(value)
                ),
                format!("remove spec.{field} or set it to false"),
            ));
        }
    }
}
