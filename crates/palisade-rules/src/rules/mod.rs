//! The rule catalog, one file per rule, grouped by category.

pub(crate) mod pss;
