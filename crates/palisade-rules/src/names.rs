//! What a user may write where rules are named (configuration, flags, annotations): a rule
//! code (`PSS002`, any case), a rule name (`pss-privileged`), a category (`pod-security`) or
//! `all`; and, for anything else, the closest of those as a suggestion.

use crate::registry::{RULES, find_rule};
use crate::rule::{Category, RuleDef};

/// The rules a code, name, category or `all` stands for; `None` when it is none of these.
pub fn rules_named(text: &str) -> Option<Vec<&'static RuleDef>> {
    if text == "all" {
        return Some(RULES.to_vec());
    }
    if let Some(rule) = find_rule(text) {
        return Some(vec![rule]);
    }
    Category::parse(text).map(|category| {
        RULES
            .iter()
            .copied()
            .filter(|r| r.category == category)
            .collect()
    })
}

/// Whether `text` names `rule`, itself or through its category or `all`.
pub fn names_rule(text: &str, rule: &RuleDef) -> bool {
    text == "all"
        || text.eq_ignore_ascii_case(rule.code)
        || text == rule.name
        || Category::parse(text) == Some(rule.category)
}

/// The rule name, code or category closest to a misspelt `text`, when one is close enough to
/// be what was meant.
pub fn suggestion(text: &str) -> Option<&'static str> {
    let lowered = text.to_ascii_lowercase();
    let candidates = RULES
        .iter()
        .flat_map(|r| [r.name, r.code])
        .chain(Category::ALL.iter().map(|c| c.as_str()));
    candidates
        .map(|candidate| {
            let score = strsim::jaro_winkler(&lowered, &candidate.to_ascii_lowercase());
            (candidate, score)
        })
        .filter(|(_, score)| *score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(candidate, _)| candidate)
}

/// `` `text` is not a rule code, rule name or category``, with a suggestion when there is one.
pub fn unknown_message(text: &str) -> String {
    let mut message = format!("`{text}` is not a rule code, rule name or category");
    if let Some(suggestion) = suggestion(text) {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_categories_and_all_are_rules() {
        assert_eq!(rules_named("pss002").map(|r| r.len()), Some(1));
        assert_eq!(
            rules_named("pss-privileged").map(|r| r[0].code),
            Some("PSS002")
        );
        let images = rules_named("images").expect("a category");
        assert!(images.len() > 1 && images.iter().all(|r| r.category == Category::Images));
        assert_eq!(rules_named("all").map(|r| r.len()), Some(RULES.len()));
        assert!(rules_named("privileged").is_none());
    }

    #[test]
    fn a_rule_is_named_by_its_code_name_category_or_all() {
        let rule = find_rule("PSS002").expect("registered");
        for text in ["PSS002", "pss002", "pss-privileged", "pod-security", "all"] {
            assert!(names_rule(text, rule), "{text}");
        }
        for text in ["images", "pss-privileged-x", ""] {
            assert!(!names_rule(text, rule), "{text}");
        }
    }

    #[test]
    fn misspellings_get_the_closest_name_and_nonsense_gets_none() {
        assert_eq!(suggestion("pss-priviledged"), Some("pss-privileged"));
        assert_eq!(suggestion("image-latest-tags"), Some("image-latest-tag"));
        assert_eq!(suggestion("podsecurity"), Some("pod-security"));
        // (`kubernetes` itself now starts a rule name, `kubernetes-dashboard-deployed`.)
        assert_eq!(suggestion("openshift"), None);
        assert_eq!(suggestion("frobnicate"), None);
        assert_eq!(
            unknown_message("pss-priviledged"),
            "`pss-priviledged` is not a rule code, rule name or category (did you mean `pss-privileged`?)"
        );
    }
}
