//! Reading RoleBindings and ClusterRoleBindings: the role they grant and to whom.

use palisade_model::{Object, pointer};
use serde_json::Value;

pub(crate) const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The binding kinds, for `Check::Object`.
pub(crate) const BINDING_KINDS: &[&str] = &["RoleBinding", "ClusterRoleBinding"];

/// Whether the object is an RBAC object (any version: v1, v1beta1, v1alpha1).
pub(crate) fn is_rbac(object: &Object) -> bool {
    object.group() == RBAC_GROUP
}

/// A binding's `roleRef`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RoleRef<'a> {
    /// `Role` or `ClusterRole`.
    pub(crate) kind: &'a str,
    pub(crate) name: &'a str,
}

/// The role an RBAC binding grants. `None` for other objects and for a `roleRef` the API server
/// would reject (another API group, a ClusterRoleBinding of a Role).
pub(crate) fn role_ref(binding: &Object) -> Option<RoleRef<'_>> {
    if !is_rbac(binding) || !BINDING_KINDS.contains(&binding.kind.as_str()) {
        return None;
    }
    let role_ref = binding.value.get("roleRef")?;
    let group = role_ref
        .get("apiGroup")
        .and_then(Value::as_str)
        .unwrap_or(RBAC_GROUP);
    let kind = role_ref.get("kind")?.as_str()?;
    let name = role_ref.get("name")?.as_str()?;
    let valid_kind = kind == "ClusterRole" || (kind == "Role" && binding.kind == "RoleBinding");
    (group == RBAC_GROUP && valid_kind && !name.is_empty()).then_some(RoleRef { kind, name })
}

/// One entry of a binding's `subjects`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub(crate) index: usize,
    /// `User`, `Group` or `ServiceAccount`.
    pub(crate) kind: &'a str,
    pub(crate) name: &'a str,
    /// For a ServiceAccount: its namespace (the binding's when the subject leaves it out).
    pub(crate) namespace: Option<&'a str>,
}

/// The subjects of an RBAC binding (none for other objects).
pub(crate) fn subjects(binding: &Object) -> impl Iterator<Item = Subject<'_>> {
    let items = if is_rbac(binding) {
        binding
            .value
            .get("subjects")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    } else {
        &[]
    };
    let fallback = binding.namespace();
    items
        .iter()
        .enumerate()
        .filter_map(move |(index, subject)| {
            let kind = subject.get("kind")?.as_str()?;
            let name = subject.get("name")?.as_str()?;
            let namespace = subject
                .get("namespace")
                .and_then(Value::as_str)
                .filter(|ns| !ns.is_empty())
                .or(fallback);
            Some(Subject {
                index,
                kind,
                name,
                namespace,
            })
        })
}

impl Subject<'_> {
    /// `/subjects/2`.
    pub(crate) fn pointer(&self) -> String {
        pointer::join_index("/subjects", self.index)
    }

    /// `ServiceAccount shop/default`, `User "alice"`, `Group "system:masters"`.
    pub(crate) fn describe(&self) -> String {
        match (self.kind, self.namespace) {
            ("ServiceAccount", Some(ns)) => format!("ServiceAccount {ns}/{}", self.name),
            (kind, _) => format!("{kind} \"{}\"", self.name),
        }
    }

    pub(crate) fn is_user(&self) -> bool {
        self.kind == "User"
    }
}

/// `ClusterRole "view"`, or `ClusterRole "view" in namespace "shop"` for a RoleBinding.
pub(crate) fn describe_grant(binding: &Object, role: RoleRef<'_>) -> String {
    match (binding.kind.as_str(), binding.namespace()) {
        ("RoleBinding", Some(ns)) => {
            format!("{} \"{}\" in namespace \"{ns}\"", role.kind, role.name)
        }
        _ => format!("{} \"{}\"", role.kind, role.name),
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::object;
    use serde_json::json;

    use super::*;

    #[test]
    fn role_refs_the_api_server_accepts() {
        let cases = [
            (
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                json!({"kind": "Role", "name": "r"}),
                Some(("Role", "r")),
            ),
            (
                "rbac.authorization.k8s.io/v1beta1",
                "ClusterRoleBinding",
                json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "c"}),
                Some(("ClusterRole", "c")),
            ),
            (
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                json!({"kind": "Role", "name": "r"}),
                None,
            ),
            (
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                json!({"apiGroup": "example.com", "kind": "Role", "name": "r"}),
                None,
            ),
            (
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                json!({"kind": "Role", "name": ""}),
                None,
            ),
            (
                "example.com/v1",
                "RoleBinding",
                json!({"kind": "Role", "name": "r"}),
                None,
            ),
        ];
        for (api_version, kind, role_ref_value, want) in cases {
            let binding = object(
                json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "b"}, "roleRef": role_ref_value}),
            );
            let got = role_ref(&binding).map(|r| (r.kind, r.name));
            assert_eq!(got, want, "{api_version} {kind} {role_ref_value}");
        }
    }

    #[test]
    fn service_account_subjects_default_to_the_binding_namespace() {
        let binding = object(json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "b", "namespace": "shop"},
            "subjects": [
                {"kind": "ServiceAccount", "name": "web"},
                {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"},
                {"kind": "User", "name": "alice"},
                {"name": "no-kind"},
            ],
        }));
        let shown: Vec<String> = subjects(&binding)
            .map(|s| format!("{} {}", s.pointer(), s.describe()))
            .collect();
        assert_eq!(
            shown,
            [
                "/subjects/0 ServiceAccount shop/web",
                "/subjects/1 ServiceAccount tools/ci",
                "/subjects/2 User \"alice\""
            ]
        );
    }
}
