//! Which objects Palisade knows what to do with, so that the rest are named in a notice
//! rather than passed in silence: a custom resource nobody reads looks exactly like a clean
//! one in a report.

use palisade_model::{Object, kinds};

use crate::engine::Engine;

/// The custom resources the rules read, besides those with pod templates: the network
/// policies of Cilium, Calico and the Network Policy API, by API group and kind.
pub const ADD_ON_KINDS: &[(&str, &str)] = &[
    ("cilium.io", "CiliumNetworkPolicy"),
    ("cilium.io", "CiliumClusterwideNetworkPolicy"),
    ("projectcalico.org", "NetworkPolicy"),
    ("projectcalico.org", "GlobalNetworkPolicy"),
    ("crd.projectcalico.org", "NetworkPolicy"),
    ("crd.projectcalico.org", "GlobalNetworkPolicy"),
    ("policy.networking.k8s.io", "AdminNetworkPolicy"),
    ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"),
    ("policy.networking.k8s.io", "ClusterNetworkPolicy"),
];

impl Engine {
    /// Whether the object is of a kind Palisade knows: one Kubernetes serves (a built-in
    /// group with a kind it does not serve is a malformed object, reported as such), one with
    /// pod specs where the pod-template table or the controller shape finds them, or a
    /// custom resource the rules read.
    pub fn recognises(&self, object: &Object) -> bool {
        let group = object.group();
        kinds::is_built_in_group(group)
            || ADD_ON_KINDS.contains(&(group, object.kind.as_str()))
            || self.settings().pod_templates.location_of(object).is_some()
            || !self.pod_specs(object).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Check;
    use crate::registry::RULES;
    use crate::test_support::object;

    #[test]
    fn every_kind_a_rule_reads_is_built_in_or_listed_as_an_add_on() {
        for rule in RULES {
            let kinds = match &rule.check {
                Check::Object { kinds, .. } | Check::Set { kinds, .. } => *kinds,
                _ => continue,
            };
            for kind in kinds.iter().filter(|k| **k != crate::CUSTOM_RESOURCES) {
                let built_in = kinds::groups_serving(kind).next().is_some();
                let add_on = ADD_ON_KINDS.iter().any(|(_, k)| k == kind);
                assert!(
                    built_in || add_on,
                    "{} reads {kind}, which is neither built in nor an add-on kind",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn custom_resources_nothing_reads_are_not_recognised() {
        let engine = Engine::new(crate::Settings::default());
        let known = [
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),
            json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "a"}}),
            json!({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "a"}}),
            json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "a"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Runner", "metadata": {"name": "a"},
                   "spec": {"template": {"spec": {"containers": []}}}}),
        ];
        for value in known {
            assert!(engine.recognises(&object(value.clone())), "{value}");
        }
        let unknown = [
            json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "a"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Ingress", "metadata": {"name": "a"}}),
        ];
        for value in unknown {
            assert!(!engine.recognises(&object(value.clone())), "{value}");
        }
    }
}
