//! The structural faults that keep rules from reading an object. Kubernetes rejects every one
//! of them; Palisade reports them so that an object it could not read is never a clean one.

use serde_json::Value;

use super::{PodTemplates, resolve};
use crate::kinds;
use crate::object::Object;

/// A place in an object whose type is not the one Kubernetes expects there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeProblem {
    pub pointer: String,
    pub message: String,
}

impl ShapeProblem {
    pub(super) fn wrong_type(at: &str, found: &Value, expected: &str) -> Self {
        let shown = if at.is_empty() { "the object" } else { at };
        Self {
            pointer: at.to_string(),
            message: format!(
                "{shown} is {} where Kubernetes expects {expected}: the API server rejects this object, and the rules that read this part of it did not run",
                type_name(found)
            ),
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

pub(super) fn problems(templates: &PodTemplates, object: &Object) -> Vec<ShapeProblem> {
    let mut out = Vec::new();
    if let Some(problem) = wrong_group(templates, object) {
        out.push(problem);
    }
    if let Some(location) = templates.location_of(object) {
        for pattern in &location.specs {
            for (at, value) in resolve(&object.value, pattern, &mut out) {
                if let Some(value) = value
                    && !matches!(value, Value::Object(_) | Value::Null)
                {
                    out.push(ShapeProblem::wrong_type(
                        &at,
                        value,
                        "a pod spec (a mapping)",
                    ));
                }
            }
        }
    }
    for pod in templates.views(object) {
        let metadata_at = pod.metadata_pointer();
        expect_mapping(object.value.pointer(metadata_at), metadata_at, &mut out);
        for field in ["labels", "annotations"] {
            let at = format!("{metadata_at}/{field}");
            expect_mapping(object.value.pointer(&at), &at, &mut out);
        }
        let spec = pod.spec_pointer();
        let context_at = format!("{spec}/securityContext");
        expect_mapping(pod.spec().get("securityContext"), &context_at, &mut out);
        expect_list(
            pod.spec().get("volumes"),
            &format!("{spec}/volumes"),
            &mut out,
        );
        for &(_, field) in pod.container_lists() {
            let at = format!("{spec}/{field}");
            let Some(list) = pod.spec().get(field) else {
                continue;
            };
            if !expect_list(Some(list), &at, &mut out) {
                continue;
            }
            for (index, entry) in list.as_array().into_iter().flatten().enumerate() {
                let entry_at = format!("{at}/{index}");
                if !matches!(entry, Value::Object(_) | Value::Null) {
                    out.push(ShapeProblem::wrong_type(
                        &entry_at,
                        entry,
                        "a container (a mapping)",
                    ));
                    continue;
                }
                let context_at = format!("{entry_at}/securityContext");
                expect_mapping(entry.get("securityContext"), &context_at, &mut out);
            }
        }
    }
    out
}

/// A kind Kubernetes does not serve in a group it owns: `v1` with `kind: Deployment`.
fn wrong_group(templates: &PodTemplates, object: &Object) -> Option<ShapeProblem> {
    let group = object.group();
    if !kinds::is_built_in_group(group)
        || kinds::is_built_in(group, &object.kind)
        || templates.location_of(object).is_some()
    {
        return None;
    }
    let serving: Vec<String> = kinds::groups_serving(&object.kind)
        .map(|g| {
            if g.is_empty() {
                "the core group (apiVersion: v1)".to_string()
            } else {
                format!("`{g}`")
            }
        })
        .collect();
    let instead = if serving.is_empty() {
        String::new()
    } else {
        format!("; Kubernetes serves it in {}", serving.join(" and "))
    };
    Some(ShapeProblem {
        pointer: "/kind".to_string(),
        message: format!(
            "`{}` is not a kind of apiVersion `{}`{instead}: the API server rejects this object, and no rule checked it",
            object.kind, object.api_version
        ),
    })
}

fn expect_mapping(value: Option<&Value>, at: &str, out: &mut Vec<ShapeProblem>) {
    if let Some(value) = value
        && !matches!(value, Value::Object(_) | Value::Null)
    {
        out.push(ShapeProblem::wrong_type(at, value, "a mapping"));
    }
}

/// Whether the value is absent, null or a list; reports it otherwise.
fn expect_list(value: Option<&Value>, at: &str, out: &mut Vec<ShapeProblem>) -> bool {
    match value {
        None | Some(Value::Null | Value::Array(_)) => true,
        Some(other) => {
            out.push(ShapeProblem::wrong_type(at, other, "a list"));
            false
        }
    }
}
