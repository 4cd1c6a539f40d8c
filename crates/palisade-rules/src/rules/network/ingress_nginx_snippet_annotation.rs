//! NET008 `ingress-nginx-snippet-annotation`: Ingresses that inject raw NGINX configuration.

use palisade_model::{Object, pointer};

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Ingress annotations that hand raw configuration to the NGINX ingress
    /// controllers: every `nginx.ingress.kubernetes.io/*-snippet` annotation of ingress-nginx
    /// (`configuration-snippet`, `server-snippet`, `auth-snippet`, `stream-snippet`,
    /// `modsecurity-snippet`, ...) and the `nginx.org/*-snippets` annotations of F5 NGINX
    /// Ingress Controller (`server-snippets`, `location-snippets`). An annotation whose value
    /// is empty is not reported.
    ///
    /// ## Why is this bad?
    /// A snippet is pasted into the configuration of the controller, which runs with a
    /// ServiceAccount that can read every Secret of the cluster. Anyone who may create an
    /// Ingress in any namespace can use one to read files of the controller's pod, its token
    /// among them, and so every Secret (CVE-2021-25742), or to serve or redirect another
    /// team's hosts. ingress-nginx turns snippets off by default since 1.9
    /// (`allow-snippet-annotations: false`); an Ingress that needs them will break, or will
    /// need the controller to be opened up for everyone.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// ```
    ///
    /// Use instead: the dedicated annotation, or the controller's ConfigMap, which only the
    /// controller's operators can change:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: ingress-nginx-controller
    ///   namespace: ingress-nginx
    /// data:
    ///   add-headers: ingress-nginx/custom-headers
    /// ```
    ///
    /// ## References
    /// - [CVE-2021-25742: ingress-nginx custom snippets allow retrieval of ingress-nginx service account tokens and secrets across all namespaces](https://github.com/kubernetes/ingress-nginx/issues/7837)
    /// - [ingress-nginx: annotations, configuration snippet](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#configuration-snippet)
    /// - [ingress-nginx: ConfigMap, allow-snippet-annotations](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#allow-snippet-annotations)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1552 Unsecured Credentials
    pub(crate) static RULE = {
        code: "NET008",
        name: "ingress-nginx-snippet-annotation",
        category: Category::Network,
        severity: Severity::High,
        summary: "Ingress injects raw NGINX configuration through a snippet annotation",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1552"],
        check: Check::Object { kinds: &["Ingress"], check },
    };
}

fn check(ingress: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(annotations) = super::ingress_annotations(ingress) else {
        return;
    };
    for (key, value) in annotations {
        let empty = value.is_null() || value.as_str().is_some_and(|v| v.trim().is_empty());
        if !is_snippet(key) || empty {
            continue;
        }
        out.push(Violation::new(
            pointer::join(&Object::metadata_pointer("annotations"), key),
            format!("annotation {key} injects raw NGINX configuration into the ingress controller"),
            "use the controller's dedicated annotations or its ConfigMap instead of a snippet",
        ));
    }
}

/// Whether an annotation key is an NGINX controller's snippet.
fn is_snippet(key: &str) -> bool {
    match key.split_once('/') {
        Some(("nginx.ingress.kubernetes.io", name)) => name.ends_with("-snippet"),
        Some(("nginx.org", name)) => name.ends_with("-snippets"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_snippet;

    #[test]
    fn snippet_annotations_of_both_nginx_controllers_are_recognised() {
        for (key, snippet) in [
            ("nginx.ingress.kubernetes.io/configuration-snippet", true),
            ("nginx.ingress.kubernetes.io/server-snippet", true),
            ("nginx.ingress.kubernetes.io/auth-snippet", true),
            ("nginx.ingress.kubernetes.io/stream-snippet", true),
            ("nginx.ingress.kubernetes.io/modsecurity-snippet", true),
            ("nginx.org/server-snippets", true),
            ("nginx.org/location-snippets", true),
            ("nginx.ingress.kubernetes.io/rewrite-target", false),
            ("nginx.ingress.kubernetes.io/enable-modsecurity", false),
            ("example.com/server-snippet", false),
            ("configuration-snippet", false),
        ] {
            assert_eq!(is_snippet(key), snippet, "{key}");
        }
    }
}
