//! Which pods the network policies of the input select, whatever API they are written in:
//! Kubernetes NetworkPolicy, Cilium's CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy,
//! Calico's NetworkPolicy and GlobalNetworkPolicy, and the AdminNetworkPolicy API
//! (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy).
//!
//! Each plugin adds labels of its own to the pods it matches, and selectors may use them:
//! Cilium the namespace (`io.kubernetes.pod.namespace`), the namespace's labels
//! (`io.cilium.k8s.namespace.labels.<key>`) and the ServiceAccount
//! (`io.cilium.k8s.policy.serviceaccount`); Calico `projectcalico.org/namespace`,
//! `projectcalico.org/orchestrator` and `projectcalico.org/serviceaccount`. A namespace's labels
//! are those of its Namespace object in the input, plus the ones the API server and Calico set
//! (`kubernetes.io/metadata.name`, `projectcalico.org/name`).
//!
//! A Calico selector that cannot be parsed is taken to select every pod it could apply to: the
//! policy may well isolate them, and saying otherwise would be a finding nobody can trust. The
//! rule reports the selector instead (see [`Unreadable`]).

use std::collections::HashMap;

use palisade_model::Object;
use serde_json::{Map, Value};

use super::calico_selector::Selector;
use super::policy::{is_network_policy, pod_selector};
use super::selector::LabelSelector;

/// The kinds this module reads, for `Check::Set` (with `Namespace`, for namespace labels).
pub(crate) const POLICY_KINDS: &[&str] = &[
    "NetworkPolicy",
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "GlobalNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "ClusterNetworkPolicy",
    "Namespace",
];

const CILIUM_GROUP: &str = "cilium.io";
const CALICO_GROUPS: &[&str] = &["projectcalico.org", "crd.projectcalico.org"];
const ADMIN_GROUP: &str = "policy.networking.k8s.io";

/// A selector of a namespaced policy: it selects pods of the policy's namespace.
enum PodMatch<'a> {
    Kubernetes(LabelSelector<'a>),
    Cilium(LabelSelector<'a>),
    Calico(Selector),
}

/// A selector of a cluster-wide policy: it selects pods of any namespace.
enum ClusterMatch<'a> {
    Cilium(LabelSelector<'a>),
    Calico {
        namespaces: Selector,
        pods: Selector,
    },
    Admin {
        namespaces: LabelSelector<'a>,
        pods: LabelSelector<'a>,
    },
}

/// A policy selector that could not be read; the policy is taken to select every pod it could.
#[derive(Debug)]
pub(crate) struct Unreadable {
    /// The policy, by its index in the snapshot.
    pub(crate) object: usize,
    pub(crate) pointer: &'static str,
    pub(crate) error: String,
}

/// What isolation needs to know of one pod template.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pod<'a> {
    pub(crate) namespace: Option<&'a str>,
    pub(crate) labels: Option<&'a Map<String, Value>>,
    pub(crate) service_account: &'a str,
}

/// Every policy selector of the input, indexed by namespace.
pub(crate) struct Isolation<'a> {
    namespaced: HashMap<Option<&'a str>, Vec<PodMatch<'a>>>,
    cluster: Vec<ClusterMatch<'a>>,
    namespace_labels: HashMap<&'a str, &'a Map<String, Value>>,
    pub(crate) unreadable: Vec<Unreadable>,
}

