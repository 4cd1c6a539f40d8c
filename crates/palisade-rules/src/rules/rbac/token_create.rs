//! RBAC007 `rbac-token-create`: a role that can mint service account tokens.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a Role's or ClusterRole's `rules` that allow `create` on
    /// `serviceaccounts/token` (including through `*` and `*/token`), and the bindings in the
    /// input that grant such a role.
    ///
    /// ## Why is this bad?
    /// The TokenRequest API issues a token for any service account the subject names, with an
    /// expiry the subject chooses (up to the API server's maximum). It lets the subject act as
    /// the most privileged service account in reach, and keep that access after its own
    /// credentials are revoked. `resourceNames` narrows it to the named service accounts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: ci-deployer
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["serviceaccounts/token"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # The workload gets its own projected token; nobody mints tokens for it.
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: ci-runner
    /// spec:
    ///   serviceAccountName: ci-deployer
    ///   containers:
    ///   - name: runner
    ///     image: registry.example.com/ci/runner:1.4.2
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Managing service accounts, TokenRequest API](https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-token-volume)
    /// - [Kubernetes: Role Based Access Control good practices, token request](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request)
    /// - CIS Kubernetes Benchmark 5.1.13: Minimize access to the service account token creation
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1528 Steal Application Access Token
    pub(crate) static RULE = {
        code: "RBAC007",
        name: "rbac-token-create",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "Role can create service account tokens",
        standards: &["CIS 5.1.13", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1528"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const TOKEN: Target = Target::namespaced("", "serviceaccounts/token");
const CREATE: Verbs<'static> = Verbs::OneOf(&["create"]);

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can create service account tokens",
    help: "remove create on serviceaccounts/token; workloads get tokens through projected volumes",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grant = rule.grants(CREATE, &TOKEN, scope)?;
    let names = rule.resource_names();
    let whose = if names.is_empty() {
        "any service account".to_string()
    } else {
        let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        format!("service accounts {}", names.join(", "))
    };
    Some(Hit {
        pointer: rule.pointer("resources", grant.resource.0),
        message: format!(
            "{} can create tokens for {whose}: {}",
            rule.label(),
            policy_rule::describe([&grant])
        ),
        severity: None,
    })
}
