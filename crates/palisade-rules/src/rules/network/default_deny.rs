//! Which traffic directions the network policies of the input deny, by default, to every pod
//! of a namespace, whatever API they are written in (see `isolation` for the APIs and the
//! labels each plugin matches on).
//!
//! A policy counts for a namespace when it selects every pod of it whatever the pods' labels:
//! an empty selector, or one that only names the namespace. It counts for a direction when it
//! isolates that direction and has no rule that lets everything through in it:
//!
//! - Kubernetes NetworkPolicy: `podSelector: {}`; `policyTypes` (as the API server defaults
//!   it); an empty rule (`- {}`) allows everything.
//! - Calico NetworkPolicy and GlobalNetworkPolicy (in the namespaces its `namespaceSelector`
//!   selects): `types` (defaulted the same way); an `Allow` rule with nothing else allows
//!   everything.
//! - CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy: an `ingress` / `egress` (or
//!   `…Deny`) section, unless `enableDefaultDeny` turns the direction off; a rule with the
//!   entity `all` allows everything.
//! - AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy whose subject is
//!   the whole namespace: a `Deny` ingress rule from every namespace (`namespaces: {}`), and a
//!   `Deny` egress rule to every address (`0.0.0.0/0` or `::/0`).

use serde_json::{Map, Value};

use super::calico_selector::Selector;
use super::is_whole_address_space;
use super::policy::{Directions, allows_all, is_network_policy, pod_selector, policy_types};
use super::selector::LabelSelector;
use crate::snapshot::Snapshot;

const CALICO_GROUPS: &[&str] = &["projectcalico.org", "crd.projectcalico.org"];

/// The kinds read here, for `Check::Set`.
pub(crate) const KINDS: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "GlobalNetworkPolicy",
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "ClusterNetworkPolicy",
];

/// The directions denied by default to every pod of `namespace`.
pub(crate) fn default_deny(snapshot: &Snapshot<'_>, namespace: &str) -> Directions {
    let labels = namespace_labels(snapshot, namespace);
    let mut covered = Directions::default();
    let mut add = |d: Directions| {
        covered.ingress |= d.ingress;
        covered.egress |= d.egress;
    };
    for (_, policy) in snapshot.in_namespace(namespace, "NetworkPolicy") {
        if is_network_policy(policy) {
            if pod_selector(policy).is_some_and(|s| s.is_empty()) {
                let types = policy_types(policy);
                add(Directions {
                    ingress: types.ingress && !allows_all(policy, "ingress"),
                    egress: types.egress && !allows_all(policy, "egress"),
                });
            }
        } else if CALICO_GROUPS.contains(&policy.group()) {
            add(calico(&policy.value, namespace));
        }
    }
    for (_, policy) in snapshot.of_kind("GlobalNetworkPolicy") {
        if !CALICO_GROUPS.contains(&policy.group()) {
            continue;
        }
        let selected = calico_selector(policy.at("/spec/namespaceSelector"))
            .is_some_and(|s| s.matches(&|key| namespace_label(&labels, namespace, key)));
        if selected {
            add(calico(&policy.value, namespace));
        }
    }
    for (_, policy) in snapshot.in_namespace(namespace, "CiliumNetworkPolicy") {
        add(cilium(&policy.value, &labels, namespace));
    }
    for (_, policy) in snapshot.of_kind("CiliumClusterwideNetworkPolicy") {
        add(cilium(&policy.value, &labels, namespace));
    }
    for kind in [
        "AdminNetworkPolicy",
        "BaselineAdminNetworkPolicy",
        "ClusterNetworkPolicy",
    ] {
        for (_, policy) in snapshot.of_kind(kind) {
            if policy.group() == "policy.networking.k8s.io" {
                add(admin(&policy.value, &labels));
            }
        }
    }
    covered
}

/// The namespace's labels: its Namespace object's, and the name label the API server sets.
fn namespace_labels(snapshot: &Snapshot<'_>, namespace: &str) -> Map<String, Value> {
    let mut labels = snapshot
        .of_kind("Namespace")
        .find(|(_, o)| o.group().is_empty() && o.name() == namespace)
        .and_then(|(_, o)| o.labels().cloned())
        .unwrap_or_default();
    labels.insert(
        "kubernetes.io/metadata.name".to_string(),
        Value::String(namespace.to_string()),
    );
    labels
}

fn namespace_label<'l>(
    labels: &'l Map<String, Value>,
    namespace: &'l str,
    key: &str,
) -> Option<&'l str> {
    match key {
        "projectcalico.org/name" => Some(namespace),
        _ => labels.get(key).and_then(Value::as_str),
    }
}

/// A Calico selector (absent: `all()`); `None` when it cannot be read.
fn calico_selector(value: Option<&Value>) -> Option<Selector> {
    match value {
        None | Some(Value::Null) => Some(Selector::All),
        Some(Value::String(text)) => Selector::parse(text).ok(),
        Some(_) => None,
    }
}

