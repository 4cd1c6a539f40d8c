//! NET002: a Service of type NodePort, which opens a port on every node.

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Services of `type: NodePort`.
    ///
    /// ## Why is this bad?
    /// A NodePort Service listens on a port of every node in the cluster, on every node
    /// address. Whoever can reach any node (often far more networks than should reach the
    /// application) can reach the Service, bypassing the load balancer, its source ranges and
    /// whatever TLS or authentication an Ingress would add. Node ports also make it harder to
    /// reason about what a node exposes.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector: {app: web}
    ///   ports:
    ///   - port: 80
    ///     nodePort: 30080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: ClusterIP
    ///   selector: {app: web}
    ///   ports:
    ///   - port: 80
    /// # and expose it through an Ingress or a Gateway
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Service type NodePort](https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1190 Exploit Public-Facing Application
    pub(crate) static RULE = {
        code: "NET002",
        name: "service-node-port",
        category: Category::Network,
        severity: Severity::Low,
        summary: "Service of type NodePort opens a port on every node",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1190"],
        check: Check::Object { kinds: &["Service"], check },
    };
}

fn check(service: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !service.group().is_empty()
        || service.at("/spec/type").and_then(Value::as_str) != Some("NodePort")
    {
        return;
    }
    let node_ports: Vec<String> = service
        .at("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|port| port.get("nodePort").and_then(Value::as_u64))
        .map(|port| port.to_string())
        .collect();
    let which = if node_ports.is_empty() {
        "an allocated node port".to_string()
    } else {
        format!("node port {}", node_ports.join(", "))
    };
    out.push(Violation::new(
        "/spec/type",
        format!("Service of type NodePort listens on {which} of every node"),
        "use type ClusterIP and expose the Service through an Ingress, a Gateway or an internal load balancer",
    ));
}
