//! docs/peer-mapping.md names Palisade's rules as they are: every row's code exists and goes
//! with its name, and every rule is either in the table or listed as having no equivalent.

#![allow(clippy::expect_used, reason = "a test fails loudly")]

use palisade_rules::RULES;

#[test]
fn the_peer_mapping_names_every_rule_as_it_is() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/peer-mapping.md");
    let doc = std::fs::read_to_string(path).expect("docs/peer-mapping.md");
    let mut rows = Vec::new();
    for line in doc.lines() {
        let Some(cell) = line.strip_prefix("| ").and_then(|l| l.split(" |").next()) else {
            continue;
        };
        let Some((code, name)) = cell.split_once(' ') else {
            continue;
        };
        if code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && code.chars().any(|c| c.is_ascii_digit())
        {
            let rule = RULES
                .iter()
                .find(|r| r.code == code)
                .unwrap_or_else(|| panic!("{code} in the table is no rule"));
            assert_eq!(rule.name, name, "{code}");
            rows.push(code);
        }
    }
    for rule in RULES {
        assert!(
            rows.contains(&rule.code) || doc.contains(rule.code),
            "{} is neither mapped nor listed as having no equivalent",
            rule.code
        );
    }
    assert!(rows.len() > 50, "{}", rows.len());
}
