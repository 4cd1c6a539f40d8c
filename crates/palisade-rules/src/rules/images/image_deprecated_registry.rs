//! IMG005 `image-deprecated-registry`: images pulled from registries that are frozen or being
//! shut down.

use palisade_model::PodSpecView;

use super::{ContainerImage, container_images, reference::ImageRef};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports images pulled from the Kubernetes project's old registries, frozen since
    /// April 2023: `k8s.gcr.io`, `gcr.io/google_containers` (and `gcr.io/google-containers`),
    /// and the Google Container Registry repositories that backed them
    /// (`us.gcr.io`, `eu.gcr.io` and `asia.gcr.io` under `k8s-artifacts-prod`). The message
    /// names the same image on `registry.k8s.io`.
    ///
    /// ## Why is this bad?
    /// Nothing new is published to the frozen registries: no new versions, and no rebuilds
    /// that fix vulnerabilities in the images already there. The project has said they may
    /// stop serving at any time, and then pods that need the image can no longer start on a
    /// new node. `registry.k8s.io` serves the same images, and every release since.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    /// - name: metrics-server
    ///   image: k8s.gcr.io/metrics-server/metrics-server:v0.6.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    /// - name: metrics-server
    ///   image: registry.k8s.io/metrics-server/metrics-server:v0.7.2
    /// ```
    ///
    /// ## References
    /// - [Kubernetes blog: k8s.gcr.io image registry will be frozen from the 3rd of April 2023](https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/)
    /// - [Kubernetes blog: k8s.gcr.io redirect to registry.k8s.io](https://kubernetes.io/blog/2023/03/10/image-registry-redirect/)
    /// - NSA-CISA Kubernetes Hardening Guide: image security (up-to-date images)
    /// - MITRE ATT&CK for Containers: T1525 Implant Internal Image
    pub(crate) static RULE = {
        code: "IMG005",
        name: "image-deprecated-registry",
        category: Category::Images,
        severity: Severity::Medium,
        summary: "Image comes from a frozen, deprecated registry",
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
        let Some((registry, rest)) = frozen(&reference) else {
            continue;
        };
        out.push(Violation::new(
            pointer,
            format!(
                "{} pulls image \"{image}\" from {registry}, frozen since April 2023",
                container.describe()
            ),
            format!("pull registry.k8s.io/{rest} instead, at a current version"),
        ));
    }
}

/// The frozen registry an image comes from, and its path on `registry.k8s.io`.
fn frozen<'a>(reference: &ImageRef<'a>) -> Option<(String, &'a str)> {
    let host = reference.registry.to_ascii_lowercase();
    let path = reference.path;
    if host == "k8s.gcr.io" {
        return Some((host, path));
    }
    let prefixes: &[&str] = match host.as_str() {
        "gcr.io" => &["google_containers/", "google-containers/"],
        "us.gcr.io" | "eu.gcr.io" | "asia.gcr.io" => &["k8s-artifacts-prod/"],
        _ => &[],
    };
    prefixes.iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?;
        Some((format!("{host}/{}", prefix.trim_end_matches('/')), rest))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_registries_map_to_registry_k8s_io() {
        let cases = [
            ("k8s.gcr.io/pause:3.2", Some("pause")),
            (
                "K8S.GCR.IO/ingress-nginx/controller:v1.2.0",
                Some("ingress-nginx/controller"),
            ),
            (
                "gcr.io/google_containers/pause-amd64:3.0",
                Some("pause-amd64"),
            ),
            ("gcr.io/google-containers/busybox", Some("busybox")),
            (
                "eu.gcr.io/k8s-artifacts-prod/kube-proxy:v1.25.0",
                Some("kube-proxy"),
            ),
            ("registry.k8s.io/pause:3.9", None),
            ("gcr.io/my-project/app:1.0", None),
            ("gcr.io/google-samples/hello-app:1.0", None),
            ("k8s.gcr.io.example.com/pause:3.2", None),
        ];
        for (image, want) in cases {
            let reference = ImageRef::parse(image).unwrap_or_else(|e| panic!("{image}: {e:?}"));
            assert_eq!(frozen(&reference).map(|(_, rest)| rest), want, "{image}");
        }
    }
}
