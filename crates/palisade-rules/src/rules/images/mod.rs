//! Rules of the `images` category.
//!
//! They read the `image` of every container (init, regular and ephemeral) through the
//! reference parser in [`reference`]. An image that is missing, empty or templated (`$(VAR)`,
//! `{{ }}`) is left alone; a malformed one is reported by `image-reference-invalid` only,
//! since nothing sensible can be said about its registry or tag.

pub(crate) mod image_deprecated_registry;
pub(crate) mod image_latest_tag;
pub(crate) mod image_not_digest_pinned;
pub(crate) mod image_reference_invalid;
pub(crate) mod image_untrusted_registry;
mod reference;

use palisade_model::{ContainerView, PodSpecView};
use serde_json::Value;

use reference::ImageRef;

/// A container's parsed image with the pointer to its `image` field.
struct ContainerImage<'a> {
    container: ContainerView<'a>,
    /// The reference as written, for messages.
    image: &'a str,
    reference: ImageRef<'a>,
    pointer: String,
}

fn container_images<'a>(pod: &PodSpecView<'a>) -> impl Iterator<Item = ContainerImage<'a>> + 'a {
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
