//! What cpu and memory requests and limits a container ends up with, shared by
//! `missing-resource-limits` and `missing-resource-requests`.
//!
//! A container's own `resources` count first. The API server then fills in what is missing:
//! a request defaults to the limit of the same resource; pod-level `spec.resources` bound
//! every container; and the LimitRanger admission plugin applies the `Container` defaults of
//! the namespace's LimitRanges. A LimitRange item is itself defaulted: `default` falls back to
//! `max`, and `defaultRequest` to `default`, then to `min`.

use palisade_model::{ContainerView, PodSpecView};
use serde_json::Value;

use crate::snapshot::Snapshot;

/// The resources both rules look at, as named in manifests.
pub(super) const RESOURCES: [&str; 2] = ["cpu", "memory"];

/// Whether a namespace's LimitRanges supply each resource of [`RESOURCES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct NamespaceDefaults {
    pub(super) limits: [bool; 2],
    pub(super) requests: [bool; 2],
}

/// The defaults the LimitRanges of the workload's namespace apply to containers. Objects with
/// no namespace are taken to be applied to the same namespace as each other.
pub(super) fn namespace_defaults(
    snapshot: &Snapshot<'_>,
    namespace: Option<&str>,
) -> NamespaceDefaults {
    let ranges: Vec<_> = match namespace {
        Some(ns) => snapshot.in_namespace(ns, "LimitRange").collect(),
        None => snapshot
            .of_kind("LimitRange")
            .filter(|(_, o)| o.namespace().is_none())
            .collect(),
    };
    let mut defaults = NamespaceDefaults::default();
    let items = ranges
        .iter()
        .filter(|(_, o)| o.group().is_empty())
        .filter_map(|(_, o)| o.at("/spec/limits").and_then(Value::as_array))
        .flatten()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("Container"));
    for item in items {
        let has =
            |field: &str, resource: &str| is_set(item.get(field).and_then(|m| m.get(resource)));
        for (i, resource) in RESOURCES.iter().enumerate() {
            let limit = has("default", resource) || has("max", resource);
            let request = limit || has("defaultRequest", resource) || has("min", resource);
            defaults.limits[i] |= limit;
            defaults.requests[i] |= request;
        }
    }
    defaults
}

fn is_set(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null())
}

/// `resources.<field>.<resource>` of a container, set.
fn container_has(container: &ContainerView<'_>, field: &str, resource: &str) -> bool {
    is_set(container.get(&["resources", field, resource]))
}

fn pod_has(pod: &PodSpecView<'_>, field: &str, resource: &str) -> bool {
    is_set(pod.get(&["resources", field, resource]))
}

/// The resources of [`RESOURCES`] the container ends up without a limit for.
pub(super) fn missing_limits(
    pod: &PodSpecView<'_>,
    container: &ContainerView<'_>,
    defaults: &NamespaceDefaults,
) -> Vec<&'static str> {
    RESOURCES
        .iter()
        .zip(defaults.limits)
        .filter(|&(resource, defaulted)| {
            !(defaulted
                || container_has(container, "limits", resource)
                || pod_has(pod, "limits", resource))
        })
        .map(|(resource, _)| *resource)
        .collect()
}

/// The resources of [`RESOURCES`] the container ends up without a request for.
pub(super) fn missing_requests(
    pod: &PodSpecView<'_>,
    container: &ContainerView<'_>,
    defaults: &NamespaceDefaults,
) -> Vec<&'static str> {
    RESOURCES
        .iter()
        .zip(defaults.requests)
        .filter(|&(resource, defaulted)| {
            !(defaulted
                || container_has(container, "requests", resource)
                || container_has(container, "limits", resource)
                || pod_has(pod, "requests", resource)
                || pod_has(pod, "limits", resource))
        })
        .map(|(resource, _)| *resource)
        .collect()
}

/// Where a missing `resources.<field>` entry belongs: the deepest part that exists.
pub(super) fn missing_pointer(container: &ContainerView<'_>, field: &str) -> String {
    match container.get(&["resources"]) {
        Some(resources) if resources.get(field).is_some_and(Value::is_object) => {
            container.pointer_to(&["resources", field])
        }
        Some(resources) if resources.is_object() => container.pointer_to(&["resources"]),
        _ => container.pointer.clone(),
    }
}

/// `cpu`, `memory`, or `cpu or memory`, for messages.
pub(super) fn list(resources: &[&str]) -> String {
    resources.join(" or ")
}

/// `resources.limits.cpu`, `resources.limits.cpu and resources.limits.memory`, for help lines.
pub(super) fn fields(field: &str, resources: &[&str]) -> String {
    resources
        .iter()
        .map(|r| format!("resources.{field}.{r}"))
        .collect::<Vec<_>>()
        .join(" and ")
}
