//! RBAC005 `rbac-workload-create`: a role that can create pods, directly or through a
//! controller.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that allow `create` on `pods` or
    /// on a pod controller (`deployments`, `replicasets`, `statefulsets`, `daemonsets`, `jobs`,
    /// `cronjobs`, `replicationcontrollers`), including through `*` verbs, resources or API
    /// groups, and the bindings in the input that grant such a role. `resourceNames` cannot
    /// limit `create` (the request names no object yet), so an entry with them grants no
    /// `create` and is not reported.
    ///
    /// ## Why is this bad?
    /// Whoever can create a pod can run it as any service account in the namespace, mount any
    /// Secret, ConfigMap or PersistentVolumeClaim there, and, unless Pod Security admission or
    /// a policy stops it, run it privileged on the host. Creating pods is therefore worth as
    /// much as the most powerful service account and Secret in the namespace. CI systems and
    /// operators need it; people and most applications do not.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: developer
    ///   namespace: shop
    /// rules:
    /// - apiGroups: ["", "apps"]
    ///   resources: ["pods", "deployments"]
    ///   verbs: ["get", "list", "create", "delete"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Deploy through CI; people read, and restart by deleting pods.
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: developer
    ///   namespace: shop
    /// rules:
    /// - apiGroups: ["", "apps"]
    ///   resources: ["pods", "deployments"]
    ///   verbs: ["get", "list", "delete"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, workload creation](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation)
    /// - [Kubernetes: Pod Security Admission](https://kubernetes.io/docs/concepts/security/pod-security-admission/)
    /// - CIS Kubernetes Benchmark 5.1.4: Minimize access to create pods
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1610 Deploy Container
    pub(crate) static RULE = {
        code: "RBAC005",
        name: "rbac-workload-create",
        category: Category::Rbac,
        severity: Severity::Medium,
        summary: "Role can create pods or pod controllers",
        standards: &["CIS 5.1.4", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1610"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

/// Pods and every built-in controller that creates them, in the groups that serve (or served)
/// them: `extensions` carried deployments, replicasets and daemonsets until 1.16.
const WORKLOADS: [Target; 11] = [
    Target::namespaced("", "pods"),
    Target::namespaced("apps", "deployments"),
    Target::namespaced("apps", "replicasets"),
    Target::namespaced("apps", "statefulsets"),
    Target::namespaced("apps", "daemonsets"),
    Target::namespaced("batch", "jobs"),
    Target::namespaced("batch", "cronjobs"),
    Target::namespaced("", "replicationcontrollers"),
    Target::namespaced("extensions", "deployments"),
    Target::namespaced("extensions", "replicasets"),
    Target::namespaced("extensions", "daemonsets"),
];
const CREATE: Verbs<'static> = Verbs::OneOf(&["create"]);

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can create pods or pod controllers",
    help: "remove create on pods and pod controllers; deploy through CI or an operator with its own service account",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grants: Vec<_> = WORKLOADS
        .iter()
        .filter_map(|target| rule.grants(CREATE, target, scope))
        .collect();
    let first = grants.first()?;
    Some(Hit {
        pointer: rule.pointer("resources", first.resource.0),
        message: format!(
            "{} can create workloads: {}",
            rule.label(),
            policy_rule::describe(&grants)
        ),
        severity: None,
    })
}
