//! CTR003 `docker-socket-mount`: hostPath volumes that hand a container runtime's API socket
//! to the pod.

use palisade_model::PodSpecView;

use super::host_path::{
    HostPathVolume, Socket, host_path_volumes, mounted_by_suffix, runtime_socket,
};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports hostPath volumes that mount a container runtime's API socket, or a directory
    /// that holds one:
    ///
    /// - a socket file of Docker, containerd, CRI-O, Podman or the Docker shims, wherever it
    ///   lives: `docker.sock`, `containerd.sock`, `containerd.sock.ttrpc`, `crio.sock`,
    ///   `podman.sock`, `cri-dockerd.sock`, `dockershim.sock` (so `/var/run/docker.sock`,
    ///   `/run/containerd/containerd.sock`, `/run/user/1000/docker.sock`,
    ///   `/run/k3s/containerd/containerd.sock`);
    /// - the directories those sockets live in: `/run` and `/var/run`, and `docker`,
    ///   `containerd`, `crio`, `podman`, `cri-dockerd` below them (and `/run/k3s`,
    ///   `/run/k3s/containerd`).
    ///
    /// Paths are compared after normalisation (`//var/run/` is `/var/run`). Broader mounts
    /// that also contain a socket (`/`, `/var`) and data directories such as
    /// `/var/lib/docker` are reported by `sensitive-host-path`; a path this rule reports is
    /// never reported by `sensitive-host-path` too.
    ///
    /// ## Why is this bad?
    /// The runtime socket is the node's container API with root's authority. Whoever can write
    /// to it can start a privileged container that mounts the host's root filesystem, read
    /// every container's environment and files, and stop the node's workloads: a one-step
    /// escape to the host. Mounting it read-only does not help, since talking to a socket is
    /// not a filesystem write.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    /// - name: docker
    ///   hostPath:
    ///     path: /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Build images without the node's runtime (e.g. BuildKit rootless or kaniko), and read
    /// # container metadata through the Kubernetes API rather than the runtime socket.
    /// volumes:
    /// - name: workspace
    ///   emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: hostPath volumes](https://kubernetes.io/docs/concepts/storage/volumes/#hostpath)
    /// - CIS Kubernetes Benchmark 5.2.12 (minimize the admission of hostPath volumes)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host, T1610 Deploy Container
    pub(crate) static RULE = {
        code: "CTR003",
        name: "docker-socket-mount",
        category: Category::Containers,
        severity: Severity::Critical,
        summary: "Pod mounts a container runtime socket from the host",
        standards: &["CIS 5.2.12", "NSA-CISA: pod security", "MITRE ATT&CK T1611", "MITRE ATT&CK T1610"],
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
        let Some(socket) = runtime_socket(&path) else {
            continue;
        };
        let what = match socket {
            Socket::File => format!("the container runtime socket \"{path}\""),
            Socket::Directory => format!("\"{path}\", which holds container runtime sockets,"),
        };
        out.push(Violation::new(
            pointer,
            format!("volume \"{name}\" mounts {what} from the host{}", mounted_by_suffix(pod, name)),
            "remove the hostPath volume; build images without the node's runtime and use the Kubernetes API for metadata",
        ));
    }
}
