//! NET004: an Ingress that serves its hosts without TLS.

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Ingresses (`networking.k8s.io` or `extensions`) without a `spec.tls` section, or
    /// with an empty one.
    ///
    /// Some controllers take their certificates from annotations rather than `spec.tls`; an
    /// Ingress with one of these is not reported: `alb.ingress.kubernetes.io/certificate-arn`
    /// (AWS Load Balancer Controller), `networking.gke.io/managed-certificates` and
    /// `ingress.gcp.kubernetes.io/pre-shared-cert` (GKE), and
    /// `appgw.ingress.kubernetes.io/appgw-ssl-certificate` (Azure Application Gateway).
    ///
    /// ## Why is this bad?
    /// Without TLS, requests and responses (session cookies, credentials, personal data)
    /// cross the network in clear text: anyone on the path can read and change them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    /// spec:
    ///   tls:
    ///   - hosts: [shop.example.com]
    ///     secretName: shop-tls
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Ingress TLS](https://kubernetes.io/docs/concepts/services-networking/ingress/#tls)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening (encrypt traffic with TLS)
    /// - MITRE ATT&CK: T1040 Network Sniffing
    pub(crate) static RULE = {
        code: "NET004",
        name: "ingress-no-tls",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "Ingress serves its hosts without TLS",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1040"],
        check: Check::Object { kinds: &["Ingress"], check },
    };
}

/// Annotations through which controllers attach certificates outside `spec.tls`.
const CERTIFICATE_ANNOTATIONS: &[&str] = &[
    "alb.ingress.kubernetes.io/certificate-arn",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
];

fn check(ingress: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !matches!(ingress.group(), "networking.k8s.io" | "extensions") {
        return;
    }
    let tls = ingress.at("/spec/tls");
    if tls
        .and_then(Value::as_array)
        .is_some_and(|entries| !entries.is_empty())
    {
        return;
    }
    let annotated = ingress.annotations().is_some_and(|annotations| {
        CERTIFICATE_ANNOTATIONS.iter().any(|key| {
            annotations
                .get(*key)
                .and_then(Value::as_str)
                .is_some_and(|v| !v.trim().is_empty())
        })
    });
    if annotated {
        return;
    }
    let (at, what) = match tls {
        Some(_) => ("/spec/tls", "spec.tls is empty"),
        None => ("/spec", "it has no spec.tls"),
    };
    out.push(Violation::new(
        at,
        format!("Ingress serves {} over plain HTTP: {what}", hosts(ingress)),
        "add a spec.tls entry with the hosts and the Secret holding their certificate (e.g. issued by cert-manager)",
    ));
}

/// The hosts of the rules, for the message.
fn hosts(ingress: &Object) -> String {
    let hosts: Vec<&str> = ingress
        .at("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rule| rule.get("host").and_then(Value::as_str))
        .collect();
    if hosts.is_empty() {
        "every host".to_string()
    } else {
        hosts.join(", ")
    }
}
