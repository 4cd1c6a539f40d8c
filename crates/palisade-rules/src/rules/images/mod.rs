//! Rules of the `images` category.
//!
//! They read the `image` of every container (init, regular and ephemeral) through the
//! reference parser in [`reference`]. An image that is missing, empty or templated (`$(VAR)`,
//! `{{ }}`) is left alone; a malformed one is reported by `image-reference-invalid` only,
//! since nothing sensible can be said about its registry or tag.

pub(crate) mod helm_tiller_deployed;
pub(crate) mod image_deprecated_registry;
pub(crate) mod image_latest_tag;
pub(crate) mod image_not_digest_pinned;
pub(crate) mod image_reference_invalid;
pub(crate) mod image_untrusted_registry;
pub(crate) mod kubernetes_dashboard_deployed;
pub(crate) mod reference;

use palisade_model::{ContainerView, PodSpecView};
use serde_json::Value;

use reference::ImageRef;

/// A container's parsed image with the pointer to its `image` field.
pub(crate) struct ContainerImage<'a> {
    pub(crate) container: ContainerView<'a>,
    /// The reference as written, for messages.
    pub(crate) image: &'a str,
    pub(crate) reference: ImageRef<'a>,
    pub(crate) pointer: String,
}

pub(crate) fn container_images<'a>(
    pod: &PodSpecView<'a>,
) -> impl Iterator<Item = ContainerImage<'a>> + 'a {
    pod.containers().filter_map(|container| {
        let image = container.get(&["image"]).and_then(Value::as_str)?;
        let reference = ImageRef::parse(image).ok()?;
        let pointer = container.pointer_to(&["image"]);
        Some(ContainerImage {
            container,
            image,
            reference,
            pointer,
        })
    })
}

/// The repository path of an image without the prefixes well-known images are published
/// under in different registries: Docker Hub's `library/`, and Google's `google_containers/`
/// and `google-containers/` (`k8s.gcr.io/x` and `gcr.io/google_containers/x` are one image).
fn well_known<'a>(reference: &ImageRef<'a>) -> &'a str {
    let path = reference.path;
    ["library/", "google_containers/", "google-containers/"]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))
        .unwrap_or(path)
}

/// Where a workload is named `name`: its `metadata.name`, or one of its pods' `labels`;
/// with how, for the message.
fn named(pod: &PodSpecView<'_>, name: &str, labels: &[&str]) -> Option<(String, String)> {
    if pod.object.name() == name {
        return Some(("/metadata/name".to_string(), format!("named {name}")));
    }
    let pod_labels = pod.labels()?;
    labels.iter().find_map(|key| {
        (pod_labels.get(*key).and_then(Value::as_str) == Some(name)).then(|| {
            (
                palisade_model::pointer::join(&format!("{}/labels", pod.metadata_pointer()), key),
                format!("label {key}={name}"),
            )
        })
    })
}
