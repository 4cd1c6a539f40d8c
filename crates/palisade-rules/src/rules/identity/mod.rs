//! Rules of the `identity` category.

pub(crate) mod default_service_account;
pub(crate) mod service_account_automount_enabled;
pub(crate) mod service_account_missing;
pub(crate) mod service_account_token_automount;
