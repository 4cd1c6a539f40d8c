//! `PodSpecView`: the pod spec inside any object that runs pods, with pointers to every part.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::object::Object;
use crate::pointer;

pub(crate) static EMPTY: std::sync::LazyLock<Map<String, Value>> =
    std::sync::LazyLock::new(Map::new);

/// The pod spec of an object, with its pod metadata (where annotations such as the AppArmor
/// and seccomp ones live).
#[derive(Clone, Debug)]
pub struct PodSpecView<'a> {
    pub object: &'a Object,
    spec: &'a Map<String, Value>,
    metadata: &'a Map<String, Value>,
    spec_pointer: Arc<str>,
    metadata_pointer: Arc<str>,
    overlay: bool,
    lists: &'static [(ContainerKind, &'static str)],
}

/// The container lists of a pod spec.
pub(crate) const POD_LISTS: &[(ContainerKind, &str)] = &[
    (ContainerKind::Init, "initContainers"),
    (ContainerKind::Regular, "containers"),
    (ContainerKind::Ephemeral, "ephemeralContainers"),
];

/// The container lists of a Tekton task spec: its steps and sidecars run as the containers of
/// one pod.
pub(crate) const TEKTON_LISTS: &[(ContainerKind, &str)] = &[
    (ContainerKind::Regular, "steps"),
    (ContainerKind::Regular, "sidecars"),
];

/// Which list a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    /// The field of the pod spec that holds this list.
    pub fn field(self) -> &'static str {
        match self {
            Self::Init => "initContainers",
            Self::Regular => "containers",
            Self::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name the container: "init container", "container", "ephemeral container".
    pub fn noun(self) -> &'static str {
        match self {
            Self::Init => "init container",
            Self::Regular => "container",
            Self::Ephemeral => "ephemeral container",
        }
    }
}

/// One container of a pod spec.
#[derive(Clone, Debug)]
pub struct ContainerView<'a> {
    pub kind: ContainerKind,
    pub index: usize,
    pub name: &'a str,
    pub value: &'a Map<String, Value>,
    /// Pointer to the container in the object.
    pub pointer: String,
}

impl<'a> ContainerView<'a> {
    /// The pointer of a field of this container, e.g. `&["securityContext", "privileged"]`.
    pub fn pointer_to(&self, path: &[&str]) -> String {
        path.iter()
            .fold(self.pointer.clone(), |p, key| pointer::join(&p, key))
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        get_path(self.value, path)
    }

    pub fn security_context(&self) -> Option<&'a Map<String, Value>> {
        self.value.get("securityContext")?.as_object()
    }

    /// "container \"app\"", for messages.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name)
    }
}

impl<'a> PodSpecView<'a> {
    /// The first pod spec of `object` in the built-in table of pod templates (see
    /// [`crate::PodTemplates`]; rules get every pod spec, from the configured table, through
    /// their settings).
    pub fn of(object: &'a Object) -> Option<Self> {
        crate::PodTemplates::built_in()
            .views(object)
            .into_iter()
            .next()
    }

