//! CTR001 `read-only-root-filesystem`: containers with a writable root filesystem.

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`: unset, or set to anything else.
    /// There is no pod-level field for it, so every container must set it. Windows pods
    /// (`spec.os.name: windows`) are skipped, since the API server refuses the field for them.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker who gets code execution in the container
    /// drop tools, modify binaries and configuration, and persist across process restarts
    /// within the container. A read-only root, with `emptyDir` volumes for the few paths the
    /// application must write (`/tmp`, caches), makes the container image immutable at run time.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3
    ///   securityContext:
    ///     readOnlyRootFilesystem: true
    ///   volumeMounts:
    ///   - name: tmp
    ///     mountPath: /tmp
    /// volumes:
    /// - name: tmp
    ///   emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure a Security Context](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - NSA-CISA Kubernetes Hardening Guide: "Use immutable container file systems"
    /// - MITRE ATT&CK for Containers: T1525 Implant Internal Image, T1036 Masquerading
    pub(crate) static RULE = {
        code: "CTR001",
        name: "read-only-root-filesystem",
        category: Category::Containers,
        severity: Severity::Medium,
        summary: "Container root filesystem is writable",
        standards: &["NSA-CISA: immutable container file systems"],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    if pod.os_name() == Some("windows") {
        return;
    }
    let field = ["securityContext", "readOnlyRootFilesystem"];
    for container in pod.containers() {
        let (pointer, message) = match container.get(&field) {
            Some(Value::Bool(true)) => continue,
            Some(value) if !value.is_null() => (
                container.pointer_to(&field),
                format!(
                    "{} sets securityContext.readOnlyRootFilesystem: {value}",
                    container.describe()
                ),
            ),
            _ => {
                let at = if container.security_context().is_some() {
                    container.pointer_to(&["securityContext"])
                } else {
                    container.pointer.clone()
                };
                (
                    at,
                    format!(
                        "{} does not set securityContext.readOnlyRootFilesystem",
                        container.describe()
                    ),
                )
            }
        };
        out.push(Violation::new(
            pointer,
            message,
            "set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the application writes",
        ));
    }
}