impl<'a> Isolation<'a> {
    pub(crate) fn new(snapshot: &crate::snapshot::Snapshot<'a>) -> Self {
        let mut isolation = Self {
            namespaced: HashMap::new(),
            cluster: Vec::new(),
            namespace_labels: HashMap::new(),
            unreadable: Vec::new(),
        };
        for (_, namespace) in snapshot.of_kind("Namespace") {
            if namespace.group().is_empty()
                && let Some(labels) = namespace.labels()
            {
                isolation.namespace_labels.insert(namespace.name(), labels);
            }
        }
        for (index, policy) in snapshot.of_kind("NetworkPolicy") {
            if is_network_policy(policy) {
                if let Some(selector) = pod_selector(policy) {
                    isolation.add(policy, PodMatch::Kubernetes(selector));
                }
            } else if CALICO_GROUPS.contains(&policy.group()) {
                let selector = isolation.calico(index, policy, "/spec/selector");
                isolation.add(policy, PodMatch::Calico(selector));
            }
        }
        for (_, policy) in snapshot.of_kind("CiliumNetworkPolicy") {
            for selector in cilium_selectors(policy) {
                isolation.add(policy, PodMatch::Cilium(selector));
            }
        }
        for (_, policy) in snapshot.of_kind("CiliumClusterwideNetworkPolicy") {
            for selector in cilium_selectors(policy) {
                isolation.cluster.push(ClusterMatch::Cilium(selector));
            }
        }
        isolation.read_global_network_policies(snapshot);
        for kind in [
            "AdminNetworkPolicy",
            "BaselineAdminNetworkPolicy",
            "ClusterNetworkPolicy",
        ] {
            for (_, policy) in snapshot.of_kind(kind) {
                if let Some(subject) = admin_subject(policy) {
                    isolation.cluster.push(subject);
                }
            }
        }
        isolation
    }

    fn add(&mut self, policy: &'a Object, selector: PodMatch<'a>) {
        self.namespaced
            .entry(policy.namespace())
            .or_default()
            .push(selector);
    }

    fn read_global_network_policies(&mut self, snapshot: &crate::snapshot::Snapshot<'a>) {
        for (index, policy) in snapshot.of_kind("GlobalNetworkPolicy") {
            if !CALICO_GROUPS.contains(&policy.group()) {
                continue;
            }
            // These apply to host endpoints only, never to pods.
            let host_only = ["/spec/doNotTrack", "/spec/preDNAT"]
                .iter()
                .any(|p| policy.at(p) == Some(&Value::Bool(true)));
            if host_only {
                continue;
            }
            let pods = self.calico(index, policy, "/spec/selector");
            let namespaces = self.calico(index, policy, "/spec/namespaceSelector");
            self.cluster.push(ClusterMatch::Calico { namespaces, pods });
        }
    }

    /// The Calico selector at `pointer` (absent: `all()`); an unreadable one is recorded and
    /// read as `all()`.
    fn calico(&mut self, index: usize, policy: &Object, pointer: &'static str) -> Selector {
        let parsed = match policy.at(pointer) {
            None | Some(Value::Null) => Ok(Selector::All),
            Some(Value::String(text)) => Selector::parse(text).map_err(|e| e.to_string()),
            Some(_) => Err("the selector is not a string".to_string()),
        };
        parsed.unwrap_or_else(|error| {
            self.unreadable.push(Unreadable {
                object: index,
                pointer,
                error,
            });
            Selector::All
        })
    }

    /// Whether any policy selects the pod.
    pub(crate) fn selects(&self, pod: &Pod<'_>) -> bool {
        let namespace_labels = self.namespace_labels_of(pod.namespace);
        let namespaced = self
            .namespaced
            .get(&pod.namespace)
            .map_or(&[][..], Vec::as_slice);
        let mut cilium_labels = None;
        let mut cilium = |selector: &LabelSelector<'_>| {
            let labels =
                cilium_labels.get_or_insert_with(|| cilium_pod_labels(pod, &namespace_labels));
            selector.matches(Some(labels))
        };
        let calico_pod = |key: &str| calico_pod_label(pod, key);
        let calico_namespace = |key: &str| {
            namespace_labels
                .get(key)
                .and_then(Value::as_str)
                .or_else(|| (key == "projectcalico.org/name").then_some(pod.namespace?))
        };
        let in_namespace = namespaced.iter().any(|selector| match selector {
            PodMatch::Kubernetes(s) => s.matches(pod.labels),
            PodMatch::Cilium(s) => cilium(s),
            PodMatch::Calico(s) => s.matches(&calico_pod),
        });
        in_namespace
            || self.cluster.iter().any(|selector| match selector {
                ClusterMatch::Cilium(s) => cilium(s),
                ClusterMatch::Calico { namespaces, pods } => {
                    pod.namespace.is_some()
                        && namespaces.matches(&calico_namespace)
                        && pods.matches(&calico_pod)
                }
                ClusterMatch::Admin { namespaces, pods } => {
                    namespaces.matches(Some(&namespace_labels)) && pods.matches(pod.labels)
                }
            })
    }

    /// A namespace's labels: its Namespace object's, and the name label the API server sets.
    /// Empty for a pod without a namespace, which only selectors of every namespace select.
    fn namespace_labels_of(&self, namespace: Option<&str>) -> Map<String, Value> {
        let Some(name) = namespace else {
            return Map::new();
        };
        let mut labels = self
            .namespace_labels
            .get(name)
            .map(|l| (*l).clone())
            .unwrap_or_default();
        labels.insert(
            "kubernetes.io/metadata.name".to_string(),
            Value::String(name.to_string()),
        );
        labels
    }
}

