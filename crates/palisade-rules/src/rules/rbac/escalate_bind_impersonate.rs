//! RBAC004 `rbac-escalate-bind-impersonate`: a role with the verbs that bypass RBAC's own
//! limits.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that allow `escalate` or `bind` on
    /// `roles` or `clusterroles`, or `impersonate` on `users`, `groups` or `serviceaccounts`,
    /// including through `*` verbs, resources or API groups, and the bindings in the input that
    /// grant such a role. Impersonating `userextras/*` or `uids` is not reported: those only add
    /// attributes to an impersonated user, which needs `impersonate` on `users` first.
    ///
    /// ## Why is this bad?
    /// RBAC stops users from granting permissions they do not hold themselves. These verbs are
    /// the exceptions: `escalate` lets a subject edit a role to add any permission, `bind` lets
    /// it bind any role (such as `cluster-admin`) to itself, and `impersonate` lets it act as
    /// any user, group or service account. Each is a direct path to cluster-admin.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: team-lead
    /// rules:
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["rolebindings", "clusterroles"]
    ///   verbs: ["create", "bind"]
    /// - apiGroups: [""]
    ///   resources: ["users"]
    ///   verbs: ["impersonate"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Creating bindings is checked: a subject may only bind roles whose permissions it holds.
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: team-lead
    /// rules:
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["rolebindings"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Privilege escalation prevention and bootstrapping](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping)
    /// - [Kubernetes: User impersonation](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation)
    /// - [Kubernetes: Role Based Access Control good practices, escalate and bind verbs](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb)
    /// - CIS Kubernetes Benchmark 5.1.8: Limit use of the Bind, Impersonate and Escalate permissions
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC004",
        name: "rbac-escalate-bind-impersonate",
        category: Category::Rbac,
        severity: Severity::Critical,
        summary: "Role can escalate, bind roles or impersonate",
        standards: &["CIS 5.1.8", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const RBAC: &str = "rbac.authorization.k8s.io";
const ESCALATE_OR_BIND: Verbs<'static> = Verbs::OneOf(&["escalate", "bind"]);
const IMPERSONATE: Verbs<'static> = Verbs::OneOf(&["impersonate"]);

/// Impersonating users and groups is asked for without a namespace, so only cluster-wide
/// grants allow it; service accounts are impersonated in their namespace.
const TARGETS: [(Verbs<'static>, Target); 5] = [
    (ESCALATE_OR_BIND, Target::namespaced(RBAC, "roles")),
    (ESCALATE_OR_BIND, Target::cluster(RBAC, "clusterroles")),
    (IMPERSONATE, Target::cluster("", "users")),
    (IMPERSONATE, Target::cluster("", "groups")),
    (IMPERSONATE, Target::namespaced("", "serviceaccounts")),
];

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can escalate, bind roles or impersonate",
    help: "remove escalate, bind and impersonate; let administrators create bindings, and list explicit verbs instead of *",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grants: Vec<_> = TARGETS
        .iter()
        .filter_map(|(verbs, target)| rule.grants(*verbs, target, scope))
        .collect();
    let first = grants.first()?;
    Some(Hit {
        pointer: rule.pointer("verbs", first.verb_index),
        message: format!(
            "{} can escalate privileges: {}",
            rule.label(),
            policy_rule::describe(&grants)
        ),
        severity: None,
    })
}
