//! Kubernetes' own RBAC defaults, which every cluster has and an export of one holds: the
//! `cluster-admin` ClusterRole and its binding to `system:masters`. The RBAC rules would report
//! each of them many times over for what is by design the cluster's superuser; they are
//! recognised by name, the `kubernetes.io/bootstrapping: rbac-defaults` label and their exact
//! content together, so that a look-alike gets every finding a role of its own would.

use palisade_model::Object;
use serde_json::{Value, json};

/// Whether `object` is one of the bootstrap RBAC defaults this module knows, as the API server
/// creates it.
pub fn is_bootstrap_default(object: &Object) -> bool {
    let labelled = object
        .labels()
        .and_then(|l| l.get("kubernetes.io/bootstrapping"))
        .and_then(Value::as_str)
        == Some("rbac-defaults");
    if !labelled
        || object.group() != "rbac.authorization.k8s.io"
        || object.name() != "cluster-admin"
    {
        return false;
    }
    let value = &object.value;
    match object.kind.as_str() {
        "ClusterRole" => {
            value.get("rules")
                == Some(&json!([
                    {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                    {"nonResourceURLs": ["*"], "verbs": ["*"]},
                ]))
                && value.get("aggregationRule").is_none()
        }
        "ClusterRoleBinding" => {
            value.get("roleRef")
                == Some(&json!({
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "cluster-admin",
                }))
                && value.get("subjects")
                    == Some(&json!([{
                        "apiGroup": "rbac.authorization.k8s.io",
                        "kind": "Group",
                        "name": "system:masters",
                    }]))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::object;

    use super::*;

    fn role(labels: Value, rules: Value) -> Object {
        object(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "cluster-admin", "labels": labels},
            "rules": rules,
        }))
    }

    fn binding(subjects: Value) -> Object {
        object(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": subjects,
        }))
    }

    #[test]
    fn only_the_exact_defaults_are_recognised() {
        let label = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
        let all = json!([
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
            {"nonResourceURLs": ["*"], "verbs": ["*"]},
        ]);
        let masters = json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]);
        assert!(is_bootstrap_default(&role(label.clone(), all.clone())));
        assert!(is_bootstrap_default(&binding(masters)));
        // The name alone, or the label on other content, is not enough.
        assert!(!is_bootstrap_default(&role(json!({}), all)));
        assert!(!is_bootstrap_default(&role(label, json!([]))));
        assert!(!is_bootstrap_default(&binding(json!([
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"},
            {"kind": "ServiceAccount", "name": "ci", "namespace": "ci"},
        ]))));
    }
}
