//! CTR009 `host-path-persistent-volume`: PersistentVolumes that hand out a directory of a
//! node.

use palisade_model::Object;
use serde_json::Value;

use super::host_path::{Exposure, normalize, runtime_socket, sensitive};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports PersistentVolumes with a `hostPath` source. A path that exposes a container
    /// runtime socket or a sensitive host location (the same list as `sensitive-host-path`
    /// and `docker-socket-mount`: `/etc`, `/var/lib/kubelet`, `/proc`, `/`, ...) is reported
    /// as critical. `local` volumes, the supported way to use a node's disks, are not reported.
    ///
    /// ## Why is this bad?
    /// Any pod whose claim binds to the volume mounts the node's directory, yet the pod spec
    /// only names a PersistentVolumeClaim: Pod Security admission and every check of pod
    /// volumes see nothing. Whoever may create claims in a namespace can so get a host path
    /// that the `baseline` level forbids, and with it the node's files, credentials and other
    /// pods' data. The data also stays on whatever node the pod ran on, unknown to the
    /// scheduler.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: data}
    /// spec:
    ///   capacity: {storage: 10Gi}
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath:
    ///     path: /mnt/data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: data}
    /// spec:
    ///   capacity: {storage: 10Gi}
    ///   accessModes: [ReadWriteOnce]
    ///   storageClassName: local-storage
    ///   local:
    ///     path: /mnt/disks/ssd1
    ///   nodeAffinity:
    ///     required:
    ///       nodeSelectorTerms:
    ///       - matchExpressions:
    ///         - {key: kubernetes.io/hostname, operator: In, values: [node-1]}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Volumes, hostPath](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - [Kubernetes: Persistent Volumes, types of persistent volumes](https://kubernetes.io/docs/concepts/storage/persistent-volumes/#types-of-persistent-volumes)
    /// - CIS Kubernetes Benchmark 5.2 (minimise admission of containers with host access)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security (host file systems)
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "CTR009",
        name: "host-path-persistent-volume",
        category: Category::Containers,
        severity: Severity::Medium,
        summary: "PersistentVolume hands out a directory of a node",
        standards: &["NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Object { kinds: &["PersistentVolume"], check },
    };
}

fn check(volume: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !volume.group().is_empty() {
        return;
    }
    let Some(source) = volume.at("/spec/hostPath").filter(|v| !v.is_null()) else {
        return;
    };
    let written = source.get("path").and_then(Value::as_str).unwrap_or("");
    let path = normalize(written);
    let exposure = path.as_deref().and_then(|p| {
        if runtime_socket(p).is_some() {
            return Some(format!("{p}, a container runtime socket"));
        }
        match sensitive(p)? {
            Exposure::Within(base) if base == p => Some(p.to_string()),
            Exposure::Within(base) => Some(format!("{p}, within {base}")),
            Exposure::Contains(base) => Some(format!("{p}, which contains {base}")),
        }
    });
    let message = match &exposure {
        Some(what) => format!(
            "PersistentVolume \"{}\" gives any pod that claims it the node's {what}",
            volume.name()
        ),
        None => format!(
            "PersistentVolume \"{}\" gives any pod that claims it the node's directory \"{written}\"",
            volume.name()
        ),
    };
    let violation = Violation::new(
        "/spec/hostPath/path",
        message,
        "use a local volume with nodeAffinity, or a storage class that provisions volumes, instead of hostPath",
    );
    out.push(if exposure.is_some() {
        violation.with_severity(Severity::Critical)
    } else {
        violation
    });
}
