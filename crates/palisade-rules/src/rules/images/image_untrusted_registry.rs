//! IMG003 `image-untrusted-registry`: images from registries outside the allow-list.

use palisade_model::PodSpecView;

use super::reference::DOCKER_HUB;
use super::{ContainerImage, container_images};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) whose image comes from a registry that
    /// is not in the configured allow-list of trusted registries. With no allow-list
    /// configured, images from Docker Hub are reported: those that name it (`docker.io`,
    /// `index.docker.io`, `registry-1.docker.io`) and those that name no registry at all
    /// (`nginx`, `acme/app`), which Docker Hub serves by default.
    ///
    /// An allow-list entry is a registry host, with its port if it has one (`ghcr.io`,
    /// `registry.local:5000`), optionally followed by a path prefix (`ghcr.io/acme`). A prefix
    /// matches whole path segments: `ghcr.io/acme` allows `ghcr.io/acme/app` but not
    /// `ghcr.io/acme-evil/app`. Host names compare case-insensitively, Docker Hub's names are
    /// one registry (so `docker.io/library` allows `nginx`), and a port is part of the
    /// registry (`registry.local` does not allow `registry.local:5000/app`).
    ///
    /// References are read by the container image reference grammar: `localhost:5000/app`
    /// and `registry.local/app` name their registry, `acme/app` does not. Templated
    /// (`$(VAR)`, `{{ }}`), empty and malformed images are left alone.
    ///
    /// ## Why is this bad?
    /// Whoever controls the registry controls what runs. Public registries host typo-squatted
    /// and compromised images, rate-limit anonymous pulls, and can change or remove an image
    /// at any time. Pulling only from registries you control (mirroring, scanning and signing
    /// what you import) keeps the supply chain reviewable.
    ///
    /// ## Example
    /// ```yaml
    /// # trusted registries: ghcr.io/acme
    /// containers:
    /// - name: web
    ///   image: nginx:1.27.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: web
    ///   image: ghcr.io/acme/mirror/nginx:1.27.0
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Images](https://kubernetes.io/docs/concepts/containers/images/)
    /// - [distribution/reference: normalisation of image names](https://github.com/distribution/reference/blob/main/normalize.go)
    /// - CIS Kubernetes Benchmark 5.5.1 (configure image provenance)
    /// - NSA-CISA Kubernetes Hardening Guide: container image security (use trusted repositories)
    /// - MITRE ATT&CK for Containers: T1525 Implant Internal Image
    pub(crate) static RULE = {
        code: "IMG003",
        name: "image-untrusted-registry",
        category: Category::Images,
        severity: Severity::Medium,
        summary: "Image comes from a registry outside the trusted registries",
        standards: &["CIS 5.5.1", "NSA-CISA: image security", "MITRE ATT&CK T1525"],
        check: Check::Pod(check),
    };
}

fn check(pod: &PodSpecView<'_>, settings: &Settings, out: &mut Vec<Violation>) {
    let allow_list = &settings.trusted_registries;
    for ContainerImage {
        container,
        image,
        reference,
        pointer,
    } in container_images(pod)
    {
        let message = if allow_list.is_empty() {
            if !reference.is_docker_hub() {
                continue;
            }
            let implied = if reference.explicit_registry {
                ""
            } else {
                ", implied by naming no registry"
            };
            format!(
                "{} pulls image \"{image}\" from Docker Hub ({DOCKER_HUB}{implied}), which is not trusted by default",
                container.describe()
            )
        } else {
            if allow_list.iter().any(|entry| reference.allowed_by(entry)) {
                continue;
            }
            format!(
                "{} pulls image \"{image}\" from registry \"{}\", which no trusted-registries entry ({}) covers",
                container.describe(),
                reference.registry,
                allow_list.join(", ")
            )
        };
        out.push(Violation::new(
            pointer,
            message,
            "pull the image from a registry you trust (mirror it there), or add that registry to the trusted registries",
        ));
    }
}
