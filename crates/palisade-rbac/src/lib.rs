//! Kubernetes RBAC as the kube-apiserver's authorizer decides it, from the Roles, ClusterRoles
//! and bindings of a set of objects (manifests or a cluster's), with the defaults of a fresh
//! cluster: who can do something, and what someone can do.
//!
//! The semantics are upstream's (`plugin/pkg/auth/authorizer/rbac` and the `rbac/v1` helpers):
//! `*` verbs, groups and resources; `*/subresource`; a subresource is not covered by its
//! resource; `resourceNames`; non-resource URLs with a trailing `*`; RoleBindings that grant a
//! ClusterRole inside their namespace; the groups every user and service account is in;
//! ClusterRoles aggregated by label selectors as the controller does; and `system:masters`,
//! which the API server lets do anything before RBAC is asked.
//!
//! Pure: no IO, no async, no network. Front ends load the objects.

pub mod defaults;
pub mod paths;
mod policy;
mod query;
mod request;
mod rule;
mod subject;

pub use policy::{Binding, BindingSubject, Policy, Role, RoleRef};
pub use query::{Grant, Named, WhoCan, covers, merge};
pub use request::Request;
pub use rule::PolicyRule;
pub use subject::{Subject, SubjectError, UserInfo};

/// The group whose members the API server lets do anything, before RBAC is asked.
pub const SUPERUSER_GROUP: &str = "system:masters";
