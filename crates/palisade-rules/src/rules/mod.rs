//! The rule catalog, one file per rule, grouped by category (one folder each).

pub(crate) mod api_lifecycle;
pub(crate) mod containers;
pub(crate) mod identity;
pub(crate) mod images;
pub(crate) mod namespaces;
pub(crate) mod network;
pub(crate) mod pss;
pub(crate) mod rbac;
pub(crate) mod reliability;
pub(crate) mod secrets;
