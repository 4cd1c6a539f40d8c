//! IMG004 `image-reference-invalid`: `image` fields no runtime can pull as written.

use palisade_model::PodSpecView;
use serde_json::Value;

use super::reference::{ImageRef, NotAReference, digest_problem};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports each container (init, regular or ephemeral) whose `image` is not a valid image
    /// reference: a digest with the wrong number of hex digits (`nginx@sha256:abc`), a digest
    /// algorithm runtimes do not verify (anything but sha256, sha384 and sha512), an invalid
    /// tag, upper case in the repository path, and the like. An image left empty, or written
    /// as a template (`$(VAR)`, `${VAR}`, `{{ }}`) that something else fills in, is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The other image rules cannot judge what they cannot parse, so without this rule such an
    /// image passes in silence: a malformed digest looks pinned to a reader and pins nothing.
    /// The kubelet refuses the reference (`InvalidImageName`) and the pod never starts, which
    /// for a DaemonSet or a rollout is found out on the cluster rather than in review.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx@sha256:abc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx:1.27.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: images](https://kubernetes.io/docs/concepts/containers/images/)
    /// - [OCI image spec: digests](https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests)
    /// - [distribution/reference grammar](https://github.com/distribution/reference/blob/main/reference.go)
    pub(crate) static RULE = {
        code: "IMG004",
        name: "image-reference-invalid",
        category: Category::Images,
        severity: Severity::Medium,
        summary: "Container image is not a valid image reference",
        standards: &[],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let Some(image) = container.get(&["image"]).and_then(Value::as_str) else {
            continue;
        };
        if ImageRef::parse(image) != Err(NotAReference::Invalid) {
            continue;
        }
        let why = image
            .split_once('@')
            .and_then(|(_, digest)| digest_problem(digest))
            .unwrap_or_else(|| "it does not follow the image reference grammar".to_string());
        out.push(Violation::new(
            container.pointer_to(&["image"]),
            format!(
                "{} uses image {image:?}, which is not a valid image reference: {why}",
                container.describe()
            ),
            "write it as registry/path:tag@sha256:<64 hex digits>, e.g. copied from `docker buildx imagetools inspect`",
        ));
    }
}
