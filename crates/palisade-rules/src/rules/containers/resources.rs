//! What cpu and memory requests and limits a container ends up with, shared by
//! `missing-resource-limits` and `missing-resource-requests`.
//!
//! A container's own `resources` count first. The API server then fills in what is missing:
//! a request defaults to the limit of the same resource; pod-level `spec.resources` bound
//! every container; and the LimitRanger admission plugin applies the `Container` defaults of
//! the namespace's LimitRanges. A LimitRange item is itself defaulted: `default` falls back to
//! `max`, and `defaultRequest` to `default`, then to `min`.

use palisade_model::{ContainerKind, ContainerView, PodSpecView};
use serde_json::Value;

use crate::finding::Violation;
use crate::snapshot::{SetViolation, Snapshot};

/// The resources both rules look at, as named in manifests.
const RESOURCES: [&str; 2] = ["cpu", "memory"];

/// Whether a namespace's LimitRanges supply each resource of [`RESOURCES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NamespaceDefaults {
    limits: [bool; 2],
    requests: [bool; 2],
}

/// The defaults the LimitRanges of the workload's namespace apply to containers. Objects with
/// no namespace are taken to be applied to the same namespace as each other.
fn namespace_defaults(snapshot: &Snapshot<'_>, namespace: Option<&str>) -> NamespaceDefaults {
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

/// Which half of `resources` a rule asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wanted {
    Limits,
    Requests,
}

impl Wanted {
    /// The key under `resources`.
    fn field(self) -> &'static str {
        match self {
            Self::Limits => "limits",
            Self::Requests => "requests",
        }
    }
}

/// Reports every non-ephemeral container of every workload that ends up without the wanted
/// cpu or memory setting (ephemeral containers cannot have resources).
pub(super) fn report_missing(snapshot: &Snapshot<'_>, wanted: Wanted, out: &mut Vec<SetViolation>) {
    let field = wanted.field();
    for (object, pod) in snapshot.workloads() {
        let defaults = namespace_defaults(snapshot, pod.object.namespace());
        for container in pod
            .containers()
            .filter(|c| c.kind != ContainerKind::Ephemeral)
        {
            let missing = missing(&pod, &container, &defaults, wanted);
            if missing.is_empty() {
                continue;
            }
            let (noun, help) = match wanted {
                Wanted::Limits => ("limit", "(or give the namespace a LimitRange default)"),
                Wanted::Requests => ("request", "to what the container needs to run"),
            };
            let violation = Violation::new(
                missing_pointer(&container, field),
                format!("{} has no {} {noun}", container.describe(), list(&missing)),
                format!("set {} {help}", fields(field, &missing)),
            );
            out.push(SetViolation { object, violation });
        }
    }
}

/// The resources of [`RESOURCES`] the container ends up without a limit (or request) for. A
/// limit also serves as the request of the same resource.
fn missing(
    pod: &PodSpecView<'_>,
    container: &ContainerView<'_>,
    defaults: &NamespaceDefaults,
    wanted: Wanted,
) -> Vec<&'static str> {
    let (defaulted, fields): ([bool; 2], &[&str]) = match wanted {
        Wanted::Limits => (defaults.limits, &["limits"]),
        Wanted::Requests => (defaults.requests, &["requests", "limits"]),
    };
    RESOURCES
        .iter()
        .zip(defaulted)
        .filter(|&(resource, defaulted)| {
            !(defaulted
                || fields.iter().any(|field| {
                    container_has(container, field, resource) || pod_has(pod, field, resource)
                }))
        })
        .map(|(resource, _)| *resource)
        .collect()
}

/// Where a missing `resources.<field>` entry belongs: the deepest part that exists.
fn missing_pointer(container: &ContainerView<'_>, field: &str) -> String {
    match container.get(&["resources"]) {
        Some(resources) if resources.get(field).is_some_and(Value::is_object) => {
            container.pointer_to(&["resources", field])
        }
        Some(resources) if resources.is_object() => container.pointer_to(&["resources"]),
        _ => container.pointer.clone(),
    }
}

/// `cpu`, `memory`, or `cpu or memory`, for messages.
fn list(resources: &[&str]) -> String {
    resources.join(" or ")
}

/// `resources.limits.cpu`, `resources.limits.cpu and resources.limits.memory`, for help lines.
fn fields(field: &str, resources: &[&str]) -> String {
    resources
        .iter()
        .map(|r| format!("resources.{field}.{r}"))
        .collect::<Vec<_>>()
        .join(" and ")
}
