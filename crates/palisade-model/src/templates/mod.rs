//! Where objects keep their pod specs: Kubernetes' own workloads, the custom resources of
//! well-known projects (Argo Rollouts, OpenShift, Knative, Tekton, …), any custom resource
//! shaped like a controller (`spec.template.spec.containers`), and what the user configures.
//! A privileged container is as dangerous in a `Rollout` as in a `Deployment`.

mod builtin;
mod shape;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use serde_json::{Map, Value};

use crate::object::Object;
use crate::pod::{EMPTY, POD_LISTS, PodSpecView, TEKTON_LISTS};
use crate::{kinds, pointer};

pub use shape::ShapeProblem;

/// Which fields of a spec hold containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerLists {
    /// `initContainers`, `containers`, `ephemeralContainers`: a pod spec.
    Pod,
    /// `steps` and `sidecars`: a Tekton task spec.
    Tekton,
}

impl ContainerLists {
    fn fields(self) -> &'static [(crate::ContainerKind, &'static str)] {
        match self {
            Self::Pod => POD_LISTS,
            Self::Tekton => TEKTON_LISTS,
        }
    }
}

/// Where the pod specs of one kind are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateLocation {
    /// The API group (`""` for the core group).
    pub group: String,
    pub kind: String,
    /// Pointers to the pod specs; a `*` token stands for every list index or mapping key
    /// (`/spec/tasks/*/template/spec`).
    pub specs: Vec<String>,
    /// Pointer to the pods' metadata when it is not beside the spec (`/spec/podMetadata`).
    /// By default it is the `metadata` beside a spec named `spec`, else the `metadata` inside
    /// the spec.
    pub metadata: Option<String>,
    /// An operator merges this spec into a pod template it owns (Prometheus, Crossplane's
    /// runtime configuration, Tekton steps inside a pod Tekton builds): only the checks that
    /// report what is set run on it, since what it leaves out the operator may fill in.
    pub overlay: bool,
    pub containers: ContainerLists,
    /// An absent spec is an empty one (Kubernetes' own kinds, as the API server decodes them);
    /// a custom resource without one runs no pods of its own (a `Rollout` with a
    /// `workloadRef`).
    absent_is_empty: bool,
}

impl TemplateLocation {
    /// A complete pod spec at each of `specs` (what a user configures).
    pub fn new(group: &str, kind: &str, specs: Vec<String>) -> Self {
        Self {
            group: group.to_string(),
            kind: kind.to_string(),
            specs,
            metadata: None,
            overlay: false,
            containers: ContainerLists::Pod,
            absent_is_empty: false,
        }
    }
}

/// Checks a pointer pattern of a [`TemplateLocation`]: it must start with `/`, and name
/// something below the object's root.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    if !pattern.starts_with('/') || pattern.len() < 2 {
        return Err(format!(
            "`{pattern}` is not a JSON pointer such as /spec/template/spec"
        ));
    }
    if pattern.split('/').skip(1).any(str::is_empty) {
        return Err(format!("`{pattern}` has an empty token"));
    }
    Ok(())
}

/// The table of where pod specs are, by kind.
#[derive(Clone, Debug)]
pub struct PodTemplates {
    locations: Vec<TemplateLocation>,
    /// Indexes into `locations` by kind (the group is compared after).
    by_kind: HashMap<String, Vec<usize>>,
}

static BUILT_IN: LazyLock<PodTemplates> = LazyLock::new(|| PodTemplates::with_configured(vec![]));

impl Default for PodTemplates {
    fn default() -> Self {
        Self::built_in().clone()
    }
}

