//! CTR004 `sensitive-host-path`: hostPath volumes of host locations that hold credentials,
//! configuration, kernel interfaces or other workloads' data.

use palisade_model::PodSpecView;

use super::host_path::{
    Exposure, HostPathVolume, host_path_volumes, mounted_by_suffix, mounted_read_only, public_file,
    sensitive,
};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports hostPath volumes of the host's root `/`, or of `/etc`, `/root`, `/home`,
    /// `/proc`, `/sys`, `/boot`, `/dev`, `/var/lib/kubelet`, `/var/lib/docker`,
    /// `/var/lib/containerd`, `/var/lib/etcd`, `/var/run`, `/run` or `/var/log`, or of
    /// anything below them. Paths are normalised (`//etc/` is `/etc`) and compared segment by
    /// segment: `/etc/kubernetes` is below `/etc`, `/etcd-data` is not. A parent of one of
    /// those locations is reported too, since it contains it (`/var/lib` contains
    /// `/var/lib/kubelet`).
    ///
    /// Container runtime sockets and their directories (`/var/run/docker.sock`, `/run`,
    /// `/var/run`, `/run/containerd`, ...) are reported by `docker-socket-mount` alone, never by
    /// this rule as well. `readOnly` mounts are reported too, since reading is the harm, with
    /// one exception: public files containers commonly read (`/etc/localtime`,
    /// `/etc/timezone`, `/etc/machine-id`, and the CA certificates in `/etc/ssl/certs`,
    /// `/etc/pki/tls/certs`, `/etc/pki/ca-trust`, `/etc/ca-certificates`) are not reported
    /// when every container mounts them read-only.
    ///
    /// ## Why is this bad?
    /// These locations hold what a container must not see or change: the node's and the
    /// kubelet's credentials and kubeconfigs (`/etc/kubernetes`, `/var/lib/kubelet`), every
    /// pod's mounted secrets (`/var/lib/kubelet/pods`), etcd's data, other containers'
    /// filesystems and logs, SSH keys, and kernel interfaces (`/proc`, `/sys`, `/dev`) that
    /// lead straight to the host. Writing to most of them is an escape to the host.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: kubelet
    ///   hostPath:
    ///     path: /var/lib/kubelet
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Give the pod only what it needs: a ConfigMap, a Secret or a projected token,
    /// # or a dedicated directory on the node.
    /// volumes:
    /// - name: cache
    ///   hostPath:
    ///     path: /var/cache/my-agent
    ///     type: DirectoryOrCreate
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: hostPath volumes](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - CIS Kubernetes Benchmark 5.2.12 (minimize the admission of hostPath volumes)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host, T1552.001 Credentials In Files
    pub(crate) static RULE = {
        code: "CTR004",
        name: "sensitive-host-path",
        category: Category::Containers,
        severity: Severity::High,
        summary: "Pod mounts a sensitive host path",
        standards: &["CIS 5.2.12", "NSA-CISA: pod security", "MITRE ATT&CK T1611", "MITRE ATT&CK T1552.001"],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for HostPathVolume {
        name,
        path,
        pointer,
    } in host_path_volumes(pod)
    {
        let Some(exposure) = sensitive(&path) else {
            continue;
        };
        let public = public_file(&path);
        if public && mounted_read_only(pod, name) {
            continue;
        }
        let why = match exposure {
            Exposure::Within("/") => "the host's root filesystem".to_string(),
            Exposure::Within(base) if base == path => "a sensitive host location".to_string(),
            Exposure::Within(base) => format!("below the sensitive host location \"{base}\""),
            Exposure::Contains(base) => {
                format!("which contains the sensitive host location \"{base}\"")
            }
        };
        out.push(Violation::new(
            pointer,
            format!("volume \"{name}\" mounts \"{path}\" from the host, {why}{}", mounted_by_suffix(pod, name)),
            if public {
                "mount it with readOnly: true in every container, or remove the hostPath volume"
            } else {
                "remove the hostPath volume; pass data in through ConfigMaps, Secrets or a dedicated directory"
            },
        ));
    }
}