/// The endpoint selectors of a Cilium policy (`spec` and each of `specs`). Rules with a
/// `nodeSelector` select nodes (host policies), and rules whose `enableDefaultDeny` turns off
/// both directions leave the pods they select open; neither counts.
fn cilium_selectors(policy: &Object) -> Vec<LabelSelector<'_>> {
    if policy.group() != CILIUM_GROUP {
        return Vec::new();
    }
    let specs = policy.value.get("spec").into_iter().chain(
        policy
            .at("/specs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    specs
        .filter(|spec| {
            let deny = spec.get("enableDefaultDeny");
            let off = |d: &str| deny.and_then(|v| v.get(d)) == Some(&Value::Bool(false));
            !(off("ingress") && off("egress"))
        })
        .filter_map(|spec| spec.get("endpointSelector"))
        .filter_map(|selector| LabelSelector::parse(Some(selector)))
        .map(|selector| selector.strip_key_prefixes(&["k8s:", "any:"]))
        .collect()
}

/// The pod's labels as Cilium sees them (see the module documentation).
fn cilium_pod_labels(pod: &Pod<'_>, namespace_labels: &Map<String, Value>) -> Map<String, Value> {
    let mut labels = pod.labels.cloned().unwrap_or_default();
    if let Some(namespace) = pod.namespace {
        labels.insert(
            "io.kubernetes.pod.namespace".to_string(),
            Value::String(namespace.to_string()),
        );
    }
    for (key, value) in namespace_labels {
        labels.insert(
            format!("io.cilium.k8s.namespace.labels.{key}"),
            value.clone(),
        );
    }
    labels.insert(
        "io.cilium.k8s.policy.serviceaccount".to_string(),
        Value::String(pod.service_account.to_string()),
    );
    labels
}

/// A pod label as Calico sees it (see the module documentation).
fn calico_pod_label<'p>(pod: &Pod<'p>, key: &str) -> Option<&'p str> {
    match key {
        "projectcalico.org/namespace" => pod.namespace,
        "projectcalico.org/orchestrator" => Some("k8s"),
        "projectcalico.org/serviceaccount" => Some(pod.service_account),
        _ => pod.labels?.get(key)?.as_str(),
    }
}

