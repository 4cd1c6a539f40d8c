//! CTR005 `missing-resource-limits`: containers without a cpu or memory limit.

use super::resources::{Wanted, report_missing};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports init and regular containers that end up without a cpu limit or a memory limit,
    /// naming which is missing. A limit counts when the container sets
    /// `resources.limits.<resource>`, when the pod sets pod-level `spec.resources.limits`,
    /// or when a LimitRange of type `Container` in the same namespace (in the same input)
    /// gives a `default` (or `max`, which `default` falls back to) that the LimitRanger
    /// admission plugin fills in. Ephemeral containers cannot have resources and are skipped.
    ///
    /// ## Why is this bad?
    /// A container without a memory limit can use all of the node's memory, and one without a
    /// cpu limit all of its cpu: a bug, a leak or a cryptominer in one pod starves its
    /// neighbours and can get the node's other workloads evicted. Limits (with a ResourceQuota
    /// per namespace) bound the blast radius of a compromised or misbehaving workload.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    ///   resources:
    ///     requests: {cpu: 100m, memory: 128Mi}
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
    /// - [Kubernetes: Limit Ranges](https://kubernetes.io/docs/concepts/policy/limit-range/)
    /// - NSA-CISA Kubernetes Hardening Guide: resource policies (LimitRange, ResourceQuota)
    /// - MITRE ATT&CK for Containers: T1496 Resource Hijacking, T1499 Endpoint Denial of Service
    pub(crate) static RULE = {
        code: "CTR005",
        name: "missing-resource-limits",
        category: Category::Containers,
        severity: Severity::Medium,
        summary: "Container has no cpu or memory limit",
        standards: &["NSA-CISA: resource policies", "MITRE ATT&CK T1496", "MITRE ATT&CK T1499"],
        check: Check::Set { kinds: &["LimitRange"], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    report_missing(snapshot, Wanted::Limits, out);
}
