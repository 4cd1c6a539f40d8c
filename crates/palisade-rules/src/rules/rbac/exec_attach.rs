//! RBAC003 `rbac-exec-attach`: a role that can run commands in, attach to or port-forward to
//! pods.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that allow `create` or `get` on
    /// `pods/exec`, `pods/attach` or `pods/portforward` (including through `*` and `*/exec`),
    /// and the bindings in the input that grant such a role. Both verbs count: the WebSocket
    /// protocol `kubectl` uses opens these streams with a `GET`, and older API servers
    /// authorized that as `get`.
    ///
    /// ## Why is this bad?
    /// `kubectl exec` runs any command in a running container, with its service account token,
    /// its mounted Secrets and its network position; `attach` does the same through the
    /// container's own terminal, and `portforward` reaches ports never exposed by a Service.
    /// None of it goes through admission control, and what happens inside the stream is not in
    /// the audit log.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: support
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/log", "pods/exec"]
    ///   verbs: ["get", "list", "create"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: support
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["pods", "pods/log"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, workload creation](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation)
    /// - [KEP-4006: Transition from SPDY to WebSockets](https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/4006-transition-spdy-to-websockets)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1609 Container Administration Command
    pub(crate) static RULE = {
        code: "RBAC003",
        name: "rbac-exec-attach",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "Role can exec into, attach to or port-forward to pods",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1609"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const STREAMS: [(Target, &str); 3] = [
    (Target::namespaced("", "pods/exec"), "exec into"),
    (Target::namespaced("", "pods/attach"), "attach to"),
    (
        Target::namespaced("", "pods/portforward"),
        "port-forward to",
    ),
];
const OPEN: Verbs<'static> = Verbs::OneOf(&["create", "get"]);

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can exec into, attach to or port-forward to pods",
    help: "remove pods/exec, pods/attach and pods/portforward; grant them only to break-glass roles",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let mut grants = Vec::new();
    let mut actions = Vec::new();
    for (target, action) in &STREAMS {
        if let Some(grant) = rule.grants(OPEN, target, scope) {
            grants.push(grant);
            actions.push(*action);
        }
    }
    let first = grants.first()?;
    let message = format!(
        "{} can {} pods: {}",
        rule.label(),
        super::join_and(&actions),
        policy_rule::describe(&grants)
    );
    Some(Hit {
        pointer: rule.pointer("resources", first.resource.0),
        message,
        severity: None,
    })
}
