//! RBAC011 `rbac-user-direct-binding`: a role bound to an individual user.

use palisade_model::Object;

use super::binding::{self, BINDING_KINDS};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each `User` subject of a ClusterRoleBinding or RoleBinding. Users named
    /// `system:…` are not reported: they are control-plane components, service accounts
    /// written as users, or `system:anonymous` (which `rbac-anonymous-binding` covers).
    ///
    /// ## Why is this bad?
    /// Permissions granted person by person drift: they outlive the job change or the
    /// departure of the person, and nobody can review who has access without reading every
    /// binding. Bind roles to groups that the identity provider manages, so that joining and
    /// leaving a team is one change in one place, audited there.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: shop-developers
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: User
    ///   name: alice@example.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: shop-developers
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: Group
    ///   name: shop-developers
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, periodic review](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#periodic-review)
    /// - [Kubernetes: Using RBAC Authorization, referring to subjects](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC011",
        name: "rbac-user-direct-binding",
        category: Category::Rbac,
        severity: Severity::Low,
        summary: "Role is bound to an individual user instead of a group",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Object { kinds: BINDING_KINDS, check },
    };
}

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(role) = binding::role_ref(object) else {
        return;
    };
    let granted = binding::describe_grant(object, role);
    for subject in binding::subjects(object) {
        if !subject.is_user() || subject.name.starts_with("system:") {
            continue;
        }
        out.push(Violation::new(
            pointer_to_kind(&subject.pointer()),
            format!("grants {granted} to {} directly", subject.describe()),
            "bind a Group from your identity provider and manage membership there",
        ));
    }
}

fn pointer_to_kind(subject: &str) -> String {
    palisade_model::pointer::join(subject, "kind")
}
