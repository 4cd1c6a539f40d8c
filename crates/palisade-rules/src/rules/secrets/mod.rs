//! Rules of the `secrets` category.

mod detect;
pub(crate) mod secret_in_configmap;
pub(crate) mod secret_in_env_literal;
pub(crate) mod secrets_as_env;
