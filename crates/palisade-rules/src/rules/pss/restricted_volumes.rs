//! PSS `restrictedVolumes`: volume types other than the ephemeral and API-backed ones.

use palisade_model::PodSpecView;

use super::{set, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports every volume in `spec.volumes` that does not use one of these sources:
    /// `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`,
    /// `persistentVolumeClaim`, `projected` or `secret`. That includes `hostPath`, the in-tree
    /// network and cloud volumes (`nfs`, `iscsi`, `rbd`, `cephfs`, `gcePersistentDisk`,
    /// `awsElasticBlockStore`, ...), `gitRepo`, `flexVolume`, and a volume whose fields are no
    /// volume source the check knows (upstream's "unknown" type). A volume with only a `name`
    /// is allowed: the API server makes it an `emptyDir` before admission. This is the Pod
    /// Security Standards restricted check `restrictedVolumes`; it replaces
    /// `hostPathVolumes` at the restricted level, and a `hostPath` volume is still reported
    /// once, by `pss-host-path-volumes`.
    ///
    /// ## Why is this bad?
    /// Volumes mounted directly from the node or from storage systems bypass the persistent
    /// volume layer, where cluster administrators control which storage pods may use. Several
    /// of these drivers run with node privileges, take credentials from the pod spec, or
    /// (`gitRepo`) have run attacker-controlled commands on the node.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    ///   volumes:
    ///   - name: data
    ///     nfs:
    ///       server: nfs.example.com
    ///       path: /exports/data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    ///   volumes:
    ///   - name: data
    ///     persistentVolumeClaim:
    ///       claimName: data
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Restricted, Volume Types](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    pub(crate) static RULE = {
        code: "PSS013",
        name: "pss-restricted-volumes",
        category: Category::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod uses a volume type outside the restricted set",
        standards: &["PSS restricted: restrictedVolumes", "NSA-CISA: pod security"],
        check: Check::Pss(PssCheck {
            id: "restrictedVolumes",
            level: PssLevel::Restricted,
            revisions: &[0],
            overrides: Some(("hostPathVolumes", 0)),
            check,
        }),
    };
}

/// Volume sources the restricted level allows. A volume that sets any of them is allowed.
const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Restricted sources in the order upstream names the type of a rejected volume.
const RESTRICTED: [&str; 21] = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for (_, volume, pointer) in pod.volumes() {
        if ALLOWED
            .iter()
            .any(|source| set(volume.get(*source)).is_some())
        {
            continue;
        }
        // The API server gives a volume without any source an `emptyDir` before admission
        // (upstream's fixtures pass such a volume as an "implicit empty dir").
        let fields: Vec<&str> = volume
            .iter()
            .filter(|(k, v)| *k != "name" && !v.is_null())
            .map(|(k, _)| k.as_str())
            .collect();
        if fields.is_empty() {
            continue;
        }
        let name = show(volume.get("name"));
        let restricted = RESTRICTED
            .iter()
            .find(|source| set(volume.get(**source)).is_some());
        let violation = match restricted {
            // The pointer of a hostPath volume must equal pss-host-path-volumes' so that the
            // engine reports the volume once.
            Some(source) => Violation::new(
                format!("{pointer}/{source}"),
                format!(
                    "restricted volume types: volume {name} uses restricted volume type \"{source}\""
                ),
                "use a configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, \
                 projected or secret volume",
            ),
            None => Violation::new(
                pointer,
                format!(
                    "restricted volume types: volume {name} uses restricted volume type \"unknown\" \
                     (fields {} are not a known volume source)",
                    fields.join(", ")
                ),
                "give the volume one of the sources configMap, csi, downwardAPI, emptyDir, ephemeral, image, \
                 persistentVolumeClaim, projected or secret",
            ),
        };
        out.push(violation);
    }
}
