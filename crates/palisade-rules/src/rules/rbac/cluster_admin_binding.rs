//! RBAC009 `rbac-cluster-admin-binding`: `cluster-admin` granted to someone other than a
//! system component.

use palisade_model::Object;

use super::binding::{self, BINDING_KINDS, Subject};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each subject of a ClusterRoleBinding or RoleBinding of the ClusterRole
    /// `cluster-admin` that is not a system component. A RoleBinding grants it in one namespace
    /// only, and is reported as high instead of critical.
    ///
    /// This rule goes by the role's name, so that it needs nothing but the binding (and runs at
    /// admission). A binding of a role that is `cluster-admin` in all but name (every verb on
    /// every resource of every API group) is reported as critical by the rules that judge the
    /// role's entries, such as `rbac-wildcard`, when the role is in the input.
    ///
    /// These subjects are system components and are not reported:
    /// - the group `system:masters` (the default `cluster-admin` binding) and kubeadm's
    ///   `kubeadm:cluster-admins` group;
    /// - ServiceAccounts in `kube-system`, and the users `system:serviceaccount:kube-system:*`;
    /// - other users and groups named `system:…` (the control plane's own identities, such as
    ///   `system:kube-controller-manager`).
    ///
    /// These are reported even though their names start with `system:`, because they stand for
    /// many identities: `system:anonymous`, `system:unauthenticated`, `system:authenticated`,
    /// `system:serviceaccounts` and `system:serviceaccounts:<namespace>`, `system:nodes`,
    /// `system:bootstrappers` and `system:bootstrappers:*`, and the users
    /// `system:serviceaccount:<namespace>:<name>` outside `kube-system`.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` allows every action on every resource, including reading every Secret,
    /// changing RBAC and running privileged pods on any node. A compromised workload or account
    /// holding it compromises the cluster. Operators and people rarely need all of it; a role
    /// listing what they use limits the damage.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: shop-operator-admin
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: shop-operator
    ///   namespace: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: shop-operator
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: shop-operator
    /// subjects:
    /// - kind: ServiceAccount
    ///   name: shop-operator
    ///   namespace: shop
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Role Based Access Control good practices, least privilege](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - [Kubernetes: Default roles and role bindings](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings)
    /// - CIS Kubernetes Benchmark 5.1.1: Ensure that the cluster-admin role is only used where required
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC009",
        name: "rbac-cluster-admin-binding",
        category: Category::Rbac,
        severity: Severity::Critical,
        summary: "cluster-admin is bound to a subject that is not a system component",
        standards: &["CIS 5.1.1", "NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Object { kinds: BINDING_KINDS, check },
    };
}

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(role) = binding::role_ref(object) else {
        return;
    };
    if role.kind != "ClusterRole" || role.name != "cluster-admin" {
        return;
    }
    let granted = binding::describe_grant(object, role);
    let namespaced = object.kind == "RoleBinding";
    for subject in binding::subjects(object).filter(|s| !is_system_component(s)) {
        let scope = if namespaced { "" } else { " cluster-wide" };
        let violation = Violation::new(
            subject.pointer(),
            format!("grants {granted}{scope} to {}", subject.describe()),
            "bind a role that grants only what this subject needs; keep cluster-admin for break-glass access",
        );
        out.push(if namespaced {
            violation.with_severity(Severity::High)
        } else {
            violation
        });
    }
}

/// Whether a subject is one of the cluster's own components (see the rule's documentation).
fn is_system_component(subject: &Subject<'_>) -> bool {
    match subject.kind {
        "ServiceAccount" => subject.namespace == Some("kube-system"),
        "User" => match subject.name.strip_prefix("system:serviceaccount:") {
            Some(rest) => rest.starts_with("kube-system:"),
            None => subject.name.starts_with("system:") && subject.name != "system:anonymous",
        },
        "Group" => {
            let name = subject.name;
            let broad = [
                "system:authenticated",
                "system:unauthenticated",
                "system:serviceaccounts",
                "system:nodes",
            ]
            .contains(&name)
                || name.starts_with("system:serviceaccounts:")
                || name == "system:bootstrappers"
                || name.starts_with("system:bootstrappers:");
            name == "kubeadm:cluster-admins" || (name.starts_with("system:") && !broad)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_components_are_told_apart_from_broad_groups() {
        let cases = [
            ("Group", "system:masters", None, true),
            ("Group", "kubeadm:cluster-admins", None, true),
            ("Group", "platform-admins", None, false),
            ("Group", "system:authenticated", None, false),
            ("Group", "system:unauthenticated", None, false),
            ("Group", "system:serviceaccounts", None, false),
            ("Group", "system:serviceaccounts:kube-system", None, false),
            ("Group", "system:nodes", None, false),
            (
                "Group",
                "system:bootstrappers:kubeadm:default-node-token",
                None,
                false,
            ),
            ("User", "system:kube-controller-manager", None, true),
            ("User", "system:anonymous", None, false),
            (
                "User",
                "system:serviceaccount:kube-system:cloud-controller",
                None,
                true,
            ),
            ("User", "system:serviceaccount:shop:default", None, false),
            ("User", "alice@example.com", None, false),
            ("ServiceAccount", "coredns", Some("kube-system"), true),
            ("ServiceAccount", "default", Some("shop"), false),
            ("ServiceAccount", "default", None, false),
        ];
        for (kind, name, namespace, want) in cases {
            let subject = Subject {
                index: 0,
                kind,
                name,
                namespace,
            };
            assert_eq!(is_system_component(&subject), want, "{kind} {name}");
        }
    }
}
