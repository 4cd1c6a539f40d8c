//! hostPath volumes as `docker-socket-mount` and `sensitive-host-path` judge them: paths are
//! compared after lexical normalisation, segment by segment, and each path is claimed by at
//! most one of the two rules (a runtime socket or its directory is `docker-socket-mount`'s).

use palisade_model::PodSpecView;
use serde_json::Value;

/// File names of container runtime API sockets (Docker, containerd, CRI-O, Podman and the
/// Docker shims), wherever they live: rootless and distribution-specific runtimes
/// (`/run/user/1000/docker.sock`, `/run/k3s/containerd/containerd.sock`) keep the name.
const SOCKET_NAMES: [&str; 7] = [
    "docker.sock",
    "containerd.sock",
    "containerd.sock.ttrpc",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
];

/// Directories whose mount hands over a runtime socket: the run directories and the runtimes'
/// own directories under them.
const SOCKET_DIRS: [&str; 14] = [
    "/run",
    "/var/run",
    "/run/docker",
    "/var/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/k3s",
    "/run/k3s/containerd",
    "/var/run/cri-dockerd",
    "/run/cri-dockerd",
];

/// Host locations that hold node or cluster credentials, host configuration, kernel
/// interfaces, other pods' data or logs.
const SENSITIVE: [&str; 15] = [
    "/etc",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/etcd",
    "/var/run",
    "/run",
    "/var/log",
    // Listed last so that `/etc/...` and friends are described by their own entry.
    "/",
];

/// Public host files that containers commonly read (time zone, CA certificates, machine ID);
/// `sensitive-host-path` lets them be mounted read-only.
const PUBLIC_FILES: [&str; 7] = [
    "/etc/localtime",
    "/etc/timezone",
    "/etc/machine-id",
    "/etc/ssl/certs",
    "/etc/pki/tls/certs",
    "/etc/pki/ca-trust",
    "/etc/ca-certificates",
];

/// What a runtime-socket hostPath exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Socket {
    /// The socket file itself.
    File,
    /// A directory that holds runtime sockets.
    Directory,
}

/// How a hostPath relates to a sensitive location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Exposure {
    /// The path is the location or lies below it.
    Within(&'static str),
    /// The path is a parent of the location, so the mount contains it.
    Contains(&'static str),
}

/// A hostPath volume: its name, normalised path and pointer to `hostPath.path`.
pub(super) struct HostPathVolume<'a> {
    pub(super) name: &'a str,
    pub(super) path: String,
    pub(super) pointer: String,
}

pub(super) fn host_path_volumes<'a>(
    pod: &PodSpecView<'a>,
) -> impl Iterator<Item = HostPathVolume<'a>> + 'a {
    pod.volumes().filter_map(|(_, volume, pointer)| {
        let raw = volume.get("hostPath")?.get("path")?.as_str()?;
        let path = normalize(raw)?;
        let name = volume.get("name").and_then(Value::as_str).unwrap_or("");
        Some(HostPathVolume {
            name,
            path,
            pointer: format!("{pointer}/hostPath/path"),
        })
    })
}

