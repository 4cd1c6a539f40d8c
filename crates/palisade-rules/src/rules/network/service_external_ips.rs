//! NET003: a Service with `externalIPs` (CVE-2020-8554).

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Services (of any type) whose `spec.externalIPs` is not empty.
    ///
    /// ## Why is this bad?
    /// kube-proxy routes traffic for every address listed in `externalIPs` to the Service's
    /// pods, on every node, and nothing checks that the addresses belong to the Service's
    /// owner. Whoever can create or patch a Service can claim any address, a public one
    /// or another tenant's, and intercept the traffic the cluster's pods and nodes send to it:
    /// this is CVE-2020-8554, which has no fix in Kubernetes itself. The field is deprecated
    /// from Kubernetes v1.36; the `DenyServiceExternalIPs` admission plugin blocks it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector: {app: web}
    ///   ports:
    ///   - port: 80
    ///   externalIPs: ["198.51.100.32"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: ["203.0.113.0/24"]
    ///   selector: {app: web}
    ///   ports:
    ///   - port: 80
    /// ```
    ///
    /// ## References
    /// - [CVE-2020-8554: Man in the middle using LoadBalancer or ExternalIPs](https://github.com/kubernetes/kubernetes/issues/97076)
    /// - [Kubernetes: Service external IPs](https://kubernetes.io/docs/concepts/services-networking/service/#external-ips)
    /// - [Kubernetes: DenyServiceExternalIPs admission plugin](https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#denyserviceexternalips)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1557 Adversary-in-the-Middle
    pub(crate) static RULE = {
        code: "NET003",
        name: "service-external-ips",
        category: Category::Network,
        severity: Severity::High,
        summary: "Service sets externalIPs, which can intercept traffic (CVE-2020-8554)",
        standards: &["CVE-2020-8554", "NSA-CISA: network separation", "MITRE ATT&CK T1557"],
        check: Check::Object { kinds: &["Service"], check },
    };
}

fn check(service: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !service.group().is_empty() {
        return;
    }
    let Some(ips) = service
        .at("/spec/externalIPs")
        .and_then(Value::as_array)
        .filter(|ips| !ips.is_empty())
    else {
        return;
    };
    let shown: Vec<String> = ips
        .iter()
        .map(|ip| ip.as_str().map_or_else(|| ip.to_string(), str::to_string))
        .collect();
    out.push(Violation::new(
        "/spec/externalIPs",
        format!(
            "Service sets externalIPs {}: the cluster captures traffic to these addresses (CVE-2020-8554)",
            shown.join(", ")
        ),
        "remove spec.externalIPs and expose the Service through a load balancer or a Gateway; block the field with the DenyServiceExternalIPs admission plugin",
    ));
}
