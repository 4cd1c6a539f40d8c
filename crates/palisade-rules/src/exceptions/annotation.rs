//! `palisade.dev/ignore`: findings waived by an annotation on the object itself.
//!
//! Where it counts: on the pod template for findings inside the template, on the object's own
//! metadata for everything else. A Deployment's pods carry its template's annotations, not the
//! Deployment's, and the webhook judges those pods too: an annotation that waived a template
//! finding from the Deployment's own metadata would admit the Deployment and then deny every
//! pod it creates, where nobody looks. With the template as the place, `scan`, the webhook's
//! decision on the Deployment and its decisions on the pods all agree.

use palisade_model::{Object, PodSpecView, PodTemplates, pointer};
use serde_json::{Map, Value};

use crate::finding::{Finding, Waiver, WaiverSource};
use crate::names;
use crate::rule::RuleDef;

/// The annotation listing what to waive: rule codes, rule names or categories,
/// comma-separated, or `all`.
pub const IGNORE_ANNOTATION: &str = "palisade.dev/ignore";
/// The annotation giving the reason for [`IGNORE_ANNOTATION`].
pub const IGNORE_REASON_ANNOTATION: &str = "palisade.dev/ignore-reason";

/// Something wrong with an object's inline exception, to report where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnotationProblem {
    /// `inline-exception-unknown-rule` or `inline-exception-without-reason`.
    pub kind: &'static str,
    /// Pointer to the annotation.
    pub pointer: String,
    pub message: String,
}

/// The annotations that decide whether a finding at `pointer` is waived, and the pointer to
/// the metadata holding them: those of the pod template the finding is in, else the object's.
fn governing<'a>(
    object: &'a Object,
    at: &str,
    templates: &PodTemplates,
) -> (Option<&'a Map<String, Value>>, String) {
    for pod in templates.views(object) {
        if let Some(root) = template_root(&pod)
            && at
                .strip_prefix(root)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        {
            return (pod.annotations(), pod.metadata_pointer().to_string());
        }
    }
    (object.annotations(), "/metadata".to_string())
}

/// Pointer to the pod template of an object that has one (`/spec/template` of a Deployment);
/// `None` for a Pod, which is its own pod, and where the pods' metadata is not the template's
/// (a Prometheus resource's `podMetadata`).
fn template_root<'p>(pod: &'p PodSpecView<'_>) -> Option<&'p str> {
    pod.metadata_pointer()
        .strip_suffix("/metadata")
        .filter(|root| !root.is_empty())
}

/// The entries of an ignore list.
fn entries(listed: &str) -> impl Iterator<Item = &str> {
    listed.split(',').map(str::trim).filter(|e| !e.is_empty())
}

/// The waiver the governing `palisade.dev/ignore` annotation gives a finding, if it names the
/// finding's rule (by code, name or category) or `all`.
pub fn inline_waiver(
    finding: &Finding,
    object: &Object,
    templates: &PodTemplates,
) -> Option<Waiver> {
    let (annotations, _) = governing(object, &finding.pointer, templates);
    waiver_from(annotations?, finding.rule)
}

fn waiver_from(annotations: &Map<String, Value>, rule: &RuleDef) -> Option<Waiver> {
    let listed = annotations.get(IGNORE_ANNOTATION)?.as_str()?;
    if !entries(listed).any(|item| names::names_rule(item, rule)) {
        return None;
    }
    let reason = annotations
        .get(IGNORE_REASON_ANNOTATION)
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
        .map_or_else(
            || format!("no reason given ({IGNORE_REASON_ANNOTATION} is not set)"),
            str::to_string,
        );
    Some(Waiver {
        reason,
        source: WaiverSource::Annotation,
        owner: None,
        expires: None,
    })
}

/// Whether a finding inside a workload's pod template would have been waived by the
/// workload's own annotation, which does not count there (its pods do not carry it).
pub fn misplaced_on_workload(finding: &Finding, object: &Object, templates: &PodTemplates) -> bool {
    let (_, metadata) = governing(object, &finding.pointer, templates);
    metadata != "/metadata"
        && inline_waiver(finding, object, templates).is_none()
        && object
            .annotations()
            .and_then(|a| waiver_from(a, finding.rule))
            .is_some()
}

/// Whether the object or its pod template carries `palisade.dev/ignore`.
pub fn has_ignore_annotation(object: &Object, templates: &PodTemplates) -> bool {
    object
        .annotations()
        .is_some_and(|a| a.contains_key(IGNORE_ANNOTATION))
        || templates.views(object).iter().any(|pod| {
            pod.annotations()
                .is_some_and(|a| a.contains_key(IGNORE_ANNOTATION))
        })
}

/// What is wrong with the object's inline exceptions: names that are no rule, code or
/// category (they waive nothing), and lists without a reason.
pub fn problems(object: &Object, templates: &PodTemplates) -> Vec<AnnotationProblem> {
    let mut places = vec![(object.annotations(), "/metadata".to_string())];
    for pod in templates.views(object) {
        if template_root(&pod).is_some() {
            places.push((pod.annotations(), pod.metadata_pointer().to_string()));
        }
    }
    let mut out = Vec::new();
    for (annotations, metadata) in places {
        let Some(annotations) = annotations else {
            continue;
        };
        let Some(listed) = annotations.get(IGNORE_ANNOTATION).and_then(Value::as_str) else {
            continue;
        };
        let at = pointer::join(&format!("{metadata}/annotations"), IGNORE_ANNOTATION);
        for item in entries(listed) {
            if names::rules_named(item).is_none() {
                out.push(AnnotationProblem {
                    kind: "inline-exception-unknown-rule",
                    pointer: at.clone(),
                    message: format!(
                        "{IGNORE_ANNOTATION}: {}; it waives nothing",
                        names::unknown_message(item)
                    ),
                });
            }
        }
        let has_reason = annotations
            .get(IGNORE_REASON_ANNOTATION)
            .and_then(Value::as_str)
            .is_some_and(|r| !r.trim().is_empty());
        if !has_reason {
            out.push(AnnotationProblem {
                kind: "inline-exception-without-reason",
                pointer: at,
                message: format!(
                    "{IGNORE_ANNOTATION} without {IGNORE_REASON_ANNOTATION}: say why these findings are accepted"
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
