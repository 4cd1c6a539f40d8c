//! RBAC001 `rbac-wildcard`: `*` in a role's verbs, resources or API groups.

use super::policy_rule::{PolicyRule, Scope};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that list `*` in `verbs`,
    /// `resources` or `apiGroups`, and the bindings in the input that grant such a role. An
    /// entry with `*` in all three is reported as critical: it is `cluster-admin` (in a
    /// ClusterRole) or namespace owner (in a Role). So is an entry with `*` in `resources` and
    /// `apiGroups` that spells out every verb (`get`, `list`, `watch`, `create`, `update`,
    /// `patch` and `delete`): it grants the same. A partial wildcard such as `*/scale` is not
    /// reported here; the rules for specific permissions (`*/exec`, for one) cover those.
    ///
    /// A binding of a role holding such an entry is critical in every RBAC rule that reports
    /// it, whatever the entry the rule found: the binding is as severe as the worst of what it
    /// grants.
    ///
    /// ## Why is this bad?
    /// A wildcard grants every verb, resource or API group that exists now and every one added
    /// later: new subresources, CRDs installed next year, verbs such as `escalate`, `bind` and
    /// `impersonate`. Nobody reviewing the role can tell what it allows, and it almost always
    /// allows reading Secrets and running pods, which lead to everything else.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: shop-operator
    /// rules:
    /// - apiGroups: ["*"]
    ///   resources: ["*"]
    ///   verbs: ["*"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: shop-operator
    /// rules:
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["get", "list", "watch", "update", "patch"]
    /// - apiGroups: ["shop.example.com"]
    ///   resources: ["carts", "carts/status"]
    ///   verbs: ["get", "list", "watch", "update"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, least privilege](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - [Kubernetes: Using RBAC Authorization, referring to resources](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources)
    /// - CIS Kubernetes Benchmark 5.1.3: Minimize wildcard use in Roles and ClusterRoles
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC001",
        name: "rbac-wildcard",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "Role grants `*` verbs, resources or API groups",
        standards: &["CIS 5.1.3", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "uses wildcards",
    help: "list the verbs, resources and API groups the subjects need instead of *",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, _scope: Scope) -> Option<Hit> {
    let wildcards = rule.wildcards();
    let &(field, item) = wildcards.first()?;
    let mut fields: Vec<&str> = Vec::new();
    for (f, _) in &wildcards {
        if !fields.contains(f) {
            fields.push(f);
        }
    }
    let severity = (fields.len() == 3 || rule.grants_everything()).then_some(Severity::Critical);
    Some(Hit {
        pointer: rule.pointer(field, item),
        message: format!("{} uses * in {}", rule.label(), super::join_and(&fields)),
        severity,
    })
}
