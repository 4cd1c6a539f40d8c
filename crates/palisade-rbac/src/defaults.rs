//! The RBAC objects a fresh API server creates for itself (label
//! `kubernetes.io/bootstrapping: rbac-defaults`): `cluster-admin` and its binding to
//! `system:masters`, `admin`/`edit`/`view` and the roles aggregated into them, the control
//! plane's `system:*` roles and bindings. Read from a real API server by
//! `testenv/cluster/bootstrap-rbac.sh` (`data/bootstrap-rbac.json`), so offline answers match a
//! fresh cluster's.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use palisade_model::{Object, Origin};
use serde_json::{Map, Value, json};

struct Data {
    version: String,
    /// Each default by (kind, namespace, name), as the data file has it.
    entries: HashMap<(String, String, String), Value>,
    objects: Vec<Object>,
}

static DATA: LazyLock<Data> = LazyLock::new(|| {
    let parsed: Value =
        serde_json::from_str(include_str!("../data/bootstrap-rbac.json")).unwrap_or(Value::Null);
    let version = parsed
        .get("kubernetesVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let origin = Origin {
        path: Arc::from(format!("<Kubernetes {version} defaults>")),
        document: 0,
        item: None,
        template: None,
    };
    let mut entries = HashMap::new();
    let mut objects = Vec::new();
    for entry in parsed
        .get("objects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let field = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or("");
        let key = (
            field("kind").to_string(),
            field("namespace").to_string(),
            field("name").to_string(),
        );
        if key.0.is_empty() {
            continue;
        }
        if let Ok(object) = Object::detached(as_object(entry), origin.clone()) {
            objects.push(object);
        }
        entries.insert(key, entry.clone());
    }
    Data {
        version,
        entries,
        objects,
    }
});

/// The data entry as the object the API server serves.
fn as_object(entry: &Value) -> Value {
    let mut metadata = Map::new();
    for key in ["name", "namespace"] {
        if let Some(value) = entry.get(key) {
            metadata.insert(key.to_string(), value.clone());
        }
    }
    let mut labels = entry
        .get("labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert(
        "kubernetes.io/bootstrapping".to_string(),
        Value::from("rbac-defaults"),
    );
    metadata.insert("labels".to_string(), Value::Object(labels));
    let mut object = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": entry.get("kind").cloned().unwrap_or(Value::Null),
        "metadata": metadata,
    });
    for key in ["rules", "aggregationRule", "roleRef", "subjects"] {
        if let (Some(value), Some(map)) = (entry.get(key), object.as_object_mut()) {
            map.insert(key.to_string(), value.clone());
        }
    }
    object
}

/// The Kubernetes version the defaults were read from (`v1.37.2`).
pub fn version() -> &'static str {
    &DATA.version
}

/// The defaults as objects.
pub fn objects() -> &'static [Object] {
    &DATA.objects
}

/// The data entry of a default: its content (`rules` or `aggregationRule`, `roleRef`,
/// `subjects`) by kind, namespace (`""` for cluster scope) and name.
pub fn entry(kind: &str, namespace: &str, name: &str) -> Option<&'static Value> {
    DATA.entries
        .get(&(kind.to_string(), namespace.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_hold_cluster_admin_and_its_binding_to_system_masters() {
        assert!(version().starts_with("v1."), "{}", version());
        assert!(objects().len() > 100, "{}", objects().len());
        let binding = entry("ClusterRoleBinding", "", "cluster-admin").expect("the binding");
        assert_eq!(binding["subjects"][0]["name"], "system:masters");
        assert!(entry("ClusterRole", "", "view").is_some());
        assert!(entry("ClusterRole", "", "no-such-role").is_none());
    }
}
