//! NET011 `ingress-duplicate-host`: the same host and path claimed by more than one Ingress.

use std::collections::HashMap;

use palisade_model::{Object, pointer};
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a path of an Ingress rule whose host and path another Ingress of the same
    /// ingress class in the input already claims. The first Ingress (in input order) is
    /// taken as the owner and each later claim is reported, naming it. Host names compare
    /// case-insensitively; a path without `path` is `/`. Rules without a host are left to
    /// `ingress-wildcard-host`. The class is `spec.ingressClassName`, else the
    /// `kubernetes.io/ingress.class` annotation; Ingresses that name none share the default
    /// class.
    ///
    /// This is a set rule: it looks at the whole input set.
    ///
    /// ## Why is this bad?
    /// When two Ingresses claim the same host and path, the controller picks one of them,
    /// by rules of its own (the oldest, say), and the other silently serves nothing. The
    /// routing then depends on the order objects were created in, and anyone who may create
    /// an Ingress in any namespace can claim a path of another team's host and take its
    /// traffic, cookies and credentials.
    ///
    /// ## Example
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
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: promo, namespace: marketing}
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: promo, port: {number: 80}}}}
    /// ```
    ///
    /// Use instead: one owner for each host and path, here a path of its own:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: promo, namespace: marketing}
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /promo, pathType: Prefix, backend: {service: {name: promo, port: {number: 80}}}}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Ingress, name based virtual hosting](https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting)
    /// - [ingress-nginx: CVE-2021-25740 and ingress hijacking across namespaces](https://github.com/kubernetes/kubernetes/issues/103675)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1557 Adversary-in-the-Middle
    pub(crate) static RULE = {
        code: "NET011",
        name: "ingress-duplicate-host",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "Another Ingress already claims this host and path",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1557"],
        check: Check::Set { kinds: &["Ingress"], workloads: false, check },
    };
}

/// (ingress class, host, path): what a controller routes on.
type Route = (Option<String>, String, String);

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let mut owners: HashMap<Route, &Object> = HashMap::new();
    for (index, ingress) in snapshot.of_kind("Ingress") {
        if !matches!(ingress.group(), "networking.k8s.io" | "extensions") {
            continue;
        }
        for (pointer, route) in routes(ingress) {
            match owners.get(&route) {
                None => {
                    owners.insert(route, ingress);
                }
                Some(owner) if std::ptr::eq(*owner, ingress) => {}
                Some(owner) => out.push(SetViolation {
                    object: index,
                    violation: Violation::new(
                        pointer,
                        format!(
                            "{}{} is also claimed by {}; the controller serves only one of them",
                            route.1,
                            route.2,
                            owner.object_ref()
                        ),
                        "give each host and path one Ingress; split paths between teams, or use separate hosts",
                    ),
                }),
            }
        }
    }
}

/// The routes of an Ingress with the pointer to each path (or rule, when it has no paths).
fn routes(ingress: &Object) -> Vec<(String, Route)> {
    let class = ingress
        .at("/spec/ingressClassName")
        .and_then(Value::as_str)
        .or_else(|| {
            ingress
                .annotations()?
                .get("kubernetes.io/ingress.class")?
                .as_str()
        })
        .map(str::to_string);
    let rules = ingress
        .at("/spec/rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut out = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let Some(host) = rule
            .get("host")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|h| !h.is_empty())
        else {
            continue;
        };
        let host = host.to_ascii_lowercase();
        let at = pointer::join_index("/spec/rules", index);
        let paths = rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (p, path) in paths.iter().enumerate() {
            let value = path
                .get("path")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
                .unwrap_or("/");
            let pointer =
                pointer::join_index(&pointer::join(&pointer::join(&at, "http"), "paths"), p);
            out.push((pointer, (class.clone(), host.clone(), value.to_string())));
        }
    }
    out
}
