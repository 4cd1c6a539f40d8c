//! NET012 `service-selects-no-pods`: a Service whose selector matches no pod in the input.

use std::collections::HashSet;

use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{CUSTOM_RESOURCES, Category, Check, Severity};
use crate::rules::{describe_scope, scope};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a Service with a `selector` that no pod of its namespace in the input
    /// carries: no pod template of a workload, no bare Pod. Services without a selector
    /// (their endpoints are managed by hand) and `ExternalName` Services are left alone.
    ///
    /// The input may be one part of what runs in a namespace, so the rule only reports in a
    /// namespace where the input holds at least one workload and no custom resource: then a
    /// selector that matches none of them is a typo or a leftover, not a workload kept
    /// elsewhere or the pods an operator builds from a custom resource (a Prometheus, a
    /// database cluster).
    ///
    /// Objects that name no namespace are compared with those read from the same directory:
    /// they go wherever they are applied, so unrelated directories of one repository are no
    /// evidence of one another.
    ///
    /// This is a set rule: it looks at the whole input set. Its severity is `info`: a
    /// notice that a reference points at nothing.
    ///
    /// ## Why is this bad?
    /// The Service has no endpoints, so whatever calls it fails. And whoever may create a
    /// pod in the namespace with these labels receives the Service's traffic, along with the
    /// credentials and data clients send it: a name other workloads trust is left for anyone
    /// to claim.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {app: wbe}
    ///   ports: [{port: 80}]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec: {containers: [{name: web, image: registry.example.com/web:1.0}]}
    /// ```
    ///
    /// Use instead: a selector the pods' labels match:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {app: web}
    ///   ports: [{port: 80}]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Services without selectors and with them](https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors)
    /// - kube-linter: `dangling-service`
    pub(crate) static RULE = {
        code: "NET012",
        name: "service-selects-no-pods",
        category: Category::Network,
        severity: Severity::Info,
        summary: "Service selects no pod in the input",
        standards: &[],
        check: Check::Set { kinds: &["Service", CUSTOM_RESOURCES], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let pods: Vec<_> = snapshot.workloads().collect();
    let scopes: HashSet<_> = pods.iter().map(|(_, pod)| scope(pod.object)).collect();
    for (index, service) in snapshot.of_kind("Service") {
        let at = scope(service);
        if !service.group().is_empty()
            || !scopes.contains(&at)
            || snapshot.has_custom_resources(service.namespace())
        {
            continue;
        }
        if service.at("/spec/type").and_then(Value::as_str) == Some("ExternalName") {
            continue;
        }
        let Some(selector) = service
            .at("/spec/selector")
            .and_then(Value::as_object)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let selected = pods.iter().any(|(_, pod)| {
            scope(pod.object) == at
                && pod.labels().is_some_and(|labels| {
                    selector
                        .iter()
                        .all(|(key, value)| labels.get(key) == Some(value))
                })
        });
        if selected {
            continue;
        }
        let wanted: Vec<String> = selector
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?")))
            .collect();
        out.push(SetViolation {
            object: index,
            violation: Violation::new(
                "/spec/selector".to_string(),
                format!(
                    "no pod in {} in the input has the labels {}: the Service has no endpoints, and a pod anyone creates with them gets its traffic",
                    describe_scope(at),
                    wanted.join(", ")
                ),
                "make the selector match the labels of the pod template it is for, or remove the Service",
            ),
        });
    }
}
