//! Rules of the `rbac` category.
//!
//! RBAC001–RBAC008 and RBAC013 judge the entries of Roles' and ClusterRoles' `rules` and also report the
//! bindings in the input that grant them (`role_check`); RBAC009–RBAC012 judge bindings alone,
//! so they apply whether or not the bound role is in the input; RBAC014 relates bindings to the
//! roles the input holds.

pub(crate) mod anonymous_binding;
mod binding;
pub(crate) mod binding_role_missing;
pub(crate) mod cluster_admin_binding;
pub(crate) mod csr_approve;
pub(crate) mod default_service_account_binding;
pub(crate) mod escalate_bind_impersonate;
pub(crate) mod escalation_path;
pub(crate) mod exec_attach;
pub(crate) mod node_proxy;
mod policy_rule;
mod role_check;
pub(crate) mod secrets_access;
pub(crate) mod token_create;
pub(crate) mod user_direct_binding;
pub(crate) mod webhook_config_write;
pub(crate) mod wildcard;
pub(crate) mod workload_create;

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_string(),
        None => String::new(),
    }
}
