//! PSS `hostProbesAndHostLifecycle`: probes and lifecycle hooks aimed at another host.

use palisade_model::PodSpecView;

use super::{show, text};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose liveness, readiness or startup
    /// probe, or whose `postStart` or `preStop` lifecycle handler, sets a non-empty `host` in
    /// `httpGet` or `tcpSocket`. This is the Pod Security Standards baseline check
    /// `hostProbesAndHostLifecycle`, which exists from policy 1.34.
    ///
    /// ## Why is this bad?
    /// The kubelet, not the container, opens these connections, from the node's network. A
    /// `host` field lets a pod make the kubelet send requests to arbitrary addresses: node-local
    /// services, the cloud metadata endpoint, or other hosts that trust the node (a
    /// server-side request forgery through the kubelet).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   livenessProbe:
    ///     httpGet:
    ///       host: 169.254.169.254
    ///       path: /latest/meta-data/
    ///       port: 80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   livenessProbe:
    ///     httpGet:
    ///       path: /healthz
    ///       port: 8080
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, Probes / Lifecycle Hooks](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    pub(crate) static RULE = {
        code: "PSS006",
        name: "pss-host-probes-and-lifecycle",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Probe or lifecycle handler targets a host other than the pod",
        standards: &["PSS baseline: hostProbesAndHostLifecycle", "NSA-CISA: pod security"],
        check: Check::Pss(PssCheck {
            id: "hostProbesAndHostLifecycle",
            level: PssLevel::Baseline,
            revisions: &[34],
            overrides: None,
            check,
        }),
    };
}

/// Where a handler sits in a container: probes at the top, lifecycle hooks under `lifecycle`.
const HANDLERS: [&[&str]; 5] = [
    &["livenessProbe"],
    &["readinessProbe"],
    &["startupProbe"],
    &["lifecycle", "postStart"],
    &["lifecycle", "preStop"],
];

/// The handler actions that can name a host.
const ACTIONS: [&str; 2] = ["httpGet", "tcpSocket"];

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        for handler in HANDLERS {
            for action in ACTIONS {
                let path: Vec<&str> = handler.iter().copied().chain([action, "host"]).collect();
                let host = container.get(&path);
                if text(host) == Some("") {
                    continue;
                }
                out.push(Violation::new(
                    container.pointer_to(&path),
                    format!(
                        "probe or lifecycle host: {} uses {} {}",
                        container.describe(),
                        path.join("."),
                        show(host)
                    ),
                    format!(
                        "remove {}; the kubelet then connects to the pod's own IP address",
                        path.join(".")
                    ),
                ));
            }
        }
    }
}
