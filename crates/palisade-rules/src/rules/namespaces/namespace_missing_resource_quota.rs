//! NS003: a namespace with workloads but no ResourceQuota or LimitRange.

use super::workload_namespaces::workload_namespaces;
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a namespace in the input with workloads but no ResourceQuota or LimitRange in
    /// the input.
    ///
    /// This is a set rule: it looks at the whole input set (a directory is an application).
    /// "A namespace in the input" is any namespace a workload of the input names in
    /// `metadata.namespace`, whether or not its Namespace object is in the input. The finding
    /// is reported on the Namespace object when the input has it, else on the
    /// `metadata.namespace` of the namespace's first workload. Workloads without
    /// `metadata.namespace` go wherever `kubectl -n` sends them; their namespace is unknown
    /// and is not reported.
    ///
    /// For inputs whose quotas are managed elsewhere (by the platform team, say), turn the
    /// rule off with the configuration's `ignore`.
    ///
    /// ## Why is this bad?
    /// Without a ResourceQuota, one namespace can claim all of the cluster's CPU, memory,
    /// storage and object counts, by mistake or in an attack (cryptomining, a fork bomb of
    /// Jobs), starving every other tenant. A LimitRange gives containers that set no requests
    /// or limits sensible defaults and caps what one container may ask for.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// # ... and no ResourceQuota or LimitRange in namespace shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata:
    ///   name: compute
    ///   namespace: shop
    /// spec:
    ///   hard:
    ///     requests.cpu: "4"
    ///     requests.memory: 8Gi
    ///     limits.cpu: "8"
    ///     limits.memory: 16Gi
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Resource quotas](https://kubernetes.io/docs/concepts/policy/resource-quotas/)
    /// - [Kubernetes: Limit ranges](https://kubernetes.io/docs/concepts/policy/limit-range/)
    /// - NSA-CISA Kubernetes Hardening Guide: resource policies
    /// - MITRE ATT&CK for Containers: T1496 Resource Hijacking
    pub(crate) static RULE = {
        code: "NS003",
        name: "namespace-missing-resource-quota",
        category: Category::Namespaces,
        severity: Severity::Info,
        summary: "Namespace has workloads but no ResourceQuota or LimitRange",
        standards: &["NSA-CISA: resource policies", "MITRE ATT&CK T1496"],
        check: Check::Set { kinds: &["Namespace", "ResourceQuota", "LimitRange"], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    for namespace in workload_namespaces(snapshot) {
        let limited = ["ResourceQuota", "LimitRange"].into_iter().any(|kind| {
            snapshot
                .in_namespace(namespace.name, kind)
                .any(|(_, object)| object.group().is_empty())
        });
        if limited {
            continue;
        }
        let (object, pointer) = namespace.report_at();
        out.push(SetViolation {
            object,
            violation: Violation::new(
                pointer,
                format!("namespace \"{}\" has workloads but no ResourceQuota or LimitRange", namespace.name),
                format!(
                    "add a ResourceQuota (and a LimitRange for container defaults) to namespace \"{}\"",
                    namespace.name
                ),
            ),
        });
    }
}