    pub(crate) fn new(
        object: &'a Object,
        spec: &'a Map<String, Value>,
        metadata: &'a Map<String, Value>,
        (spec_pointer, metadata_pointer): (Arc<str>, Arc<str>),
        overlay: bool,
        lists: &'static [(ContainerKind, &'static str)],
    ) -> Self {
        Self {
            object,
            spec,
            metadata,
            spec_pointer,
            metadata_pointer,
            overlay,
            lists,
        }
    }

    /// Whether this spec is merged by an operator into a pod template of its own (a Prometheus
    /// resource, a Tekton task): what it sets can be judged, what it leaves out cannot.
    pub fn is_overlay(&self) -> bool {
        self.overlay
    }

    pub fn spec(&self) -> &'a Map<String, Value> {
        self.spec
    }

    /// Pointer to the pod spec in the object.
    pub fn spec_pointer(&self) -> &str {
        &self.spec_pointer
    }

    /// Pointer to a field of the pod spec, e.g. `&["securityContext", "runAsNonRoot"]`.
    pub fn pointer_to(&self, path: &[&str]) -> String {
        path.iter().fold(self.spec_pointer.to_string(), |p, key| {
            pointer::join(&p, key)
        })
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        get_path(self.spec, path)
    }

    /// The pod-level security context.
    pub fn security_context(&self) -> Option<&'a Map<String, Value>> {
        self.spec.get("securityContext")?.as_object()
    }

    /// Pod template metadata (for a Pod, the object's own metadata).
    pub fn metadata(&self) -> &'a Map<String, Value> {
        self.metadata
    }

    pub fn metadata_pointer(&self) -> &str {
        &self.metadata_pointer
    }

    pub fn annotations(&self) -> Option<&'a Map<String, Value>> {
        self.metadata.get("annotations")?.as_object()
    }

    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        self.metadata.get("labels")?.as_object()
    }

    /// Pointer to one annotation of the pod template.
    pub fn annotation_pointer(&self, key: &str) -> String {
        pointer::join(&format!("{}/annotations", self.metadata_pointer), key)
    }

    /// `spec.os.name`, when set.
    pub fn os_name(&self) -> Option<&'a str> {
        self.get(&["os", "name"])?.as_str()
    }

    /// Init, regular and ephemeral containers, in that order, with their pointers. A `null`
    /// entry is an empty container, as the API server decodes it (and as Pod Security
    /// Admission then judges it); an entry of another type is skipped.
    pub fn containers(&self) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        let spec = self.spec;
        let spec_pointer = self.spec_pointer.clone();
        self.lists.iter().flat_map(move |&(kind, field)| {
            let list = spec.get(field).and_then(Value::as_array);
            let spec_pointer = spec_pointer.clone();
            list.into_iter()
                .flatten()
                .enumerate()
                .filter_map(move |(index, value)| {
                    let value = match value {
                        Value::Object(map) => map,
                        Value::Null => &*EMPTY,
                        _ => return None,
                    };
                    let name = value.get("name").and_then(Value::as_str).unwrap_or("");
                    Some(ContainerView {
                        kind,
                        index,
                        name,
                        value,
                        pointer: format!("{spec_pointer}/{field}/{index}"),
                    })
                })
        })
    }

    /// The fields of the spec that hold containers, with the kind of each.
    pub fn container_lists(&self) -> &'static [(ContainerKind, &'static str)] {
        self.lists
    }

    /// The pod's volumes with their pointers.
    pub fn volumes(&self) -> impl Iterator<Item = (usize, &'a Map<String, Value>, String)> + 'a {
        let spec_pointer = self.spec_pointer.clone();
        self.spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(i, v)| {
                Some((i, v.as_object()?, format!("{spec_pointer}/volumes/{i}")))
            })
    }
}

fn get_path<'a>(map: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = map.get(*first)?;
    for key in rest {
        value = value.get(*key)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_str;

    #[test]
    fn cronjob_containers_are_found_with_pointers() {
        let file = load_str(
            "cj.yaml",
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers: [{name: init}]\n          containers: [{name: app}]\n",
        );
        let object = &file.objects[0];
        let pod = PodSpecView::of(object).expect("a cronjob has a pod spec");
        let containers: Vec<_> = pod.containers().map(|c| (c.name, c.pointer)).collect();
        assert_eq!(
            containers,
            [
                (
                    "init",
                    "/spec/jobTemplate/spec/template/spec/initContainers/0".to_string()
                ),
                (
                    "app",
                    "/spec/jobTemplate/spec/template/spec/containers/0".to_string()
                ),
            ]
        );
    }

    #[test]
    fn null_container_entries_are_empty_containers() {
        let file = load_str(
            "p.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [null, {name: app}, 3]\n",
        );
        let pod = PodSpecView::of(&file.objects[0]).expect("a pod has a pod spec");
        let containers: Vec<_> = pod
            .containers()
            .map(|c| (c.name, c.value.len(), c.pointer))
            .collect();
        assert_eq!(
            containers,
            [
                ("", 0, "/spec/containers/0".to_string()),
                ("app", 1, "/spec/containers/1".to_string()),
            ]
        );
    }

    #[test]
    fn a_null_or_absent_spec_is_empty_and_keeps_the_metadata() {
        for spec in ["spec: null\n", ""] {
            let file = load_str(
                "p.yaml",
                &format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{a: b}}}}\n{spec}"
                ),
            );
            let pod = PodSpecView::of(&file.objects[0]).expect("an empty pod spec");
            assert!(pod.spec().is_empty());
            assert_eq!(pod.containers().count(), 0);
            assert!(pod.annotations().is_some_and(|a| a.contains_key("a")));
        }
    }

    #[test]
    fn kinds_outside_their_group_are_custom_resources_read_only_by_shape() {
        let file = load_str(
            "x.yaml",
            "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {spec: {}}}\n",
        );
        assert!(PodSpecView::of(&file.objects[0]).is_none());
    }
}
