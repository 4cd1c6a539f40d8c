//! The namespaces an input runs workloads in, and which object a finding about such a
//! namespace is reported on.
//!
//! A namespace counts when a workload in the input names it in `metadata.namespace`, whether
//! or not its Namespace object is in the input. Workloads without `metadata.namespace` go
//! wherever `kubectl -n` sends them: their namespace is unknown, and nothing is said about it.
//! PodTemplates are not workloads here: they run no pods themselves.

use std::collections::{HashMap, HashSet};

use crate::snapshot::Snapshot;

/// A namespace that workloads of the input run in.
#[derive(Clone, Debug)]
pub(crate) struct WorkloadNamespace<'a> {
    pub(crate) name: &'a str,
    /// The index of the Namespace object, when the input has it.
    namespace_object: Option<usize>,
    /// The index of the first workload in this namespace.
    first_workload: usize,
}

impl WorkloadNamespace<'_> {
    /// Where a finding about the namespace goes: the Namespace object's name when the input has
    /// it, else the `metadata.namespace` of the namespace's first workload.
    pub(crate) fn report_at(&self) -> (usize, &'static str) {
        match self.namespace_object {
            Some(index) => (index, "/metadata/name"),
            None => (self.first_workload, "/metadata/namespace"),
        }
    }
}

/// The namespaces of the snapshot's workloads, in the order their first workload appears.
pub(crate) fn workload_namespaces<'a>(snapshot: &Snapshot<'a>) -> Vec<WorkloadNamespace<'a>> {
    let mut namespace_objects: HashMap<&str, usize> = HashMap::new();
    for (index, object) in snapshot.of_kind("Namespace") {
        if object.group().is_empty() {
            namespace_objects.entry(object.name()).or_insert(index);
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (index, pod) in snapshot.workloads() {
        if pod.object.kind == "PodTemplate" {
            continue;
        }
        let Some(name) = pod.object.namespace() else {
            continue;
        };
        if seen.insert(name) {
            out.push(WorkloadNamespace {
                name,
                namespace_object: namespace_objects.get(name).copied(),
                first_workload: index,
            });
        }
    }
    out
}
