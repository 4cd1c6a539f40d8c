//! What the continuous audit needs (`--audit-interval`): read access to every kind the rules
//! read, cluster-wide, and write access to Palisade's OpenReports objects. Nothing else: no
//! watch, no write outside openreports.io, and no Secrets: listing them, even as metadata only,
//! needs the `list` permission that also reads every value, which a webhook pod must not hold.

use std::collections::BTreeMap;

use palisade_cluster::WANTED;
use serde_json::{Value, json};

use super::manifests::{Install, NAME};

/// The ClusterRole and its binding to Palisade's ServiceAccount.
pub(super) fn objects(install: &Install<'_>) -> [Value; 2] {
    let mut by_group: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for kind in WANTED.iter().filter(|k| !k.metadata_only) {
        let resources = by_group.entry(kind.group).or_default();
        let resource = kind.resource();
        if !resources.contains(&resource) {
            resources.push(resource);
        }
    }
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(group, mut resources)| {
            resources.sort();
            json!({ "apiGroups": [group], "resources": resources, "verbs": ["get", "list"] })
        })
        .collect();
    rules.push(json!({
        "apiGroups": ["openreports.io"],
        "resources": ["reports", "clusterreports"],
        "verbs": ["get", "create", "patch", "update"],
    }));
    let name = format!("{NAME}-audit");
    let mut metadata = install.metadata(&name);
    if let Value::Object(map) = &mut metadata {
        // Cluster-scoped: the name says whose it is, not a namespace.
        map.remove("namespace");
    }
    let role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": metadata.clone(),
        "rules": rules,
    });
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": metadata,
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name },
        "subjects": [{ "kind": "ServiceAccount", "name": NAME, "namespace": install.namespace }],
    });
    [role, binding]
}
