//! Upstream's authorizer tests (`plugin/pkg/auth/authorizer/rbac/rbac_test.go`), transcribed
//! as data in `tests/upstream/authorizer.json`: every case must decide as the API server does.

#![allow(clippy::expect_used, clippy::panic, reason = "a test fails loudly")]

use std::sync::Arc;

use palisade_model::{Object, Origin};
use palisade_rbac::{Policy, PolicyRule, Request, UserInfo};
use serde_json::Value;

fn data() -> Value {
    let text = include_str!("upstream/authorizer.json");
    serde_json::from_str(text).expect("the transcribed tables")
}

fn object(value: &Value) -> Object {
    let origin = Origin {
        path: Arc::from("authorizer.json"),
        document: 0,
        item: None,
        template: None,
    };
    Object::detached(value.clone(), origin).expect("an object")
}

/// The policy of a case's objects, without the defaults (upstream's tables have none).
fn policy_of(case: &Value) -> Policy {
    let objects: Vec<Object> = case["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(object)
        .collect();
    Policy::from_objects(&objects, false)
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn request(value: &Value) -> Request {
    if value.get("path").is_some() {
        return Request::non_resource(text(value, "verb"), text(value, "path"));
    }
    Request::Resource {
        verb: text(value, "verb").into(),
        group: text(value, "apiGroup").into(),
        resource: text(value, "resource").into(),
        subresource: text(value, "subresource").into(),
        namespace: text(value, "namespace").into(),
        name: String::new(),
    }
}

fn user(value: &Value) -> UserInfo {
    UserInfo {
        name: text(value, "user").into(),
        groups: value["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    }
}

#[test]
fn the_authorizer_cases_decide_as_upstream() {
    let data = data();
    let cases = data["authorizer"].as_array().expect("cases");
    assert_eq!(cases.len(), 4);
    for (i, case) in cases.iter().enumerate() {
        let policy = policy_of(case);
        for (key, expected) in [("shouldPass", true), ("shouldFail", false)] {
            for attributes in case[key].as_array().expect("attributes") {
                assert_eq!(
                    policy.allows(&user(attributes), &request(attributes)),
                    expected,
                    "case {i}: {attributes}"
                );
            }
        }
    }
}

#[test]
fn the_rule_cases_match_as_upstream() {
    let data = data();
    let cases = data["ruleMatches"].as_array().expect("cases");
    assert_eq!(cases.len(), 8);
    let mut checked = 0;
    for case in cases {
        let rule = PolicyRule::from_value(&case["rule"]);
        for pair in case["requests"].as_array().expect("requests") {
            let expected = pair[1].as_bool().expect("a verdict");
            assert_eq!(
                rule.allows(&request(&pair[0])),
                expected,
                "{}: {}",
                case["name"],
                pair[0]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 70);
}

/// Upstream's `TestSubjectLocator` (`subject_locator_test.go`): who-can lists the same
/// subjects, in the same order (the superuser group, then ClusterRoleBindings, then
/// RoleBindings).
#[test]
fn who_can_locates_subjects_as_upstream() {
    let data: Value = serde_json::from_str(include_str!("upstream/subject_locator.json"))
        .expect("the transcribed tables");
    let cases = data["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2);
    for case in cases {
        let policy = policy_of(case);
        for action in case["actions"].as_array().expect("actions") {
            let attributes = &action[0];
            let request = Request::Resource {
                verb: text(attributes, "verb").into(),
                group: String::new(),
                resource: text(attributes, "resource").into(),
                subresource: String::new(),
                namespace: text(attributes, "namespace").into(),
                name: String::new(),
            };
            let found: Vec<String> = policy
                .who_can(&request)
                .grants
                .iter()
                .filter_map(|g| g.subject.as_ref())
                .map(|s| match s {
                    palisade_rbac::Subject::User { name } => format!("User:{name}"),
                    palisade_rbac::Subject::Group { name } => format!("Group:{name}"),
                    palisade_rbac::Subject::ServiceAccount { namespace, name } => {
                        format!("ServiceAccount:{namespace}/{name}")
                    }
                })
                .collect();
            let expected: Vec<&str> = action[1]
                .as_array()
                .expect("subjects")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(found, expected, "{}: {attributes}", case["name"]);
        }
    }
}
