//! CTR002 `dangerous-capabilities`: containers that add capabilities with a known path to the
//! host or to other workloads.

use palisade_model::{PodSpecView, pointer};
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each capability in `securityContext.capabilities.add` of a container (init,
    /// regular or ephemeral) that is one of `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`,
    /// `SYS_MODULE`, `DAC_READ_SEARCH`, `NET_RAW`, `BPF`, `PERFMON`, `SYS_RAWIO`, `SYS_BOOT`,
    /// `MAC_ADMIN`, `MAC_OVERRIDE` or `ALL`. Names are read as container runtimes read them: case-insensitively and with an
    /// optional `CAP_` prefix, so `cap_sys_admin` is `SYS_ADMIN`. `SYS_ADMIN` and `ALL` are
    /// reported as critical, the others as high.
    ///
    /// Unlike `pss-capabilities-baseline`, which reports every capability outside the
    /// runtime's default set, this rule names the capabilities that are known escape or
    /// lateral-movement routes, one finding each.
    ///
    /// ## Why is this bad?
    /// - `SYS_ADMIN` is close to root: mounting filesystems, cgroup release agents, namespaces.
    /// - `ALL` grants every capability, including all of the below.
    /// - `SYS_MODULE` loads kernel modules; `SYS_RAWIO` and `BPF`/`PERFMON` reach into the kernel.
    /// - `SYS_PTRACE` reads and injects into other processes (with `hostPID`, the node's).
    /// - `DAC_READ_SEARCH` bypasses file read permissions and allows `open_by_handle_at`, the
    ///   "shocker" escape.
    /// - `NET_ADMIN` and `NET_RAW` reconfigure or spoof network traffic (ARP/DNS spoofing).
    /// - `SYS_BOOT` reboots the node.
    /// - `MAC_ADMIN` changes and `MAC_OVERRIDE` bypasses the mandatory access control
    ///   (AppArmor, SELinux, Smack) that confines the container.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     capabilities:
    ///       add: ["SYS_ADMIN", "NET_RAW"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: app
    ///   image: registry.example.com/app:1.2.3
    ///   securityContext:
    ///     capabilities:
    ///       drop: ["ALL"]
    ///       add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - CIS Kubernetes Benchmark 5.2.8 (NET_RAW), 5.2.9 (added capabilities)
    /// - NSA-CISA Kubernetes Hardening Guide: pod security
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    /// - CVE-2022-0492 (cgroups release_agent escape with `SYS_ADMIN`)
    pub(crate) static RULE = {
        code: "CTR002",
        name: "dangerous-capabilities",
        category: Category::Containers,
        severity: Severity::High,
        summary: "Container adds a dangerous capability",
        standards: &["CIS 5.2.8", "CIS 5.2.9", "NSA-CISA: pod security", "MITRE ATT&CK T1611"],
        check: Check::Pod(check),
    };
}

/// The capabilities reported, with what each one hands over, for messages.
const DANGEROUS: [(&str, &str); 13] = [
    ("SYS_ADMIN", "mounts, namespaces and much of root's power"),
    ("ALL", "every capability"),
    ("NET_ADMIN", "control of the network stack"),
    ("SYS_PTRACE", "tracing and injecting into other processes"),
    ("SYS_MODULE", "loading kernel modules"),
    ("DAC_READ_SEARCH", "reading any file and open_by_handle_at"),
    ("NET_RAW", "raw sockets for spoofing traffic"),
    ("BPF", "loading eBPF programs"),
    ("PERFMON", "kernel performance monitoring"),
    ("SYS_RAWIO", "raw device and I/O port access"),
    ("SYS_BOOT", "rebooting the node"),
    (
        "MAC_ADMIN",
        "changing the AppArmor or SELinux policy that confines it",
    ),
    (
        "MAC_OVERRIDE",
        "bypassing the AppArmor or SELinux policy that confines it",
    ),
];

/// A capability name as the runtimes read it: upper case, without the `CAP_` prefix.
fn canonical(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map(str::to_string)
        .unwrap_or(upper)
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let path = ["securityContext", "capabilities", "add"];
        let Some(added) = container.get(&path).and_then(Value::as_array) else {
            continue;
        };
        let list_pointer = container.pointer_to(&path);
        for (j, written) in added.iter().enumerate() {
            let Some(written) = written.as_str() else {
                continue;
            };
            let name = canonical(written);
            let Some((name, grants)) = DANGEROUS.iter().find(|(d, _)| *d == name) else {
                continue;
            };
            let spelled = if written == *name {
                String::new()
            } else {
                format!(" (written \"{written}\")")
            };
            let violation = Violation::new(
                pointer::join_index(&list_pointer, j),
                format!(
                    "{} adds capability {name}{spelled}: {grants}",
                    container.describe()
                ),
                "remove it from capabilities.add; drop ALL and add back only what the process needs",
            );
            let critical = matches!(*name, "SYS_ADMIN" | "ALL");
            out.push(if critical {
                violation.with_severity(Severity::Critical)
            } else {
                violation
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn capability_names_are_read_as_the_runtimes_read_them() {
        let cases = [
            ("SYS_ADMIN", "SYS_ADMIN"),
            ("sys_admin", "SYS_ADMIN"),
            ("CAP_SYS_ADMIN", "SYS_ADMIN"),
            ("cap_net_raw", "NET_RAW"),
            ("all", "ALL"),
            ("CAP_CAP_X", "CAP_X"),
        ];
        for (written, expected) in cases {
            assert_eq!(canonical(written), expected, "{written}");
        }
    }
}
