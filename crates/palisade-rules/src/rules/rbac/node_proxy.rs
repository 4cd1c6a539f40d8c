//! RBAC006 `rbac-node-proxy`: a role that reaches the kubelet API through `nodes/proxy`.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a ClusterRole's `rules` that allow any verb on `nodes/proxy`
    /// (including through `*` and `*/proxy`), and the ClusterRoleBindings in the input that
    /// grant such a role. Nodes are not namespaced, so a Role, or a ClusterRole granted by a
    /// RoleBinding, cannot grant this and is not reported.
    ///
    /// ## Why is this bad?
    /// `nodes/proxy` forwards requests to the kubelet API of any node. The kubelet authorizes
    /// them all as `nodes/proxy`, and its API can run commands in every container on the node
    /// (`/exec`, `/run`), read their logs and list their pods. These requests bypass admission
    /// control and leave no trace of the command in the API server's audit log. Monitoring
    /// agents often ask for it when `nodes/metrics` or `nodes/stats` would do.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: metrics-reader
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["nodes", "nodes/proxy"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: metrics-reader
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["nodes", "nodes/metrics", "nodes/stats"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, nodes/proxy](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes)
    /// - [Kubernetes: Kubelet authentication/authorization](https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/)
    /// - CIS Kubernetes Benchmark 5.1.10: Minimize access to the proxy sub-resource of nodes
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1609 Container Administration Command
    pub(crate) static RULE = {
        code: "RBAC006",
        name: "rbac-node-proxy",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "ClusterRole grants access to nodes/proxy",
        standards: &["CIS 5.1.10", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1609"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const NODE_PROXY: Target = Target::cluster("", "nodes/proxy");

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can reach the kubelet API through nodes/proxy",
    help: "remove nodes/proxy; grant nodes/metrics, nodes/stats or nodes/log for what the subject reads",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grant = rule.grants(Verbs::Any, &NODE_PROXY, scope)?;
    Some(Hit {
        pointer: rule.pointer("resources", grant.resource.0),
        message: format!(
            "{} can proxy to the kubelet API of nodes: {}",
            rule.label(),
            policy_rule::describe([&grant])
        ),
        severity: None,
    })
}
