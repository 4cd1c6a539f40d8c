//! Invariants of the rule registry: what every rule must have to be listed.

use std::collections::HashSet;

use palisade_rules::{Category, RULES};

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.code), "duplicate code {}", rule.code);
        let letters = rule.code.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = &rule.code[letters.len()..];
        assert!(
            (2..=4).contains(&letters.len())
                && letters.chars().all(|c| c.is_ascii_uppercase())
                && digits.len() == 3,
            "code {} is not <LETTERS><NNN>",
            rule.code
        );
    }
}

#[test]
fn names_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for rule in RULES {
        assert!(seen.insert(rule.name), "duplicate name {}", rule.name);
        let kebab = !rule.name.is_empty()
            && !rule.name.starts_with('-')
            && !rule.name.ends_with('-')
            && !rule.name.contains("--")
            && rule
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(kebab, "name {} is not kebab-case", rule.name);
    }
}

#[test]
fn every_rule_documents_what_why_example_and_references() {
    for rule in RULES {
        let doc = rule.documentation();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(doc.contains(section), "{} lacks `{section}`", rule.code);
        }
        assert!(
            doc.contains("Use instead:"),
            "{} has no \"Use instead:\" example",
            rule.code
        );
        assert!(
            !rule.summary.is_empty() && !rule.summary.ends_with('.'),
            "{}: summary is one phrase",
            rule.code
        );
    }
}

#[test]
fn codes_share_a_prefix_per_category() {
    for category in Category::ALL {
        let prefixes: HashSet<&str> = RULES
            .iter()
            .filter(|r| r.category == category)
            .map(|r| r.code.trim_end_matches(|c: char| c.is_ascii_digit()))
            .collect();
        assert!(
            prefixes.len() <= 1,
            "category {category} mixes code prefixes {prefixes:?}"
        );
    }
}

#[test]
fn all_nineteen_pss_checks_are_registered_once() {
    let ids: Vec<&str> = RULES
        .iter()
        .filter_map(|r| r.pss_check())
        .map(|c| c.id)
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "a PSS check is registered twice");
    assert_eq!(
        unique.len(),
        19,
        "expected the 19 upstream checks, found {ids:?}"
    );
    for rule in RULES.iter().filter(|r| r.pss_check().is_some()) {
        assert_eq!(rule.category, Category::PodSecurity, "{}", rule.code);
        assert!(rule.name.starts_with("pss-"), "{}", rule.code);
    }
}
