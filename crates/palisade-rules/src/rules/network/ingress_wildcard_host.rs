//! NET010 `ingress-wildcard-host`: Ingress rules that answer for every host, or for every
//! subdomain of one.

use palisade_model::{Object, pointer};
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports entries of an Ingress's `spec.rules` that answer for more than one host name:
    /// an entry without `host` (or with an empty one) takes requests for every host name and
    /// for the load balancer's bare address, and is reported as medium; a wildcard host such
    /// as `*.example.com` takes every subdomain, and is reported as low.
    ///
    /// ## Why is this bad?
    /// A catch-all rule publishes the service to anyone who finds the load balancer's address,
    /// with no name to guess, and takes requests meant for hosts nobody configured, which
    /// makes mistakes and attacks that rely on a forged `Host` header (cache poisoning,
    /// password reset links) reach the application. A wildcard host serves subdomains nobody
    /// planned, and a certificate for them is a wildcard certificate, valid for every
    /// subdomain if its key leaks. Name the hosts the application serves.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop, namespace: shop}
    /// spec:
    ///   rules:
    ///   - http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop, namespace: shop}
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Ingress, hostname wildcards](https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards)
    /// - [OWASP: Testing for Host Header Injection](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/17-Testing_for_Host_Header_Injection)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1190 Exploit Public-Facing Application
    pub(crate) static RULE = {
        code: "NET010",
        name: "ingress-wildcard-host",
        category: Category::Network,
        severity: Severity::Low,
        summary: "Ingress rule answers for every host, or every subdomain",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1190"],
        check: Check::Object { kinds: &["Ingress"], check },
    };
}

fn check(ingress: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !matches!(ingress.group(), "networking.k8s.io" | "extensions") {
        return;
    }
    let Some(rules) = ingress.at("/spec/rules").and_then(Value::as_array) else {
        return;
    };
    for (index, rule) in rules.iter().enumerate() {
        let at = pointer::join_index("/spec/rules", index);
        match rule.get("host").and_then(Value::as_str).map(str::trim) {
            None | Some("") => out.push(
                Violation::new(
                    at,
                    format!("spec.rules[{index}] has no host, so it answers for every host name and for the bare address"),
                    "set host to the name the application is served under",
                )
                .with_severity(Severity::Medium),
            ),
            Some(host) if host.starts_with('*') => out.push(Violation::new(
                pointer::join(&at, "host"),
                format!("spec.rules[{index}] answers for every subdomain: {host}"),
                "list the host names the application is served under instead of a wildcard",
            )),
            Some(_) => {}
        }
    }
}
