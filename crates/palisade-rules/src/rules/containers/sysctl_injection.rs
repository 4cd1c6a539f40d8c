//! CTR007 `sysctl-injection`: sysctl values that smuggle in another sysctl (CVE-2022-0811).

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each entry of `spec.securityContext.sysctls` whose `value` holds a `=`, or a
    /// `+` followed by something shaped like a sysctl name (`1+kernel.core_pattern=...`). No
    /// kernel parameter a pod may set takes such a value. This rule runs at every Pod Security
    /// level, `privileged` included, and whatever the sysctl's name.
    ///
    /// ## Why is this bad?
    /// CRI-O before 1.19.6, 1.20.7, 1.21.6, 1.22.3, 1.23.2 and 1.24.0 passed sysctls to `pinns` as
    /// `name=value` pairs joined by `+`, so a value of `1+kernel.core_pattern=|/payload` set a
    /// second, host-wide sysctl: the kernel then ran the payload as root on the node whenever a
    /// process dumped core ("cr8escape", CVE-2022-0811). The first sysctl's name can be a safe
    /// one that every Pod Security level allows, so a check of names alone lets it through.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///   - name: kernel.shm_rmid_forced
    ///     value: "1+kernel.core_pattern=|/var/lib/containers/storage/overlay/x/merged/malicious.sh #"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///   - name: kernel.shm_rmid_forced
    ///     value: "1"
    /// ```
    ///
    /// ## References
    /// - [CVE-2022-0811](https://nvd.nist.gov/vuln/detail/CVE-2022-0811)
    /// - [CrowdStrike: cr8escape](https://www.crowdstrike.com/blog/cr8escape-new-vulnerability-discovered-in-cri-o-container-engine-cve-2022-0811/)
    /// - [Kubernetes: using sysctls in a cluster](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    /// - MITRE ATT&CK for Containers: T1611 Escape to Host
    pub(crate) static RULE = {
        code: "CTR007",
        name: "sysctl-injection",
        category: Category::Containers,
        severity: Severity::Critical,
        summary: "A sysctl value injects another sysctl (CVE-2022-0811)",
        standards: &["CVE-2022-0811", "MITRE ATT&CK T1611"],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(sysctls) = pod
        .get(&["securityContext", "sysctls"])
        .and_then(Value::as_array)
    else {
        return;
    };
    for (index, sysctl) in sysctls.iter().enumerate() {
        let Some(value) = sysctl.get("value").and_then(Value::as_str) else {
            continue;
        };
        if !is_injection(value) {
            continue;
        }
        let name = sysctl.get("name").and_then(Value::as_str).unwrap_or("");
        out.push(Violation::new(
            pod.pointer_to(&["securityContext", "sysctls", &index.to_string(), "value"]),
            format!("sysctl {name:?} has the value {value:?}, which sets another sysctl on runtimes vulnerable to CVE-2022-0811"),
            "give the sysctl a plain value; no sysctl takes `=` or `+name` in its value",
        ));
    }
}

/// A value holding `=`, or `+` before a token shaped like a sysctl name (`kernel.x`,
/// `net/ipv4/y`).
fn is_injection(value: &str) -> bool {
    value.contains('=')
        || value.split('+').skip(1).any(|rest| {
            let name: &str = rest.split(|c: char| c.is_whitespace()).next().unwrap_or("");
            name.starts_with(|c: char| c.is_ascii_alphabetic()) && name.contains(['.', '/'])
        })
}

#[cfg(test)]
mod tests {
    use super::is_injection;

    #[test]
    fn values_that_carry_another_sysctl_are_injections() {
        for value in [
            "1+kernel.core_pattern=|/tmp/x.sh #",
            "1+kernel.core_pattern",
            "0 =1",
            "1+net/ipv4/ip_forward",
        ] {
            assert!(is_injection(value), "{value}");
        }
        for value in ["1", "1024 65535", "+1", "4096 87380 6291456", "1+2", ""] {
            assert!(!is_injection(value), "{value}");
        }
    }
}
