//! CTR006 `missing-resource-requests`: containers without a cpu or memory request.

use super::resources::{Wanted, report_missing};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports init and regular containers that end up without a cpu request or a memory
    /// request, naming which is missing. Kubernetes fills requests in, and this rule counts
    /// what it fills in: a request defaults to the container's limit for the same resource
    /// (so a container with limits but no requests is not reported), pod-level
    /// `spec.resources` requests or limits cover every container, and a LimitRange of type
    /// `Container` in the same namespace (in the same input) supplies `defaultRequest`, or
    /// failing that `default`, `max` or `min`. Ephemeral containers cannot have resources and
    /// are skipped.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without them is scheduled as
    /// if it needed nothing, lands on nodes that cannot carry it, and is the first to be
    /// evicted under memory pressure (BestEffort quality of service). Requests make capacity
    /// planning and ResourceQuotas work.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    ///   resources:
    ///     requests: {cpu: 100m, memory: 128Mi}
    ///     limits: {cpu: 500m, memory: 256Mi}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Resource Management for Pods and Containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    /// - [Kubernetes: Pod Quality of Service Classes](https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/)
    /// - [Kubernetes: Limit Ranges](https://kubernetes.io/docs/concepts/policy/limit-range/)
    /// - NSA-CISA Kubernetes Hardening Guide: resource policies (LimitRange, ResourceQuota)
    /// - MITRE ATT&CK for Containers: T1499 Endpoint Denial of Service
    pub(crate) static RULE = {
        code: "CTR006",
        name: "missing-resource-requests",
        category: Category::Containers,
        severity: Severity::Low,
        summary: "Container has no cpu or memory request",
        standards: &["NSA-CISA: resource policies", "MITRE ATT&CK T1499"],
        check: Check::Set { kinds: &["LimitRange"], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    report_missing(snapshot, Wanted::Requests, out);
}
