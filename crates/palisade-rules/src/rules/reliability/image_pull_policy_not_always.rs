//! REL006 `image-pull-policy-not-always`: containers that may run a stale copy of a mutable
//! tag.

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::rules::images::container_images;

declare_rule! {
    /// ## What it does
    /// Reports containers whose image is not pinned by digest and whose effective
    /// `imagePullPolicy` is not `Always`: `IfNotPresent` or `Never` as written, or unset on an
    /// image with a tag other than `latest` (which the API server defaults to `IfNotPresent`).
    /// Images pinned by digest are not reported: their content cannot change, so a cached copy
    /// is the same image.
    ///
    /// Off by default: select it with `--select reliability` (or by name).
    ///
    /// ## Why is this bad?
    /// A tag can be moved to another image. With `IfNotPresent`, each node runs whatever it
    /// pulled under the tag first, so pods of one workload run different code depending on
    /// their node, and a fixed image pushed under the same tag never reaches nodes that
    /// already have the old one.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2
    ///   imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: registry.example.com/web:1.2.3@sha256:9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Images, image pull policy](https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy)
    pub(crate) static RULE = {
        code: "REL006",
        name: "image-pull-policy-not-always",
        category: Category::Reliability,
        severity: Severity::Low,
        summary: "Container may run a stale copy of a mutable image tag",
        standards: &[],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for image in container_images(pod) {
        if image.reference.digest.is_some() {
            continue;
        }
        let written = image
            .container
            .get(&["imagePullPolicy"])
            .and_then(Value::as_str);
        let (pointer, policy) = match written.filter(|p| !p.is_empty()) {
            Some("Always") => continue,
            Some(policy) => (image.container.pointer_to(&["imagePullPolicy"]), policy),
            None if image.reference.floats_on_latest() => continue,
            None => (
                image.pointer.clone(),
                "IfNotPresent (the default for a tag)",
            ),
        };
        out.push(Violation::new(
            pointer,
            format!(
                "{} pulls image \"{}\" with imagePullPolicy {policy}: nodes may keep running an older image pushed under the same tag",
                image.container.describe(),
                image.image
            ),
            "pin the image by digest, or set imagePullPolicy: Always",
        ));
    }
}
