//! RBAC010 `rbac-anonymous-binding`: a role granted to anonymous or to every authenticated
//! user.

use palisade_model::Object;

use super::binding::{self, BINDING_KINDS, RoleRef, Subject};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each subject of a ClusterRoleBinding or RoleBinding that is the user
    /// `system:anonymous`, the group `system:unauthenticated` or the group
    /// `system:authenticated`.
    ///
    /// The bindings clusters ship with are not reported: `system:authenticated` bound to the
    /// ClusterRoles `system:basic-user`, `system:discovery` or `system:public-info-viewer`;
    /// `system:unauthenticated` bound to `system:public-info-viewer`; any of the three bound to
    /// `system:service-account-issuer-discovery` (the documented way to publish the OIDC
    /// discovery document); and kubeadm's `system:anonymous` binding to the Role
    /// `kubeadm:bootstrap-signer-clusterinfo` in `kube-public`, which lets joining nodes read
    /// the `cluster-info` ConfigMap.
    ///
    /// ## Why is this bad?
    /// `system:anonymous` and `system:unauthenticated` are whoever can reach the API server
    /// without credentials. `system:authenticated` is everyone with any credential at all:
    /// every user of the identity provider, every service account token of every pod, every
    /// node. A binding to any of them hands the role to the whole network or the whole cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: everyone-can-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: Group
    ///   name: system:authenticated
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: engineers-can-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    /// - apiGroup: rbac.authorization.k8s.io
    ///   kind: Group
    ///   name: engineering
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Anonymous requests](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests)
    /// - [Kubernetes: Default roles and role bindings, API discovery roles](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles)
    /// - CIS Kubernetes Benchmark 5.1 (RBAC and Service Accounts); see 1.2.1 on anonymous authentication
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (disable anonymous access)
    /// - MITRE ATT&CK for Containers: T1133 External Remote Services
    pub(crate) static RULE = {
        code: "RBAC010",
        name: "rbac-anonymous-binding",
        category: Category::Rbac,
        severity: Severity::Critical,
        summary: "Role is bound to anonymous or to every authenticated user",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1133"],
        check: Check::Object { kinds: BINDING_KINDS, check },
    };
}

/// ClusterRoles everyone may hold, with the public subjects clusters bind them to.
const SHIPPED: &[(&str, &[&str])] = &[
    ("system:basic-user", &["system:authenticated"]),
    ("system:discovery", &["system:authenticated"]),
    (
        "system:public-info-viewer",
        &["system:authenticated", "system:unauthenticated"],
    ),
    (
        "system:service-account-issuer-discovery",
        &[
            "system:authenticated",
            "system:unauthenticated",
            "system:anonymous",
        ],
    ),
];

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(role) = binding::role_ref(object) else {
        return;
    };
    let granted = binding::describe_grant(object, role);
    for subject in binding::subjects(object) {
        let Some(who) = public_subject(&subject) else {
            continue;
        };
        if is_shipped(object, role, subject.name) {
            continue;
        }
        out.push(Violation::new(
            subject.pointer(),
            format!("grants {granted} to {} ({who})", subject.describe()),
            "bind the role to the groups or service accounts that need it, not to everyone",
        ));
    }
}

/// Who a public subject stands for, or `None` for any other subject.
fn public_subject(subject: &Subject<'_>) -> Option<&'static str> {
    match (subject.kind, subject.name) {
        ("User", "system:anonymous") | ("Group", "system:unauthenticated") => {
            Some("any unauthenticated request")
        }
        ("Group", "system:authenticated") => Some("every authenticated user and service account"),
        _ => None,
    }
}

/// Whether this is one of the bindings clusters ship with (see the rule's documentation).
fn is_shipped(binding: &Object, role: RoleRef<'_>, subject: &str) -> bool {
    match role.kind {
        "ClusterRole" => SHIPPED
            .iter()
            .any(|(name, subjects)| *name == role.name && subjects.contains(&subject)),
        _ => {
            role.name == "kubeadm:bootstrap-signer-clusterinfo"
                && subject == "system:anonymous"
                && binding.namespace() == Some("kube-public")
        }
    }
}
