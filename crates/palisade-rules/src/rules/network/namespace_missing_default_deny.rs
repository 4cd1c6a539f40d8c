//! NET005: a namespace with workloads but no default-deny NetworkPolicy.

use super::default_deny::{KINDS, default_deny};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::rules::namespaces::workload_namespaces::workload_namespaces;
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a namespace in the input that has workloads but no NetworkPolicy with an empty
    /// `podSelector` (`{}`, every pod of the namespace) covering both `Ingress` and `Egress`.
    ///
    /// This is a set rule: it looks at the whole input set (a directory is an application).
    ///
    /// - A namespace is one that a workload of the input names in `metadata.namespace`.
    ///   Workloads without `metadata.namespace` go wherever `kubectl -n` sends them; their
    ///   namespace is unknown and is not reported.
    /// - The finding is reported on the Namespace object when the input has it, else on the
    ///   `metadata.namespace` of the namespace's first workload.
    /// - A policy covers the directions of its `policyTypes`. When `policyTypes` is absent, it
    ///   covers `Ingress`, and `Egress` only if it has egress rules (the API server's default).
    /// - The default deny may be split over two policies, one for `Ingress` and one for
    ///   `Egress`, both with an empty `podSelector`.
    /// - A policy whose rules for a direction include an empty rule (`- {}`: every peer, every
    ///   port) allows everything in that direction and does not count for it.
    /// - The default deny may also be written in another policy API, as long as it selects
    ///   every pod of the namespace whatever their labels (an empty selector, or one that
    ///   only names the namespace):
    ///   - a Calico NetworkPolicy in the namespace, or a GlobalNetworkPolicy whose
    ///     `namespaceSelector` selects it, by its `types` (defaulted as `policyTypes` is), unless
    ///     a rule of the direction is a bare `action: Allow`;
    ///   - a CiliumNetworkPolicy in the namespace, or a CiliumClusterwideNetworkPolicy, by its
    ///     `ingress` and `egress` sections (or `ingressDeny`, `egressDeny`), unless
    ///     `enableDefaultDeny` turns the direction off or a rule allows the entity `all`;
    ///   - an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy whose
    ///     subject is the whole namespace, with a `Deny` ingress rule from `namespaces: {}` or a
    ///     `Deny` egress rule to `0.0.0.0/0` or `::/0`.
    ///
    ///   A namespace selector sees the labels of the Namespace object in the input, and
    ///   `kubernetes.io/metadata.name`.
    ///
    /// For inputs that hold no network policy by design (policies live in another repository,
    /// or a service mesh enforces them), turn the rule off with the configuration's `ignore`.
    ///
    /// ## Why is this bad?
    /// Pods accept traffic from, and send traffic to, anything in the cluster and beyond until
    /// a NetworkPolicy selects them. Without a default deny, a compromised pod can reach every
    /// other pod, the cloud metadata endpoint and the internet, and every workload added later
    /// is open from the start.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// # ... and no NetworkPolicy in namespace shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Network policies, default policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies)
    /// - CIS Kubernetes Benchmark 5.3.2: Ensure that all Namespaces have Network Policies defined
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening (network policies)
    /// - MITRE ATT&CK for Containers: T1046 Network Service Discovery
    pub(crate) static RULE = {
        code: "NET005",
        name: "namespace-missing-default-deny",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "Namespace has workloads but no default-deny NetworkPolicy",
        standards: &["CIS 5.3.2", "NSA-CISA: network separation", "MITRE ATT&CK T1046"],
        check: Check::Set { kinds: KINDS, workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    for namespace in workload_namespaces(snapshot) {
        let covered = default_deny(snapshot, namespace.name);
        let missing = match (covered.ingress, covered.egress) {
            (true, true) => continue,
            (false, false) => "ingress and egress",
            (false, true) => "ingress",
            (true, false) => "egress",
        };
        let (object, pointer) = namespace.report_at();
        out.push(SetViolation {
            object,
            violation: Violation::new(
                pointer,
                format!(
                    "namespace \"{}\" has workloads but no default-deny NetworkPolicy for {missing}",
                    namespace.name
                ),
                format!(
                    "add a NetworkPolicy in namespace \"{}\" with podSelector: {{}} and policyTypes: [Ingress, Egress], then allow only the traffic each workload needs",
                    namespace.name
                ),
            ),
        });
    }
}
