//! Rules of the `api-lifecycle` category.

pub(crate) mod deprecated_api_version;
pub(crate) mod deprecations;
