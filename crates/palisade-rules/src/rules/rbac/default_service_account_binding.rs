//! RBAC012 `rbac-default-service-account-binding`: a role granted to a namespace's `default`
//! ServiceAccount.

use palisade_model::Object;

use super::binding::{self, BINDING_KINDS, RoleRef, Subject};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each subject of a ClusterRoleBinding or RoleBinding that is a namespace's
    /// `default` ServiceAccount: `kind: ServiceAccount` with `name: default` (in the binding's
    /// namespace when the subject names none), or the user
    /// `system:serviceaccount:<namespace>:default`.
    ///
    /// The groups `system:serviceaccounts` and `system:serviceaccounts:<namespace>` are
    /// reported too: they hold the `default` ServiceAccount of every namespace, or of one. The
    /// bindings clusters ship with are not reported: these groups bound to the ClusterRoles
    /// `system:service-account-issuer-discovery`, `system:basic-user`, `system:discovery` and
    /// `system:public-info-viewer`, which everyone may hold.
    ///
    /// ## Why is this bad?
    /// Every pod that names no ServiceAccount runs as its namespace's `default` one, and so do
    /// the pods of anyone who may create pods in the namespace. A role granted to `default` is
    /// granted to all of them: a permission meant for one workload leaks to every other, and
    /// to whatever an attacker starts there. Give the workload that needs the role a
    /// ServiceAccount of its own and bind that.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: config-reader, namespace: shop}
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: config-reader
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: default
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: config-reader, namespace: shop}
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: config-reader
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: storefront
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Service account permissions](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions)
    /// - CIS Kubernetes Benchmark 5.1.5: Ensure that default service accounts are not actively used
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC012",
        name: "rbac-default-service-account-binding",
        category: Category::Rbac,
        severity: Severity::Medium,
        summary: "Role is bound to a namespace's default ServiceAccount",
        standards: &["CIS 5.1.5", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Object { kinds: BINDING_KINDS, check },
    };
}

/// ClusterRoles everyone may hold (see `rbac-anonymous-binding`).
const PUBLIC_ROLES: &[&str] = &[
    "system:service-account-issuer-discovery",
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
];

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(role) = binding::role_ref(object) else {
        return;
    };
    let granted = binding::describe_grant(object, role);
    for subject in binding::subjects(object) {
        let Some(who) = default_accounts(&subject, role) else {
            continue;
        };
        out.push(Violation::new(
            subject.pointer(),
            format!("grants {granted} to {who}; pods that name no ServiceAccount run as it"),
            "create a ServiceAccount for the workload that needs the role, bind it instead, and set serviceAccountName on its pods",
        ));
    }
}

/// The default ServiceAccount(s) the subject stands for, described; `None` for other subjects
/// and for the public roles' shipped group bindings.
fn default_accounts(subject: &Subject<'_>, role: RoleRef<'_>) -> Option<String> {
    match subject.kind {
        "ServiceAccount" if subject.name == "default" => Some(format!(
            "the default ServiceAccount of namespace \"{}\"",
            subject.namespace.unwrap_or("(unset)")
        )),
        "User" => {
            let rest = subject.name.strip_prefix("system:serviceaccount:")?;
            let namespace = rest.strip_suffix(":default")?;
            Some(format!(
                "the default ServiceAccount of namespace \"{namespace}\" (as {})",
                subject.describe()
            ))
        }
        "Group" => {
            if role.kind == "ClusterRole" && PUBLIC_ROLES.contains(&role.name) {
                return None;
            }
            if subject.name == "system:serviceaccounts" {
                return Some(format!(
                    "{} (every ServiceAccount, the default one of every namespace among them)",
                    subject.describe()
                ));
            }
            let namespace = subject.name.strip_prefix("system:serviceaccounts:")?;
            Some(format!(
                "{} (every ServiceAccount of namespace \"{namespace}\", the default one among them)",
                subject.describe()
            ))
        }
        _ => None,
    }
}
