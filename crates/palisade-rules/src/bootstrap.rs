//! Kubernetes' own RBAC defaults, which every cluster has and an export of one holds: the
//! `cluster-admin` ClusterRole and its binding to `system:masters`, the `system:*` roles of the
//! control plane's components and controllers, and the user-facing `admin`, `edit` and `view`.
//! The RBAC rules would report them many times over for what is by design; they are recognised
//! by name, the `kubernetes.io/bootstrapping: rbac-defaults` label and their exact content
//! together, so that a look-alike, or a default someone edited, gets every finding a role of
//! its own would.
//!
//! The content is data read from a fresh API server (`palisade_rbac::defaults`, written by
//! `testenv/cluster/bootstrap-rbac.sh`); a default that differs in another Kubernetes version
//! is reported as any other role.

use palisade_model::Object;
use serde_json::Value;

/// The fields that make a default what it is: a role's rules (or, when a controller aggregates
/// them, its aggregation rule), a binding's role and subjects.
const CONTENT: [&str; 4] = ["aggregationRule", "rules", "roleRef", "subjects"];

/// Whether Kubernetes creates an RBAC object of this kind, namespace (`""` for cluster
/// scope) and name in every cluster: a binding may refer to it without the input holding it.
pub fn is_bootstrap_name(kind: &str, namespace: &str, name: &str) -> bool {
    palisade_rbac::defaults::entry(kind, namespace, name).is_some()
}

/// Whether `object` is one of Kubernetes' own RBAC defaults, as the API server creates it.
pub fn is_bootstrap_default(object: &Object) -> bool {
    let labelled = object
        .labels()
        .and_then(|l| l.get("kubernetes.io/bootstrapping"))
        .and_then(Value::as_str)
        == Some("rbac-defaults");
    if !labelled || object.group() != "rbac.authorization.k8s.io" {
        return false;
    }
    let Some(default) = palisade_rbac::defaults::entry(
        &object.kind,
        object.namespace().unwrap_or(""),
        object.name(),
    ) else {
        return false;
    };
    let aggregated = default.get("aggregationRule").is_some();
    CONTENT.iter().all(|field| {
        // An aggregated role's rules are whatever the controller collected: the rule decides.
        if aggregated && *field == "rules" {
            return true;
        }
        object.value.get(*field) == default.get(*field)
    })
}

#[cfg(test)]
mod tests {
    use crate::test_support::object;

    use super::*;
    use serde_json::json;

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

    #[test]
    fn the_control_planes_roles_and_the_aggregated_ones_are_recognised_by_content() {
        let label = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
        let scheduler = palisade_rbac::defaults::entry("ClusterRole", "", "system:kube-scheduler")
            .expect("the data has the scheduler's role");
        let as_served = |name: &str, content: &Value| {
            let mut value = json!({
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": name, "labels": label},
            });
            for field in CONTENT {
                if let Some(v) = content.get(field) {
                    value[field] = v.clone();
                }
            }
            object(value)
        };
        assert!(is_bootstrap_default(&as_served(
            "system:kube-scheduler",
            scheduler
        )));
        // The same content under another name is a role of its own.
        assert!(!is_bootstrap_default(&as_served(
            "scheduler-copy",
            scheduler
        )));
        // An edited default is reported.
        let mut edited = scheduler.clone();
        edited["rules"][0]["verbs"] = json!(["*"]);
        assert!(!is_bootstrap_default(&as_served(
            "system:kube-scheduler",
            &edited
        )));
        // `admin` is aggregated: whatever rules the controller collected, its rule decides.
        let admin =
            palisade_rbac::defaults::entry("ClusterRole", "", "admin").expect("the data has admin");
        let mut collected = admin.clone();
        collected["rules"] =
            json!([{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["*"]}]);
        assert!(is_bootstrap_default(&as_served("admin", &collected)));
    }

    #[test]
    fn the_data_holds_every_kind_of_default() {
        let defaults = palisade_rbac::defaults::objects();
        let kinds: std::collections::BTreeSet<&str> =
            defaults.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]
        );
        assert!(defaults.len() > 100, "{}", defaults.len());
    }
}
