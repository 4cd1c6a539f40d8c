//! PSS `hostPathVolumes`: volumes that mount a path of the node's filesystem.

use palisade_model::PodSpecView;

use super::{set, show};
use crate::declare_rule;
use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::rule::{Category, Check, PssCheck, Severity};

declare_rule! {
    /// ## What it does
    /// Reports every volume in `spec.volumes` that sets `hostPath`. This is the Pod Security
    /// Standards baseline check `hostPathVolumes`; at the restricted level
    /// `pss-restricted-volumes` replaces it, and a `hostPath` volume is still reported once,
    /// by this rule.
    ///
    /// ## Why is this bad?
    /// A `hostPath` volume gives the container the node's files: the container runtime socket,
    /// kubelet credentials, `/etc`, or the whole root filesystem. Write access to most of these
    /// is a direct path to controlling the node, and read access leaks other workloads'
    /// secrets.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    ///     volumeMounts:
    ///     - name: docker
    ///       mountPath: /var/run/docker.sock
    ///   volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///   - name: app
    ///     image: registry.example.com/app:1.2.3
    ///     volumeMounts:
    ///     - name: scratch
    ///       mountPath: /scratch
    ///   volumes:
    ///   - name: scratch
    ///     emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: Baseline, HostPath Volumes](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.12
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "PSS004",
        name: "pss-host-path-volumes",
        category: Category::PodSecurity,
        severity: Severity::Critical,
        summary: "Pod mounts a hostPath volume",
        standards: &["PSS baseline: hostPathVolumes", "CIS 5.2.12", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pss(PssCheck {
            id: "hostPathVolumes",
            level: PssLevel::Baseline,
            revisions: &[0],
            overrides: None,
            check,
        }),
    };
}

fn check(pod: &PodSpecView<'_>, _version: PssVersion, out: &mut Vec<Violation>) {
    for (_, volume, pointer) in pod.volumes() {
        let Some(host_path) = set(volume.get("hostPath")) else {
            continue;
        };
        // The pointer must equal pss-restricted-volumes' for the same volume, so that the
        // engine reports the volume once at the restricted level.
        out.push(Violation::new(
            format!("{pointer}/hostPath"),
            format!(
                "hostPath volumes: volume {} mounts host path {}",
                show(volume.get("name")),
                show(host_path.get("path"))
            ),
            "replace the hostPath volume with an emptyDir, configMap, secret, projected or persistentVolumeClaim volume",
        ));
    }
}
