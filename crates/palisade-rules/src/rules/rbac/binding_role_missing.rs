//! RBAC014 `rbac-binding-role-missing`: a binding to a Role or ClusterRole the input does not
//! hold and Kubernetes does not create.

use std::collections::HashSet;

use super::binding::{self, BINDING_KINDS};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{CUSTOM_RESOURCES, Category, Check, Severity};
use crate::rules::{is_placeholder, scope};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a RoleBinding or ClusterRoleBinding whose `roleRef` names a role that is not
    /// in the input and is not one of Kubernetes' own (`cluster-admin`, `admin`, `edit`,
    /// `view`, the `system:*` roles of a fresh cluster).
    ///
    /// The input may be one part of a cluster's RBAC, so the rule only reports a missing
    /// Role when the input holds Roles in the binding's namespace and no custom resource
    /// there (an operator installed from elsewhere runs there, with Roles of its own), and a
    /// missing ClusterRole when it holds ClusterRoles: then a name that matches none of them
    /// is a typo or a leftover of a role that was deleted.
    ///
    /// Objects that name no namespace are compared with those read from the same directory:
    /// they go wherever they are applied, so unrelated directories of one repository are no
    /// evidence of one another.
    /// A name a templating step has yet to fill in (`$NAME`, `${NAME}`, `<name>`) is left alone.
    ///
    /// This is a set rule: it looks at the whole input set. Its severity is `info`: a
    /// notice that a reference points at nothing.
    ///
    /// ## Why is this bad?
    /// The binding grants nothing today, but its subjects get whatever a role of that name
    /// grants the moment one is created: anyone who may create Roles in the namespace (a
    /// namespace admin) can hand the bound users, groups and ServiceAccounts any permission
    /// they hold themselves, through a binding nobody reviews because it looked inert.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata: {name: deployer, namespace: shop}
    /// rules:
    /// - {apiGroups: [apps], resources: [deployments], verbs: [get, list, patch]}
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: ci-deployer, namespace: shop}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deploy}
    /// subjects:
    /// - {kind: ServiceAccount, name: ci, namespace: ci}
    /// ```
    ///
    /// Use instead: the name of the role the binding is for, or no binding:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: ci-deployer, namespace: shop}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
    /// subjects:
    /// - {kind: ServiceAccount, name: ci, namespace: ci}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC, referring to resources and roles](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization
    pub(crate) static RULE = {
        code: "RBAC014",
        name: "rbac-binding-role-missing",
        category: Category::Rbac,
        severity: Severity::Info,
        summary: "Binding refers to a role that does not exist",
        standards: &["NSA-CISA: authentication and authorization"],
        check: Check::Set {
            kinds: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", CUSTOM_RESOURCES],
            workloads: false,
            check,
        },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let roles: HashSet<_> = snapshot
        .of_kind("Role")
        .filter(|(_, r)| binding::is_rbac(r))
        .map(|(_, r)| (scope(r), r.name()))
        .collect();
    let role_scopes: HashSet<_> = roles.iter().map(|(scope, _)| *scope).collect();
    let cluster_roles: HashSet<&str> = snapshot
        .of_kind("ClusterRole")
        .filter(|(_, r)| binding::is_rbac(r))
        .map(|(_, r)| r.name())
        .collect();
    for kind in BINDING_KINDS {
        for (index, binding) in snapshot.of_kind(kind) {
            let Some(role) = binding::role_ref(binding) else {
                continue;
            };
            let here = scope(binding);
            if is_placeholder(role.name) {
                continue;
            }
            let missing = match role.kind {
                "Role" => {
                    role_scopes.contains(&here)
                        && !snapshot.has_custom_resources(binding.namespace())
                        && !roles.contains(&(here, role.name))
                        && !crate::bootstrap::is_bootstrap_name(
                            "Role",
                            binding.namespace().unwrap_or(""),
                            role.name,
                        )
                }
                _ => {
                    !cluster_roles.is_empty()
                        && !cluster_roles.contains(role.name)
                        && !crate::bootstrap::is_bootstrap_name("ClusterRole", "", role.name)
                }
            };
            if missing {
                out.push(SetViolation {
                    object: index,
                    violation: Violation::new(
                        "/roleRef/name".to_string(),
                        format!(
                            "{} \"{}\" is not in the input and is not one Kubernetes creates: the binding grants nothing now, and whatever a {} of that name grants once someone creates it",
                            role.kind, role.name, role.kind
                        ),
                        "bind the role that exists, or delete the binding",
                    ),
                });
            }
        }
    }
}