/// The `spec.subject` of an AdminNetworkPolicy, BaselineAdminNetworkPolicy or
/// ClusterNetworkPolicy: every pod of the selected namespaces, or the selected pods of them.
fn admin_subject(policy: &Object) -> Option<ClusterMatch<'_>> {
    if policy.group() != ADMIN_GROUP {
        return None;
    }
    let subject = policy.at("/spec/subject")?;
    if let Some(namespaces) = subject.get("namespaces") {
        return Some(ClusterMatch::Admin {
            namespaces: LabelSelector::parse(Some(namespaces))?,
            pods: LabelSelector::default(),
        });
    }
    let pods = subject.get("pods")?;
    Some(ClusterMatch::Admin {
        namespaces: LabelSelector::parse(pods.get("namespaceSelector"))?,
        pods: LabelSelector::parse(pods.get("podSelector"))?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::snapshot::Snapshot;
    use crate::test_support::object;
    use palisade_model::PodTemplates;

    /// Whether the policies select a pod labelled `app: web` with ServiceAccount `web` in
    /// `namespace`, the Namespace `shop` being labelled `env: prod`.
    fn selects(policies: &[Value], namespace: Option<&str>) -> bool {
        let mut objects: Vec<Object> = policies.iter().cloned().map(object).collect();
        objects.push(object(json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "shop", "labels": {"env": "prod"}},
        })));
        let snapshot = Snapshot::new(&objects, PodTemplates::built_in());
        let isolation = Isolation::new(&snapshot);
        let labels = json!({"app": "web"});
        isolation.selects(&Pod {
            namespace,
            labels: labels.as_object(),
            service_account: "web",
        })
    }

    fn policy(api_version: &str, kind: &str, namespace: Option<&str>, spec: Value) -> Value {
        let mut metadata = json!({"name": "p"});
        if let Some(ns) = namespace {
            metadata["namespace"] = json!(ns);
        }
        json!({"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec})
    }

    fn cilium(spec: Value) -> Value {
        policy("cilium.io/v2", "CiliumNetworkPolicy", Some("shop"), spec)
    }

    fn calico(selector: &str) -> Value {
        policy(
            "projectcalico.org/v3",
            "NetworkPolicy",
            Some("shop"),
            json!({"selector": selector}),
        )
    }

    fn global(spec: Value) -> Value {
        policy(
            "crd.projectcalico.org/v1",
            "GlobalNetworkPolicy",
            None,
            spec,
        )
    }

    fn admin(api_version: &str, kind: &str, subject: Value) -> Value {
        policy(api_version, kind, None, json!({"subject": subject}))
    }

    #[test]
    fn policies_of_every_api_select_pods_as_their_plugins_do() {
        let anp = |s| admin("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", s);
        let cnp = |s| {
            admin(
                "policy.networking.k8s.io/v1alpha2",
                "ClusterNetworkPolicy",
                s,
            )
        };
        let cases: Vec<(&str, Value, bool)> = vec![
            (
                "cilium: empty selector",
                cilium(json!({"endpointSelector": {}})),
                true,
            ),
            (
                "cilium: k8s: prefix",
                cilium(json!({"endpointSelector": {"matchLabels": {"k8s:app": "web"}}})),
                true,
            ),
            (
                "cilium: other app",
                cilium(json!({"endpointSelector": {"matchLabels": {"app": "db"}}})),
                false,
            ),
            (
                "cilium: specs list",
                json!({
                    "apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                    "metadata": {"name": "p", "namespace": "shop"},
                    "specs": [{"endpointSelector": {"matchLabels": {"any:app": "web"}}}],
                }),
                true,
            ),
            (
                "cilium: node selector is a host policy",
                cilium(json!({"nodeSelector": {}})),
                false,
            ),
            (
                "cilium: default deny turned off",
                cilium(
                    json!({"endpointSelector": {}, "enableDefaultDeny": {"ingress": false, "egress": false}}),
                ),
                false,
            ),
            (
                "cilium: other namespace",
                policy(
                    "cilium.io/v2",
                    "CiliumNetworkPolicy",
                    Some("other"),
                    json!({"endpointSelector": {}}),
                ),
                false,
            ),
            (
                "cilium clusterwide: by namespace label",
                policy(
                    "cilium.io/v2",
                    "CiliumClusterwideNetworkPolicy",
                    None,
                    json!({"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "shop"}}}),
                ),
                true,
            ),
            (
                "cilium clusterwide: by namespace's own label",
                policy(
                    "cilium.io/v2",
                    "CiliumClusterwideNetworkPolicy",
                    None,
                    json!({"endpointSelector": {"matchLabels": {"io.cilium.k8s.namespace.labels.env": "prod"}}}),
                ),
                true,
            ),
            (
                "cilium clusterwide: other namespace",
                policy(
                    "cilium.io/v2",
                    "CiliumClusterwideNetworkPolicy",
                    None,
                    json!({"endpointSelector": {"matchLabels": {"io.kubernetes.pod.namespace": "other"}}}),
                ),
                false,
            ),
            (
                "calico: no selector",
                policy(
                    "projectcalico.org/v3",
                    "NetworkPolicy",
                    Some("shop"),
                    json!({}),
                ),
                true,
            ),
            ("calico: all()", calico("all()"), true),
            ("calico: equality", calico("app == 'web'"), true),
            ("calico: other app", calico("app == 'db'"), false),
            (
                "calico: service account",
                calico("projectcalico.org/serviceaccount == 'web'"),
                true,
            ),
            (
                "calico: unreadable is conservative",
                calico("app === 'db'"),
                true,
            ),
            (
                "calico: other group is not calico",
                policy(
                    "example.com/v1",
                    "NetworkPolicy",
                    Some("shop"),
                    json!({"selector": "all()"}),
                ),
                false,
            ),
            (
                "calico global: all()",
                global(json!({"selector": "all()"})),
                true,
            ),
            (
                "calico global: namespace selector",
                global(json!({"namespaceSelector": "env == 'prod'", "selector": "has(app)"})),
                true,
            ),
            (
                "calico global: namespace by name",
                global(json!({"namespaceSelector": "projectcalico.org/name == 'other'"})),
                false,
            ),
            (
                "calico global: host endpoints only",
                global(json!({"selector": "all()", "preDNAT": true})),
                false,
            ),
            (
                "admin: namespaces",
                anp(
                    json!({"namespaces": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}}}),
                ),
                true,
            ),
            (
                "admin: other namespaces",
                anp(json!({"namespaces": {"matchLabels": {"env": "dev"}}})),
                false,
            ),
            (
                "admin: pods",
                anp(
                    json!({"pods": {"namespaceSelector": {"matchLabels": {"env": "prod"}}, "podSelector": {"matchLabels": {"app": "web"}}}}),
                ),
                true,
            ),
            (
                "admin: other pods",
                anp(
                    json!({"pods": {"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "db"}}}}),
                ),
                false,
            ),
            (
                "baseline admin: every namespace",
                admin(
                    "policy.networking.k8s.io/v1alpha1",
                    "BaselineAdminNetworkPolicy",
                    json!({"namespaces": {}}),
                ),
                true,
            ),
            (
                "cluster network policy",
                cnp(json!({"namespaces": {"matchLabels": {"env": "prod"}}})),
                true,
            ),
            ("no subject", cnp(json!(null)), false),
        ];
        for (name, policy, want) in cases {
            assert_eq!(selects(&[policy], Some("shop")), want, "{name}");
        }
    }

    #[test]
    fn pods_without_a_namespace_are_selected_only_by_every_namespace() {
        let any = global(json!({"selector": "app == 'web'"}));
        let prod = global(json!({"namespaceSelector": "env == 'prod'"}));
        let admin_all = admin(
            "policy.networking.k8s.io/v1alpha1",
            "AdminNetworkPolicy",
            json!({"namespaces": {}}),
        );
        // Calico never applies a global policy to a pod it cannot place in a namespace.
        assert!(!selects(&[any], None));
        assert!(!selects(&[prod], None));
        assert!(selects(&[admin_all], None));
        let unnamespaced = policy(
            "cilium.io/v2",
            "CiliumNetworkPolicy",
            None,
            json!({"endpointSelector": {}}),
        );
        assert!(selects(&[unnamespaced], None));
    }

    #[test]
    fn unreadable_calico_selectors_are_recorded() {
        let objects = vec![
            object(calico("app ==")),
            object(global(json!({"namespaceSelector": 7}))),
        ];
        let snapshot = Snapshot::new(&objects, PodTemplates::built_in());
        let isolation = Isolation::new(&snapshot);
        let found: Vec<(usize, &str)> = isolation
            .unreadable
            .iter()
            .map(|u| (u.object, u.pointer))
            .collect();
        assert_eq!(
            found,
            [(0, "/spec/selector"), (1, "/spec/namespaceSelector")]
        );
    }
}
