//! Rules of the `namespaces` category.

pub(crate) mod default_namespace;
pub(crate) mod namespace_missing_pss_label;
pub(crate) mod namespace_missing_resource_quota;
pub(crate) mod workload_namespaces;
