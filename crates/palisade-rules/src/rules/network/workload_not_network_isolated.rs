//! NET006: a workload whose pods no network policy selects.

use serde_json::Value;

use super::isolation::{Isolation, POLICY_KINDS, Pod};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a workload whose pods no network policy in the input selects: no policy of the
    /// workload's namespace has a `podSelector` that matches the pod template's labels
    /// (`matchLabels`, and `matchExpressions` with `In`, `NotIn`, `Exists` and
    /// `DoesNotExist`), and no cluster-wide policy selects them either.
    ///
    /// This is a set rule: it looks at the whole input set (a directory is an application).
    /// These policies count, as the network plugins that enforce them select pods:
    ///
    /// | Policy | API | Selects |
    /// |---|---|---|
    /// | NetworkPolicy | `networking.k8s.io/v1` | `spec.podSelector`, in its namespace |
    /// | CiliumNetworkPolicy | `cilium.io/v2` | `spec.endpointSelector` and `specs[].endpointSelector`, in its namespace |
    /// | CiliumClusterwideNetworkPolicy | `cilium.io/v2` | the same, in every namespace |
    /// | NetworkPolicy | `projectcalico.org/v3`, `crd.projectcalico.org/v1` | `spec.selector`, in its namespace |
    /// | GlobalNetworkPolicy | `projectcalico.org/v3`, `crd.projectcalico.org/v1` | `spec.selector`, in the namespaces `spec.namespaceSelector` selects |
    /// | AdminNetworkPolicy, BaselineAdminNetworkPolicy | `policy.networking.k8s.io/v1alpha1` | `spec.subject`: every pod of `namespaces`, or `pods.podSelector` in `pods.namespaceSelector` |
    /// | ClusterNetworkPolicy | `policy.networking.k8s.io/v1alpha2` | `spec.subject`, as above |
    ///
    /// - Objects without `metadata.namespace` are deployed together wherever `kubectl -n`
    ///   sends them, so a workload without a namespace is matched against the policies without
    ///   one, and against cluster-wide policies that select every namespace.
    /// - A namespace's labels, for namespace selectors, are those of its Namespace object in
    ///   the input and `kubernetes.io/metadata.name`, which the API server sets. Cilium
    ///   selectors may also use `io.kubernetes.pod.namespace`,
    ///   `io.cilium.k8s.namespace.labels.<key>` and `io.cilium.k8s.policy.serviceaccount`, with
    ///   or without the `k8s:` or `any:` source prefix; Calico selectors may use
    ///   `projectcalico.org/namespace`, `projectcalico.org/serviceaccount` and
    ///   `projectcalico.org/orchestrator`, and namespace selectors `projectcalico.org/name`.
    /// - Calico selectors are read in Calico's syntax: `all()`, `has(k)`, `!has(k)`,
    ///   `k == 'v'`, `k != 'v'`, `k in {'a', 'b'}`, `k not in {...}`, `contains`,
    ///   `starts with`, `ends with`, `!`, `&&`, `||` and parentheses. A selector this check
    ///   cannot read is taken to select every pod it could apply to, so that no workload is
    ///   reported on a guess, and the selector itself is reported, as info.
    /// - A policy whose Kubernetes label selector is invalid (one the API server would
    ///   reject) selects nothing. A Cilium rule with a `nodeSelector` selects nodes, not pods,
    ///   as do Calico policies with `doNotTrack` or `preDNAT`; a Cilium rule whose
    ///   `enableDefaultDeny` turns off both directions isolates nothing. None of these count.
    /// - A Calico `serviceAccountSelector` is not read: the policy is taken to select by
    ///   `selector` alone.
    /// - Pods with `hostNetwork: true` are skipped: NetworkPolicy does not apply to them (the
    ///   Pod Security Standards rules report host networking).
    /// - PodTemplates are skipped: they run no pods themselves.
    ///
    /// For inputs that hold no network policy by design (policies live in another repository,
    /// or a service mesh enforces them), turn the rule off with the configuration's `ignore`.
    ///
    /// ## Why is this bad?
    /// A pod that no NetworkPolicy selects is not isolated: it accepts connections from every
    /// pod in the cluster and may connect anywhere. One compromised workload can then reach it
    /// directly, and it can reach everything else.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: api, namespace: shop}
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: web}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: frontend, namespace: shop}
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///     - {key: app, operator: In, values: [web, api]}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Network policies, isolated and non-isolated pods](https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation)
    /// - [Kubernetes: Label selectors](https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors)
    /// - CIS Kubernetes Benchmark 5.3.2: Ensure that all Namespaces have Network Policies defined
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening (network policies)
    /// - MITRE ATT&CK for Containers: T1046 Network Service Discovery
    pub(crate) static RULE = {
        code: "NET006",
        name: "workload-not-network-isolated",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "No network policy selects the workload's pods",
        standards: &["CIS 5.3.2", "NSA-CISA: network separation", "MITRE ATT&CK T1046"],
        check: Check::Set { kinds: POLICY_KINDS, workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let isolation = Isolation::new(snapshot);
    for unreadable in &isolation.unreadable {
        out.push(SetViolation {
            object: unreadable.object,
            violation: Violation::new(
                unreadable.pointer,
                format!(
                    "cannot read this Calico selector ({}); the pods it could select are taken to be isolated",
                    unreadable.error
                ),
                "fix the selector so that Calico, and this check, can tell which pods it selects",
            )
            .with_severity(Severity::Info),
        });
    }
    for (index, pod) in snapshot.workloads() {
        if pod.object.kind == "PodTemplate" || pod.get(&["hostNetwork"]) == Some(&Value::Bool(true))
        {
            continue;
        }
        let namespace = pod.object.namespace();
        let labels = pod.labels();
        let service_account = pod
            .get(&["serviceAccountName"])
            .and_then(Value::as_str)
            .filter(|name| !name.is_empty())
            .unwrap_or("default");
        let facts = Pod {
            namespace,
            labels,
            service_account,
        };
        if isolation.selects(&facts) {
            continue;
        }
        let (pointer, shown) = match labels.filter(|l| !l.is_empty()) {
            Some(labels) => (
                format!("{}/labels", pod.metadata_pointer()),
                format!("labels {}", show_labels(labels)),
            ),
            None => (pod.metadata_pointer().to_string(), "no labels".to_string()),
        };
        let place = match namespace {
            Some(ns) => format!("in namespace \"{ns}\""),
            None => "without a namespace".to_string(),
        };
        out.push(SetViolation {
            object: index,
            violation: Violation::new(
                pointer,
                format!("no network policy {place} selects {} ({shown})", pods_of(pod.object.kind.as_str())),
                format!(
                    "add a NetworkPolicy {place} whose podSelector matches these pods, or a default deny with podSelector: {{}}"
                ),
            ),
        });
    }
}

/// "this Pod", or "the pods of this Deployment".
fn pods_of(kind: &str) -> String {
    if kind == "Pod" {
        "this Pod".to_string()
    } else {
        format!("the pods of this {kind}")
    }
}

fn show_labels(labels: &serde_json::Map<String, Value>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(key, value)| {
            format!(
                "{key}={}",
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_string)
            )
        })
        .collect();
    pairs.join(",")
}