impl PodTemplates {
    /// The built-in table.
    pub fn built_in() -> &'static Self {
        &BUILT_IN
    }

    /// The built-in table with the user's locations, which replace a built-in one of the same
    /// group and kind.
    pub fn with_configured(configured: Vec<TemplateLocation>) -> Self {
        let mut locations = configured;
        for row in builtin::BUILT_IN {
            for &group in row.groups {
                for &kind in row.kinds {
                    if locations.iter().any(|l| l.group == group && l.kind == kind) {
                        continue;
                    }
                    locations.push(TemplateLocation {
                        group: group.to_string(),
                        kind: kind.to_string(),
                        specs: row.specs.iter().map(|s| (*s).to_string()).collect(),
                        metadata: row.metadata.map(str::to_string),
                        overlay: row.overlay,
                        containers: row.containers,
                        absent_is_empty: row.project == builtin::KUBERNETES,
                    });
                }
            }
        }
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, location) in locations.iter().enumerate() {
            by_kind
                .entry(location.kind.clone())
                .or_default()
                .push(index);
        }
        Self { locations, by_kind }
    }

    /// Every location, configured ones first.
    pub fn locations(&self) -> &[TemplateLocation] {
        &self.locations
    }

    /// The location the table gives for an object's group and kind.
    pub fn location_of(&self, object: &Object) -> Option<&TemplateLocation> {
        let group = object.group();
        self.by_kind
            .get(object.kind.as_str())?
            .iter()
            .map(|&i| &self.locations[i])
            .find(|l| l.group == group)
    }

    /// Every pod spec of an object: at the places the table gives for its kind, or, for a
    /// custom resource the table does not name, at `spec.template.spec` when that holds a
    /// list of containers.
    pub fn views<'a>(&self, object: &'a Object) -> Vec<PodSpecView<'a>> {
        let mut out = Vec::new();
        match self.location_of(object) {
            Some(location) => {
                for pattern in &location.specs {
                    for (at, value) in resolve(&object.value, pattern, &mut Vec::new()) {
                        let spec = match value {
                            Some(Value::Object(map)) => map,
                            Some(Value::Null) => &*EMPTY,
                            None if location.absent_is_empty => &*EMPTY,
                            _ => continue,
                        };
                        out.push(view(object, location, spec, at));
                    }
                }
            }
            None if !kinds::is_built_in_group(object.group()) => {
                if let Some(spec) = object
                    .value
                    .pointer(GENERIC_SPEC)
                    .and_then(Value::as_object)
                    && spec.get("containers").is_some_and(Value::is_array)
                {
                    let location = TemplateLocation::new(
                        object.group(),
                        &object.kind,
                        vec![GENERIC_SPEC.to_string()],
                    );
                    out.push(view(object, &location, spec, GENERIC_SPEC.to_string()));
                }
            }
            None => {}
        }
        out
    }

    /// What in the object's structure keeps rules from reading it: a spec that is a list, a
    /// `containers` that is not a list, a built-in kind under the wrong `apiVersion`. The API
    /// server rejects such objects; a report must say so rather than pass them in silence.
    pub fn problems(&self, object: &Object) -> Vec<ShapeProblem> {
        shape::problems(self, object)
    }
}

/// Where a custom resource shaped like a controller keeps its pod spec.
const GENERIC_SPEC: &str = "/spec/template/spec";

fn view<'a>(
    object: &'a Object,
    location: &TemplateLocation,
    spec: &'a Map<String, Value>,
    at: String,
) -> PodSpecView<'a> {
    let metadata_at = match &location.metadata {
        Some(explicit) => explicit.clone(),
        None => match at.strip_suffix("/spec") {
            Some(parent) => format!("{parent}/metadata"),
            None => format!("{at}/metadata"),
        },
    };
    let metadata = object
        .value
        .pointer(&metadata_at)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY);
    PodSpecView::new(
        object,
        spec,
        metadata,
        (Arc::from(at), Arc::from(metadata_at)),
        location.overlay,
        location.containers.fields(),
    )
}

/// The values a pattern names, each with its pointer; `None` where it is absent (or under
/// a `null`). A step that cannot be taken (a key into a string, a `*` over a number) yields
/// nothing, and a [`ShapeProblem`] in `problems`.
fn resolve<'a>(
    root: &'a Value,
    pattern: &str,
    problems: &mut Vec<ShapeProblem>,
) -> Vec<(String, Option<&'a Value>)> {
    let mut out = Vec::new();
    let tokens: Vec<_> = pointer::tokens(pattern).collect();
    walk(root, &tokens, String::new(), &mut out, problems);
    out
}

fn walk<'a>(
    value: &'a Value,
    tokens: &[std::borrow::Cow<'_, str>],
    at: String,
    out: &mut Vec<(String, Option<&'a Value>)>,
    problems: &mut Vec<ShapeProblem>,
) {
    let Some((token, rest)) = tokens.split_first() else {
        out.push((at, Some(value)));
        return;
    };
    match (value, token.as_ref()) {
        (Value::Array(items), "*") => {
            for (i, item) in items.iter().enumerate() {
                walk(item, rest, pointer::join_index(&at, i), out, problems);
            }
        }
        (Value::Object(map), "*") => {
            for (key, item) in map {
                walk(item, rest, pointer::join(&at, key), out, problems);
            }
        }
        (Value::Object(map), key) => {
            let next = pointer::join(&at, key);
            match map.get(key) {
                Some(item) => walk(item, rest, next, out, problems),
                None => absent(next, rest, out),
            }
        }
        (Value::Array(items), index) if index.parse::<usize>().is_ok() => {
            if let Some(item) = index.parse::<usize>().ok().and_then(|i| items.get(i)) {
                walk(item, rest, format!("{at}/{index}"), out, problems);
            }
        }
        (Value::Null, "*") => {}
        (Value::Null, key) => absent(pointer::join(&at, key), rest, out),
        (other, token) => problems.push(ShapeProblem::wrong_type(
            &at,
            other,
            if token == "*" {
                "a list or mapping"
            } else {
                "a mapping"
            },
        )),
    }
}

/// Records an absent spec. Only a wildcard-free rest of a pattern names one place.
fn absent(at: String, rest: &[std::borrow::Cow<'_, str>], out: &mut Vec<(String, Option<&Value>)>) {
    if rest.iter().any(|t| t == "*") {
        return;
    }
    let at = rest.iter().fold(at, |at, token| pointer::join(&at, token));
    out.push((at, None));
}

#[cfg(test)]
mod tests;
