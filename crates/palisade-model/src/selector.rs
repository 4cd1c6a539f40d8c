//! Kubernetes label selectors (`matchLabels` and `matchExpressions`), evaluated against a set
//! of labels the way apimachinery's `LabelSelectorAsSelector` does.
//!
//! A selector the API server would reject (an unknown operator, `In` without values, `Exists`
//! with values, a value that is not a string) parses to `None`: it selects nothing, because an
//! object carrying it is never admitted and so protects nothing.

use serde_json::{Map, Value};

/// A parsed label selector: every requirement must hold. No requirements selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector<'a> {
    requirements: Vec<Requirement<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement<'a> {
    /// From `matchLabels`.
    Equals(&'a str, &'a str),
    In(&'a str, Vec<&'a str>),
    NotIn(&'a str, Vec<&'a str>),
    Exists(&'a str),
    DoesNotExist(&'a str),
}

impl<'a> LabelSelector<'a> {
    /// Parses a `LabelSelector` value. Absent and `null` are the empty selector, as Go decodes a
    /// missing struct field (callers for which absent means "nothing" check that first).
    pub fn parse(value: Option<&'a Value>) -> Option<Self> {
        let map = match value {
            None | Some(Value::Null) => return Some(Self::default()),
            Some(Value::Object(map)) => map,
            Some(_) => return None,
        };
        let mut requirements = Vec::new();
        match map.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (key, value) in labels {
                    requirements.push(Requirement::Equals(key, value.as_str()?));
                }
            }
            Some(_) => return None,
        }
        match map.get("matchExpressions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(expressions)) => {
                for expression in expressions {
                    requirements.push(parse_expression(expression)?);
                }
            }
            Some(_) => return None,
        }
        Some(Self { requirements })
    }

    /// Whether the selector has no requirements, and so selects every object.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The selector with a prefix taken off every key that has one (Cilium writes `k8s:app`
    /// for the label `app`).
    pub fn strip_key_prefixes(mut self, prefixes: &[&str]) -> Self {
        let strip = |key: &mut &'a str| {
            if let Some(rest) = prefixes.iter().find_map(|p| key.strip_prefix(p)) {
                *key = rest;
            }
        };
        for requirement in &mut self.requirements {
            match requirement {
                Requirement::Equals(key, _)
                | Requirement::In(key, _)
                | Requirement::NotIn(key, _)
                | Requirement::Exists(key)
                | Requirement::DoesNotExist(key) => strip(key),
            }
        }
        self
    }

    /// The label keys the selector reads.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.requirements
            .iter()
            .map(|requirement| match requirement {
                Requirement::Equals(key, _)
                | Requirement::In(key, _)
                | Requirement::NotIn(key, _)
                | Requirement::Exists(key)
                | Requirement::DoesNotExist(key) => *key,
            })
    }

    /// Whether labels satisfy every requirement. Labels whose value is not a string count as
    /// absent (the API server admits only strings).
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        self.requirements
            .iter()
            .all(|requirement| match requirement {
                Requirement::Equals(key, value) => label(key) == Some(*value),
                Requirement::In(key, values) => label(key).is_some_and(|v| values.contains(&v)),
                Requirement::NotIn(key, values) => label(key).is_none_or(|v| !values.contains(&v)),
                Requirement::Exists(key) => label(key).is_some(),
                Requirement::DoesNotExist(key) => label(key).is_none(),
            })
    }
}

fn parse_expression(expression: &Value) -> Option<Requirement<'_>> {
    let key = expression.get("key")?.as_str()?;
    let operator = expression.get("operator")?.as_str()?;
    let values: Vec<&str> = match expression.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values.iter().map(Value::as_str).collect::<Option<_>>()?,
        Some(_) => return None,
    };
    match operator {
        "In" if !values.is_empty() => Some(Requirement::In(key, values)),
        "NotIn" if !values.is_empty() => Some(Requirement::NotIn(key, values)),
        "Exists" if values.is_empty() => Some(Requirement::Exists(key)),
        "DoesNotExist" if values.is_empty() => Some(Requirement::DoesNotExist(key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn labels(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn selectors_match_labels_as_the_api_server_does() {
        let web = labels(json!({"app": "web", "tier": "frontend"}));
        let cases: &[(Value, bool)] = &[
            (json!({}), true),
            (Value::Null, true),
            (json!({"matchLabels": {"app": "web"}}), true),
            (json!({"matchLabels": {"app": "db"}}), false),
            (
                json!({"matchLabels": {"app": "web", "tier": "backend"}}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["db", "web"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["db"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["x"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "team", "operator": "Exists"}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}),
                false,
            ),
            (
                json!({"matchLabels": {"app": "web"},
                       "matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}),
                false,
            ),
        ];
        for (selector, expected) in cases {
            let parsed =
                LabelSelector::parse(Some(selector)).unwrap_or_else(|| panic!("{selector} parses"));
            assert_eq!(parsed.matches(Some(&web)), *expected, "{selector}");
        }
    }

    #[test]
    fn invalid_selectors_select_nothing() {
        let cases = [
            json!({"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]}),
            json!({"matchExpressions": [{"key": "app", "operator": "In", "values": []}]}),
            json!({"matchExpressions": [{"key": "app", "operator": "In"}]}),
            json!({"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["web"]}]}),
            json!({"matchExpressions": [{"operator": "Exists"}]}),
            json!({"matchLabels": {"app": 1}}),
            json!({"matchLabels": ["app"]}),
            json!("app=web"),
        ];
        for selector in cases {
            assert_eq!(LabelSelector::parse(Some(&selector)), None, "{selector}");
        }
    }

    #[test]
    fn absent_selector_is_empty_and_selects_unlabelled_pods() {
        let selector = LabelSelector::parse(None).unwrap_or_default();
        assert!(selector.is_empty());
        assert!(selector.matches(None));
        let not_in =
            json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]});
        let parsed = LabelSelector::parse(Some(&not_in)).unwrap_or_default();
        assert!(!parsed.is_empty());
        assert!(parsed.matches(None), "NotIn holds for a missing label");
    }

    #[test]
    fn non_string_label_values_count_as_absent() {
        let pod = labels(json!({"app": 7}));
        let exists = json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]});
        let parsed = LabelSelector::parse(Some(&exists)).unwrap_or_default();
        assert!(!parsed.matches(Some(&pod)));
    }
}