/// The containers (init, regular, ephemeral) that mount a volume, described for messages.
pub(super) fn mounted_by(pod: &PodSpecView<'_>, volume: &str) -> Vec<String> {
    pod.containers()
        .filter(|c| {
            c.get(&["volumeMounts"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|m| m.get("name").and_then(Value::as_str) == Some(volume))
        })
        .map(|c| c.describe())
        .collect()
}

/// Whether a normalised path is one of the [`PUBLIC_FILES`] or lies below one.
pub(super) fn public_file(path: &str) -> bool {
    PUBLIC_FILES.iter().any(|base| within(path, base))
}

/// Whether some container mounts the volume and every mount of it is `readOnly: true`.
pub(super) fn mounted_read_only(pod: &PodSpecView<'_>, volume: &str) -> bool {
    let mut mounts = pod
        .containers()
        .flat_map(|c| {
            c.get(&["volumeMounts"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter(|m| m.get("name").and_then(Value::as_str) == Some(volume))
        .peekable();
    mounts.peek().is_some() && mounts.all(|m| m.get("readOnly") == Some(&Value::Bool(true)))
}

/// `" (mounted by container \"a\", init container \"b\")"`, or nothing when no container
/// mounts the volume.
pub(super) fn mounted_by_suffix(pod: &PodSpecView<'_>, volume: &str) -> String {
    let containers = mounted_by(pod, volume);
    if containers.is_empty() {
        String::new()
    } else {
        format!(" (mounted by {})", containers.join(", "))
    }
}

/// An absolute path with repeated and trailing slashes removed, `.` segments dropped and `..`
/// applied. `None` for a relative (or Windows) path, which names no fixed host location.
pub(super) fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    Some(format!("/{}", segments.join("/")))
}

/// Whether `path` is `base` or lies below it, segment-wise (`/etcd` is not below `/etc`).
pub(super) fn within(path: &str, base: &str) -> bool {
    base == "/"
        || path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a normalised path is a container runtime socket or a directory that holds one.
pub(super) fn runtime_socket(path: &str) -> Option<Socket> {
    let file_name = path.rsplit('/').next().unwrap_or("");
    if SOCKET_NAMES.contains(&file_name) {
        Some(Socket::File)
    } else if SOCKET_DIRS.contains(&path) {
        Some(Socket::Directory)
    } else {
        None
    }
}

/// The sensitive location a normalised path exposes, unless it is a runtime socket (reported
/// by `docker-socket-mount` alone).
pub(super) fn sensitive(path: &str) -> Option<Exposure> {
    if runtime_socket(path).is_some() {
        return None;
    }
    if path == "/" {
        return Some(Exposure::Within("/"));
    }
    if let Some(&base) = SENSITIVE
        .iter()
        .find(|&&base| base != "/" && within(path, base))
    {
        return Some(Exposure::Within(base));
    }
    SENSITIVE
        .iter()
        .find(|&&base| base != "/" && within(base, path))
        .map(|&base| Exposure::Contains(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_lexically() {
        let cases = [
            ("/var/run/docker.sock", Some("/var/run/docker.sock")),
            ("//var//run/", Some("/var/run")),
            (
                "/var/./run/../run/docker.sock",
                Some("/var/run/docker.sock"),
            ),
            ("/", Some("/")),
            ("///", Some("/")),
            ("/..", Some("/")),
            ("var/run", None),
            ("C:\\ProgramData\\docker", None),
            ("", None),
        ];
        for (path, expected) in cases {
            assert_eq!(normalize(path).as_deref(), expected, "{path:?}");
        }
    }

    #[test]
    fn runtime_sockets_and_their_directories_are_recognised() {
        let cases = [
            ("/var/run/docker.sock", Some(Socket::File)),
            ("/run/docker.sock", Some(Socket::File)),
            ("/run/containerd/containerd.sock", Some(Socket::File)),
            ("/var/run/crio/crio.sock", Some(Socket::File)),
            ("/run/podman/podman.sock", Some(Socket::File)),
            ("/run/user/1000/docker.sock", Some(Socket::File)),
            ("/run/k3s/containerd/containerd.sock", Some(Socket::File)),
            ("/var/run", Some(Socket::Directory)),
            ("/run", Some(Socket::Directory)),
            ("/run/containerd", Some(Socket::Directory)),
            ("/var/run/docker.sock.d", None),
            ("/var/run/secrets", None),
            ("/var/lib/docker", None),
            ("/", None),
        ];
        for (path, expected) in cases {
            assert_eq!(runtime_socket(path), expected, "{path}");
        }
    }

    #[test]
    fn sensitive_paths_match_whole_segments_and_leave_sockets_alone() {
        let cases = [
            ("/", Some(Exposure::Within("/"))),
            ("/etc", Some(Exposure::Within("/etc"))),
            ("/etc/kubernetes/pki", Some(Exposure::Within("/etc"))),
            ("/etcd-data", None),
            (
                "/var/lib/kubelet/pods",
                Some(Exposure::Within("/var/lib/kubelet")),
            ),
            ("/var/lib/kubelet-plugins", None),
            ("/var/lib", Some(Exposure::Contains("/var/lib/kubelet"))),
            ("/var", Some(Exposure::Contains("/var/lib/kubelet"))),
            ("/var/log/pods", Some(Exposure::Within("/var/log"))),
            ("/var/logs", None),
            ("/run/secrets", Some(Exposure::Within("/run"))),
            ("/run", None),
            ("/var/run/docker.sock", None),
            ("/data", None),
            ("/var/lib/mysql", None),
            ("/mnt/disks/ssd0", None),
        ];
        for (path, expected) in cases {
            assert_eq!(sensitive(path), expected, "{path}");
        }
    }

    #[test]
    fn public_files_are_recognised_segment_wise() {
        let cases = [
            ("/etc/localtime", true),
            ("/etc/ssl/certs", true),
            ("/etc/ssl/certs/ca-certificates.crt", true),
            ("/etc/ssl", false),
            ("/etc/ssl/private", false),
            ("/etc/localtime-backup", false),
            ("/etc", false),
        ];
        for (path, expected) in cases {
            assert_eq!(public_file(path), expected, "{path}");
        }
    }
}
