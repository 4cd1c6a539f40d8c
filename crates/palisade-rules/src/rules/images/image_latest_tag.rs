//! IMG001 `image-latest-tag`: images that float on `latest`.

use palisade_model::PodSpecView;

use super::{ContainerImage, container_images};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose image has no tag, or the tag
    /// `latest`, and no digest: `nginx`, `nginx:latest`, `ghcr.io/acme/app`. An image pinned by
    /// digest (`nginx@sha256:…`, even `nginx:latest@sha256:…`) is not reported.
    ///
    /// Images are read by the container image reference grammar, so `localhost:5000/app` is
    /// the untagged image `app` on the registry `localhost:5000`, not the tag `5000/app`.
    /// Templated (`$(VAR)`, `{{ }}`), empty and malformed images are left alone.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last. Two nodes can run different code for the same pod,
    /// a rollback does not roll back, and a compromised or careless push reaches production at
    /// the next pod restart without anyone deploying it. With no tag and no digest the kubelet
    /// also defaults `imagePullPolicy` to `Always`, so every start depends on the registry.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: nginx:1.27.0@sha256:<digest of that release>
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Images, image names and tags](https://kubernetes.io/docs/concepts/containers/images/#image-names)
    /// - [Kubernetes: Configuration best practices, container images](https://kubernetes.io/docs/concepts/configuration/overview/#container-images)
    /// - NSA-CISA Kubernetes Hardening Guide: container image security (use trusted, scanned, immutable images)
    /// - MITRE ATT&CK for Containers: T1525 Implant Internal Image
    pub(crate) static RULE = {
        code: "IMG001",
        name: "image-latest-tag",
        category: Category::Images,
        severity: Severity::Medium,
        summary: "Image has no tag or the tag `latest`, and no digest",
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
        if !reference.floats_on_latest() {
            continue;
        }
        let what = if reference.tag.is_some() {
            "the moving tag `latest`"
        } else {
            "no tag (so `latest`)"
        };
        out.push(Violation::new(
            pointer,
            format!(
                "{} uses image \"{image}\" with {what} and no digest",
                container.describe()
            ),
            "pin a release tag and its digest, e.g. `name:1.2.3@sha256:…`",
        ));
    }
}
