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
    /// `awsElasticBlockStore`, ...), `gitRepo` and `flexVolume`. A volume with no known source
    /// (only a `name`, null sources, or fields that are no volume source, which the API server
    /// drops) is allowed: the API server makes it an `emptyDir` before admission, so
    /// upstream's "unknown" type is never reached there. This is the Pod
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
        // A volume with none of the known sources is an implicit `emptyDir`: the API server
        // drops fields that are no volume source and defaults the source before admission.
        let Some(source) = RESTRICTED
            .iter()
            .find(|source| set(volume.get(**source)).is_some())
        else {
            continue;
        };
        // The pointer of a hostPath volume must equal pss-host-path-volumes' so that the
        // engine reports the volume once.
        out.push(Violation::new(
            format!("{pointer}/{source}"),
            format!(
                "restricted volume types: volume {} uses restricted volume type \"{source}\"",
                show(volume.get("name"))
            ),
            "use a configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, \
             projected or secret volume",
        ));
    }
}
