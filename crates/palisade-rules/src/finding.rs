//! What rules report and what the engine makes of it.

use palisade_model::ObjectRef;

use crate::rule::{RuleDef, Severity};

/// One problem a rule found: where (a JSON pointer into the object), what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Pointer to the offending field, or to where the missing field belongs.
    pub pointer: String,
    /// One line naming the container (or other part) and the field.
    pub message: String,
    /// One line saying what to set instead.
    pub help: String,
}

impl Violation {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self { pointer: pointer.into(), message: message.into(), help: help.into() }
    }
}

/// A violation attributed to a rule and an object.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleDef,
    /// The effective severity (the rule's default unless configuration overrides it).
    pub severity: Severity,
    pub object: ObjectRef,
    pub pointer: String,
    pub message: String,
    pub help: String,
}
