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
    /// A severity for this violation other than the rule's default (a rule whose findings
    /// range in severity, such as `SYS_ADMIN` among dangerous capabilities).
    pub severity: Option<Severity>,
}

impl Violation {
    pub fn new(
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
            help: help.into(),
            severity: None,
        }
    }

    /// This violation at another severity than the rule's default.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
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
    /// Set when an exception covers this finding: it is still reported, marked waived.
    pub waiver: Option<Waiver>,
}

/// Why a finding is waived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The reason the exception gives.
    pub reason: String,
    /// Where the exception is written: `config` (with file) or `annotation`.
    pub source: WaiverSource,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`, when the exception has an expiry date.
    pub expires: Option<String>,
}

/// Where an exception was declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaiverSource {
    /// An entry of `exceptions` in a configuration file.
    Config { file: String, index: usize },
    /// The `palisade.dev/ignore` annotation on the object.
    Annotation,
}