/// What a Calico policy denies to every pod of `namespace`.
fn calico(policy: &Value, namespace: &str) -> Directions {
    let spec = policy.get("spec");
    let Some(selector) = calico_selector(spec.and_then(|s| s.get("selector"))) else {
        return Directions::default();
    };
    // Only the labels Calico adds itself: the selector must hold whatever the pod's own are.
    let own = [
        "projectcalico.org/namespace",
        "projectcalico.org/orchestrator",
    ];
    let every_pod = selector.keys().iter().all(|k| own.contains(k))
        && selector.matches(&|key| match key {
            "projectcalico.org/namespace" => Some(namespace),
            "projectcalico.org/orchestrator" => Some("k8s"),
            _ => None,
        });
    if !every_pod {
        return Directions::default();
    }
    let rules = |direction: &str| {
        spec.and_then(|s| s.get(direction))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let types = match spec.and_then(|s| s.get("types")).and_then(Value::as_array) {
        Some(types) if !types.is_empty() => Directions {
            ingress: types.iter().any(|t| t.as_str() == Some("Ingress")),
            egress: types.iter().any(|t| t.as_str() == Some("Egress")),
        },
        _ => Directions {
            ingress: true,
            egress: !rules("egress").is_empty(),
        },
    };
    let allows_everything = |direction: &str| {
        rules(direction).iter().any(|rule| {
            let only_action = rule.as_object().is_some_and(|r| {
                r.iter().all(|(key, value)| {
                    key == "action"
                        || key == "metadata"
                        || value.as_object().is_some_and(Map::is_empty)
                })
            });
            rule.get("action").and_then(Value::as_str) == Some("Allow") && only_action
        })
    };
    Directions {
        ingress: types.ingress && !allows_everything("ingress"),
        egress: types.egress && !allows_everything("egress"),
    }
}

/// What a Cilium policy (either kind) denies to every pod of `namespace`.
fn cilium(policy: &Value, labels: &Map<String, Value>, namespace: &str) -> Directions {
    if policy
        .pointer("/apiVersion")
        .and_then(Value::as_str)
        .is_none_or(|v| !v.starts_with("cilium.io/"))
    {
        return Directions::default();
    }
    let mut pod = Map::new();
    pod.insert(
        "io.kubernetes.pod.namespace".to_string(),
        Value::String(namespace.to_string()),
    );
    for (key, value) in labels {
        pod.insert(
            format!("io.cilium.k8s.namespace.labels.{key}"),
            value.clone(),
        );
    }
    let specs = policy.get("spec").into_iter().chain(
        policy
            .get("specs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    let mut covered = Directions::default();
    for spec in specs {
        let Some(selector) = spec
            .get("endpointSelector")
            .and_then(|s| LabelSelector::parse(Some(s)))
            .map(|s| s.strip_key_prefixes(&["k8s:", "any:"]))
        else {
            continue;
        };
        let namespace_only = selector.keys().all(|k| {
            k == "io.kubernetes.pod.namespace" || k.starts_with("io.cilium.k8s.namespace.labels.")
        });
        if !namespace_only || !selector.matches(Some(&pod)) {
            continue;
        }
        let direction = |name: &str, entities: &str| {
            let deny_off =
                spec.pointer(&format!("/enableDefaultDeny/{name}")) == Some(&Value::Bool(false));
            let section = |key: &str| spec.get(key).and_then(Value::as_array);
            let present = section(name).is_some() || section(&format!("{name}Deny")).is_some();
            let open = section(name).into_iter().flatten().any(|rule| {
                rule.get(entities)
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.iter().any(|e| e.as_str() == Some("all")))
            });
            present && !deny_off && !open
        };
        covered.ingress |= direction("ingress", "fromEntities");
        covered.egress |= direction("egress", "toEntities");
    }
    covered
}

/// What an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy denies to
/// every pod of the namespace with these labels.
fn admin(policy: &Value, labels: &Map<String, Value>) -> Directions {
    let Some(subject) = policy.pointer("/spec/subject") else {
        return Directions::default();
    };
    let whole_namespace = match (subject.get("namespaces"), subject.get("pods")) {
        (Some(namespaces), _) => {
            LabelSelector::parse(Some(namespaces)).is_some_and(|s| s.matches(Some(labels)))
        }
        (None, Some(pods)) => {
            pods.get("namespaceSelector")
                .and_then(|s| LabelSelector::parse(Some(s)))
                .is_some_and(|s| s.matches(Some(labels)))
                && pods
                    .get("podSelector")
                    .and_then(|s| LabelSelector::parse(Some(s)))
                    .is_some_and(|s| s.is_empty())
        }
        (None, None) => false,
    };
    if !whole_namespace {
        return Directions::default();
    }
    let denies = |direction: &str, peers: &str, everything: &dyn Fn(&Value) -> bool| {
        policy
            .pointer(&format!("/spec/{direction}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|rule| rule.get("action").and_then(Value::as_str) == Some("Deny"))
            .flat_map(|rule| {
                rule.get(peers)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .any(everything)
    };
    let every_namespace = |peer: &Value| {
        peer.get("namespaces").is_some_and(|s| {
            !s.is_null() && LabelSelector::parse(Some(s)).is_some_and(|s| s.is_empty())
        })
    };
    let every_address = |peer: &Value| {
        peer.get("networks")
            .and_then(Value::as_array)
            .is_some_and(|n| {
                n.iter()
                    .filter_map(Value::as_str)
                    .any(is_whole_address_space)
            })
    };
    Directions {
        ingress: denies("ingress", "from", &every_namespace),
        egress: denies("egress", "to", &every_address),
    }
}
