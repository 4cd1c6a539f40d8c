//! The whole input as one set, for rules that relate objects to each other (NetworkPolicy
//! coverage, a binding and the role it grants, a pod and its ServiceAccount).
//!
//! Indexes are built once, so set rules look objects up instead of looping over everything.

use std::collections::HashMap;

use palisade_model::{Object, PodSpecView, PodTemplates};

use crate::finding::Violation;

/// Every object set rules may read, with indexes by kind and by namespace.
#[derive(Debug)]
pub struct Snapshot<'a> {
    objects: &'a [Object],
    templates: &'a PodTemplates,
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_namespace_kind: HashMap<&'a str, HashMap<&'a str, Vec<usize>>>,
    /// The namespaces (`None`: none named) holding custom resources.
    custom_resources_in: std::collections::HashSet<Option<&'a str>>,
}

/// A violation found on one object of the snapshot (by its index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetViolation {
    pub object: usize,
    pub violation: Violation,
}

impl<'a> Snapshot<'a> {
    /// The snapshot of `objects`, whose pod specs are where `templates` says.
    pub fn new(objects: &'a [Object], templates: &'a PodTemplates) -> Self {
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_namespace_kind: HashMap<&str, HashMap<&str, Vec<usize>>> = HashMap::new();
        let mut custom_resources_in = std::collections::HashSet::new();
        for (i, object) in objects.iter().enumerate() {
            by_kind.entry(object.kind.as_str()).or_default().push(i);
            if !palisade_model::kinds::is_built_in_group(object.group()) {
                custom_resources_in.insert(object.namespace());
            }
            if let Some(ns) = object.namespace() {
                by_namespace_kind
                    .entry(ns)
                    .or_default()
                    .entry(object.kind.as_str())
                    .or_default()
                    .push(i);
            }
        }
        Self {
            objects,
            templates,
            by_kind,
            by_namespace_kind,
            custom_resources_in,
        }
    }

    pub fn objects(&self) -> &'a [Object] {
        self.objects
    }

    pub fn get(&self, index: usize) -> Option<&'a Object> {
        self.objects.get(index)
    }

    /// Objects of a kind (any API group: check the group where it matters), with their indexes.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = (usize, &'a Object)> + '_ {
        let objects = self.objects;
        let indexes: &[usize] = self.by_kind.get(kind).map_or(&[], Vec::as_slice);
        indexes.iter().map(move |&i| (i, &objects[i]))
    }

    /// Objects of a kind in a namespace, with their indexes.
    pub fn in_namespace(
        &self,
        namespace: &str,
        kind: &str,
    ) -> impl Iterator<Item = (usize, &'a Object)> + '_ {
        let objects = self.objects;
        let indexes: &[usize] = self
            .by_namespace_kind
            .get(namespace)
            .and_then(|kinds| kinds.get(kind))
            .map_or(&[], Vec::as_slice);
        indexes.iter().map(move |&i| (i, &objects[i]))
    }

    /// Whether the input holds custom resources in this namespace (`None`: objects that name
    /// none). Set rules that read them say so with [`crate::CUSTOM_RESOURCES`] in their kinds;
    /// for the others this is always false.
    pub fn has_custom_resources(&self, namespace: Option<&str>) -> bool {
        self.custom_resources_in.contains(&namespace)
    }

    /// The pod specs of objects that run pods, with the objects' indexes (an object with
    /// several, such as a Volcano job's tasks, comes once for each). Overlays are left out:
    /// the pods they shape belong to an operator, and what they leave out says nothing.
    pub fn workloads(&self) -> impl Iterator<Item = (usize, PodSpecView<'a>)> + '_ {
        let templates = self.templates;
        self.objects.iter().enumerate().flat_map(move |(i, o)| {
            templates
                .views(o)
                .into_iter()
                .filter(|pod| !pod.is_overlay())
                .map(move |pod| (i, pod))
        })
    }
}
