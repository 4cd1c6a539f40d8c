//! Pods and the workloads that own them: a pod a controller made is reported once, on the
//! workload at the top of its owner chain (Deployment → ReplicaSet → Pod), with a count.

use std::collections::HashMap;

use palisade_model::{Object, ObjectRef};
use serde_json::Value;

/// Kinds nothing else in the catalog owns: listed first.
const TOP: [&str; 5] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "ReplicationController",
];
/// Kinds a top-level workload may own, and that own pods: listed second.
const MIDDLE: [&str; 2] = ["ReplicaSet", "Job"];

/// The order of listing: the top owners, then what they own, then the rest.
pub(crate) fn phase(kind: &str) -> usize {
    if TOP.contains(&kind) {
        0
    } else if MIDDLE.contains(&kind) {
        1
    } else {
        2
    }
}

/// What became of an object read from the cluster.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Checked on its own.
    Checked,
    /// Owned by a listed workload: its findings are that workload's template's findings.
    Collapsed,
}

/// Owners seen so far, by UID, each mapped to the workload reported for it.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    reported_as: HashMap<String, ObjectRef>,
    /// Pods counted on each reported workload.
    pub pods: HashMap<ObjectRef, usize>,
}

impl Owners {
    /// Records an object and says whether it is checked on its own.
    pub fn place(&mut self, object: &Object) -> Fate {
        let top = controller_uid(object).and_then(|uid| self.reported_as.get(uid).cloned());
        let kind = object.kind.as_str();
        let is_owner = TOP.contains(&kind) || MIDDLE.contains(&kind);
        match top {
            Some(top) if kind == "Pod" && object.group().is_empty() => {
                *self.pods.entry(top).or_default() += 1;
                Fate::Collapsed
            }
            Some(top) if is_owner => {
                if let Some(uid) = uid(object) {
                    self.reported_as.insert(uid.to_string(), top);
                }
                Fate::Collapsed
            }
            _ => {
                if is_owner && let Some(uid) = uid(object) {
                    self.reported_as
                        .insert(uid.to_string(), object.object_ref());
                }
                Fate::Checked
            }
        }
    }
}

fn uid(object: &Object) -> Option<&str> {
    object.metadata()?.get("uid")?.as_str()
}

/// The UID of the owner reference marked `controller: true`.
fn controller_uid(object: &Object) -> Option<&str> {
    object
        .metadata()?
        .get("ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))?
        .get("uid")?
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_model::Origin;
    use serde_json::json;

    fn object(kind: &str, name: &str, uid: &str, owner: Option<&str>) -> Object {
        let api_version = if kind == "Pod" { "v1" } else { "apps/v1" };
        let owners = owner.map_or(json!([]), |o| json!([{"uid": o, "controller": true}]));
        let value = json!({"apiVersion": api_version, "kind": kind,
            "metadata": {"name": name, "namespace": "shop", "uid": uid, "ownerReferences": owners}});
        let origin = Origin {
            path: "c".into(),
            document: 0,
            item: None,
            template: None,
        };
        Object::detached(value, origin).unwrap()
    }

    #[test]
    fn pods_count_on_the_top_of_their_owner_chain() {
        let mut owners = Owners::default();
        let deployment = object("Deployment", "web", "d1", None);
        assert_eq!(owners.place(&deployment), Fate::Checked);
        assert_eq!(
            owners.place(&object("ReplicaSet", "web-1", "r1", Some("d1"))),
            Fate::Collapsed
        );
        // An old ReplicaSet of the same Deployment, still running a pod.
        assert_eq!(
            owners.place(&object("ReplicaSet", "web-0", "r0", Some("d1"))),
            Fate::Collapsed
        );
        for (i, rs) in ["r1", "r1", "r0"].iter().enumerate() {
            let pod = object("Pod", &format!("web-{i}"), &format!("p{i}"), Some(rs));
            assert_eq!(owners.place(&pod), Fate::Collapsed);
        }
        assert_eq!(owners.pods.get(&deployment.object_ref()), Some(&3));
    }

    #[test]
    fn what_an_unlisted_owner_made_is_checked_on_its_own() {
        let mut owners = Owners::default();
        // A ReplicaSet an Argo Rollout controls: the Rollout is not listed.
        let rs = object("ReplicaSet", "canary", "r1", Some("rollout-uid"));
        assert_eq!(owners.place(&rs), Fate::Checked);
        assert_eq!(
            owners.place(&object("Pod", "canary-x", "p1", Some("r1"))),
            Fate::Collapsed
        );
        assert_eq!(owners.pods.get(&rs.object_ref()), Some(&1));
        // A bare pod, and a pod whose owner is a Node (a static pod's mirror).
        assert_eq!(
            owners.place(&object("Pod", "debug", "p2", None)),
            Fate::Checked
        );
        assert_eq!(
            owners.place(&object("Pod", "etcd-node1", "p3", Some("node-uid"))),
            Fate::Checked
        );
    }
}
