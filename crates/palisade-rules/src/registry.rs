//! The one ordered list of rules. Its invariants are tests (`tests/registry.rs`).

use crate::rule::RuleDef;
use crate::rules::pss;

/// Every rule, in the order `palisade rules` lists them.
pub static RULES: &[&RuleDef] = &[
    &pss::privileged::RULE,
];

/// Finds a rule by code (`PSS002`) or name (`pss-privileged`), case-insensitively for codes.
pub fn find_rule(code_or_name: &str) -> Option<&'static RuleDef> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}
