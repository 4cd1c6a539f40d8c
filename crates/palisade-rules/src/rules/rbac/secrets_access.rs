//! RBAC002 `rbac-secrets-access`: a role that can read Secrets.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that allow `get`, `list` or `watch`
    /// on `secrets` in the core API group, including through `*` verbs, resources or API
    /// groups, and the bindings in the input that grant such a role. An entry limited by
    /// `resourceNames` still grants those Secrets: it is reported at medium severity, with the
    /// names.
    ///
    /// ## Why is this bad?
    /// Secrets hold service account tokens, registry credentials, TLS keys and database
    /// passwords. Whoever can read them can act as the workloads they belong to, and often as
    /// more privileged identities, such as a controller's service account. `list` and `watch`
    /// return the values of every Secret in the namespace (or the cluster), not just their
    /// names.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets", "configmaps"]
    ///   verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Mount the Secrets the workload needs as volumes instead of reading them from the API.
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["configmaps"]
    ///   verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, listing secrets](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets)
    /// - [Kubernetes: Good practices for Kubernetes Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - CIS Kubernetes Benchmark 5.1.2: Minimize access to secrets
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1552.007 Unsecured Credentials: Container API
    pub(crate) static RULE = {
        code: "RBAC002",
        name: "rbac-secrets-access",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "Role can read Secrets",
        standards: &["CIS 5.1.2", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1552.007"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const SECRETS: Target = Target::namespaced("", "secrets");
const READ: Verbs<'static> = Verbs::OneOf(&["get", "list", "watch"]);

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can read secrets",
    help: "remove get, list and watch on secrets; mount the Secrets a workload needs, or limit the rule to them with resourceNames",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grant = rule.grants(READ, &SECRETS, scope)?;
    let granted = policy_rule::describe([&grant]);
    let names = rule.resource_names();
    let (message, severity) = if names.is_empty() {
        (
            format!("{} can read every secret: {granted}", rule.label()),
            None,
        )
    } else {
        let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        (
            format!(
                "{} can read secrets {}: {granted}",
                rule.label(),
                names.join(", ")
            ),
            Some(Severity::Medium),
        )
    };
    Some(Hit {
        pointer: rule.pointer("resources", grant.resource.0),
        message,
        severity,
    })
}
