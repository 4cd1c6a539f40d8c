//! PSS `hostPorts`: container ports bound on the node's network interfaces.

use palisade_model::{ContainerKind, PodSpecView};
use serde_json::Value;

use super::{entries, set, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports every entry of a container's `ports` (init, regular or ephemeral) that sets a
    /// non-zero `hostPort`. This is the Pod Security Standards baseline check `hostPorts`;
    /// only `0` or unset is allowed.
    ///
    /// In a `Pod` with `hostNetwork: true`, the API server sets the `hostPort` of every port of
    /// a regular or init container that has none to its `containerPort` before admission, so
    /// such a port is reported too (pod templates are not defaulted this way).
    ///
    /// ## Why is this bad?
    /// A host port exposes the container on the node's own addresses, bypassing Services and
    /// often NetworkPolicies, and ties the pod to nodes where the port is free. It also lets a
    /// workload claim a port that a node-level service expects to own.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   ports:
    ///   - containerPort: 8080
    /// ```
    /// and expose the port with a Service.
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, HostPorts](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.13
    /// - NSA-CISA Kubernetes Hardening Guide: pod security, network separation
    pub(crate) static RULE = {
        code: "PSS005",
        name: "pss-host-ports",
        category: Category::PodSecurity,
        severity: Severity::High,
        summary: "Container binds a port on the node",
        standards: &["PSS baseline: hostPorts", "CIS 5.2.13", "NSA-CISA: pod security"],
        check: Check::Pss(PssCheck {
            id: "hostPorts",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    let defaults_host_ports = host_network_pod(pod);
    for container in pod.containers() {
        let defaulted = defaults_host_ports && container.kind != ContainerKind::Ephemeral;
        for (port, pointer) in entries(container.get(&["ports"]), &container.pointer_to(&["ports"]))
        {
            let host_port = set(port.get("hostPort")).filter(|p| !is_zero(p));
            let (field, value) = match host_port {
                Some(value) => ("hostPort", value),
                None => match set(port.get("containerPort")).filter(|p| defaulted && !is_zero(p)) {
                    Some(value) => ("containerPort", value),
                    None => continue,
                },
            };
            let how = if field == "hostPort" {
                ""
            } else {
                " (hostNetwork makes the containerPort a hostPort)"
            };
            out.push(Violation::new(
                format!("{pointer}/{field}"),
                format!(
                    "hostPort: {} uses hostPort {}{how}",
                    container.describe(),
                    show(Some(value))
                ),
                "remove hostPort (or set it to 0) and expose the containerPort through a Service",
            ));
        }
    }
}

fn is_zero(port: &Value) -> bool {
    port.as_f64() == Some(0.0)
}

/// A `Pod` (not a template) with `hostNetwork: true`, whose ports the API server defaults.
fn host_network_pod(pod: &PodSpecView<'_>) -> bool {
    pod.object.kind == "Pod"
        && pod.object.group().is_empty()
        && pod.get(&["hostNetwork"]) == Some(&Value::Bool(true))
}
