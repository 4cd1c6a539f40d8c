//! The rule engine: rule definitions, the registry, and evaluation of objects into findings.
//!
//! Rules are pure functions over views of [`palisade_model::Object`]; they report JSON pointers
//! and never do IO. Front ends turn findings into file:line, denial messages or cluster paths.

pub mod bootstrap;
pub mod config;
mod engine;
pub mod exceptions;
mod finding;
pub mod names;
pub mod pss;
pub mod recognised;
pub mod reference;
mod registry;
mod rule;
mod rules;
mod snapshot;
#[cfg(test)]
mod test_support;

pub use engine::{Engine, ObjectResult, Settings};
pub use finding::{Finding, Violation, Waiver, WaiverSource};
pub use pss::{PssLevel, PssProfile, PssVersion};
pub use registry::{RULES, find_rule};
pub use rule::{CUSTOM_RESOURCES, Category, Check, PssCheck, RuleDef, Severity};
pub use snapshot::{SetViolation, Snapshot};
