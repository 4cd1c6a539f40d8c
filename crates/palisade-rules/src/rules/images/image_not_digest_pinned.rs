//! IMG002 `image-not-digest-pinned`: images referenced by tag alone.

use palisade_model::PodSpecView;

use super::{ContainerImage, container_images};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose image has a tag but no digest:
    /// `nginx:1.27.0` rather than `nginx:1.27.0@sha256:…`. An image with no tag, or the tag
    /// `latest`, is reported by `image-latest-tag` instead, never by both rules. Any digest
    /// algorithm the reference grammar accepts counts as a pin (`sha256` in practice).
    ///
    /// Templated (`$(VAR)`, `{{ }}`), empty and malformed images are left alone.
    ///
    /// ## Why is this bad?
    /// A tag is a name the registry lets anyone with push rights move. The same manifest can
    /// run different bytes tomorrow: after a re-tag, a registry compromise or a mirror that
    /// serves something else. A digest names the content itself, so what was reviewed and
    /// scanned is what runs. This is informational: many teams pin digests in CI instead.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: ghcr.io/acme/storefront:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: ghcr.io/acme/storefront:1.4.2@sha256:9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Images, image names and digests](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    /// - [distribution/reference grammar](https://github.com/distribution/reference/blob/main/reference.go)
    /// - NSA-CISA Kubernetes Hardening Guide: container image security
    /// - MITRE ATT&CK for Containers: T1525 Implant Internal Image
    pub(crate) static RULE = {
        code: "IMG002",
        name: "image-not-digest-pinned",
        category: Category::Images,
        severity: Severity::Info,
        summary: "Image has a tag but no `@sha256:` digest",
        standards: &["NSA-CISA: image security", "MITRE ATT&CK T1525"],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for ContainerImage {
        container,
        image,
        reference,
        pointer,
    } in container_images(pod)
    {
        if reference.digest.is_some() || reference.floats_on_latest() {
            continue;
        }
        out.push(Violation::new(
            pointer,
            format!(
                "{} uses image \"{image}\" by tag only, with no digest",
                container.describe()
            ),
            "append the digest the tag resolves to, e.g. `name:1.2.3@sha256:…`",
        ));
    }
}
