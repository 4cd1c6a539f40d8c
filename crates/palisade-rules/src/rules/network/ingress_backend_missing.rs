//! NET013 `ingress-backend-missing`: an Ingress that routes to a Service the input does not
//! hold.

use std::collections::HashSet;

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{CUSTOM_RESOURCES, Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

use crate::rules::{describe_scope, is_placeholder, scope};

declare_rule! {
    /// ## What it does
    /// Reports a backend of an Ingress (`spec.defaultBackend` or a rule's path; the
    /// `serviceName` of the older `extensions/v1beta1` form too) that names a Service the
    /// input does not hold in the Ingress's namespace. Resource backends are left alone.
    ///
    /// The rule only reports in a namespace where the input holds at least one Service and
    /// no custom resource (operators create Services of their own).
    ///
    /// Objects that name no namespace are compared with those read from the same directory:
    /// they go wherever they are applied, so unrelated directories of one repository are no
    /// evidence of one another.
    /// A name a templating step has yet to fill in (`$NAME`, `${NAME}`, `<name>`) is left alone.
    ///
    /// This is a set rule: it looks at the whole input set. Its severity is `info`: a
    /// notice that a reference points at nothing.
    ///
    /// ## Why is this bad?
    /// The controller answers the route with errors. And whoever may create a Service of
    /// that name in the namespace receives the host's traffic from the internet, with its
    /// cookies and credentials: a public route is left for anyone to claim.
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
    ///       - {path: /, pathType: Prefix, backend: {service: {name: storefront, port: {number: 80}}}}
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec: {selector: {app: web}, ports: [{port: 80}]}
    /// ```
    ///
    /// Use instead: the name of the Service that serves the route:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop, namespace: shop}
    /// spec:
    ///   rules:
    ///   - host: shop.example.com
    ///     http:
    ///       paths:
    ///       - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Ingress backends](https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource)
    /// - kube-linter: `dangling-ingress`
    pub(crate) static RULE = {
        code: "NET013",
        name: "ingress-backend-missing",
        category: Category::Network,
        severity: Severity::Info,
        summary: "Ingress routes to a Service the input does not hold",
        standards: &[],
        check: Check::Set { kinds: &["Ingress", "Service", CUSTOM_RESOURCES], workloads: false, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let services: HashSet<_> = snapshot
        .of_kind("Service")
        .filter(|(_, s)| s.group().is_empty())
        .map(|(_, s)| (scope(s), s.name()))
        .collect();
    let scopes: HashSet<_> = services.iter().map(|(scope, _)| *scope).collect();
    for (index, ingress) in snapshot.of_kind("Ingress") {
        let here = scope(ingress);
        if !matches!(ingress.group(), "networking.k8s.io" | "extensions")
            || !scopes.contains(&here)
            || snapshot.has_custom_resources(ingress.namespace())
        {
            continue;
        }
        for (at, name) in backends(ingress) {
            if is_placeholder(name) || services.contains(&(here, name)) {
                continue;
            }
            out.push(SetViolation {
                object: index,
                violation: Violation::new(
                    at,
                    format!(
                        "routes to Service \"{name}\", which is not in {} in the input: the route fails, and whoever creates a Service of that name receives its traffic",
                        describe_scope(here)
                    ),
                    "name the Service that serves this route, or add it",
                ),
            });
        }
    }
}

/// The Service names an Ingress routes to, with the pointer to each name.
fn backends(ingress: &Object) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for field in ["defaultBackend", "backend"] {
        if let Some(backend) = ingress.value.pointer(&format!("/spec/{field}")) {
            service_name(format!("/spec/{field}"), backend, &mut out);
        }
    }
    let rules = ingress
        .at("/spec/rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (r, rule) in rules.iter().enumerate() {
        let paths = rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (p, path) in paths.iter().enumerate() {
            if let Some(backend) = path.get("backend") {
                service_name(
                    format!("/spec/rules/{r}/http/paths/{p}/backend"),
                    backend,
                    &mut out,
                );
            }
        }
    }
    out
}

/// The Service a backend names: `service.name` (`networking.k8s.io/v1`) or `serviceName`
/// (`extensions/v1beta1`, `networking.k8s.io/v1beta1`).
fn service_name<'a>(at: String, backend: &'a Value, out: &mut Vec<(String, &'a str)>) {
    let named = |value: Option<&'a Value>| value.and_then(Value::as_str).filter(|n| !n.is_empty());
    if let Some(name) = named(backend.pointer("/service/name")) {
        out.push((format!("{at}/service/name"), name));
    }
    if let Some(name) = named(backend.get("serviceName")) {
        out.push((format!("{at}/serviceName"), name));
    }
}
