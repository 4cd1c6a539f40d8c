//! NET009 `ingress-nginx-annotation-injection`: ingress-nginx annotations whose values would
//! break out of the NGINX directive they are written into.

use palisade_model::{Object, pointer};

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `nginx.ingress.kubernetes.io/*` annotations of an Ingress whose value holds a
    /// character that ends or opens an NGINX directive or block: a line break, `;`, `{` or
    /// `}`. Snippet annotations (`*-snippet`), which are configuration by design, are left to
    /// `ingress-nginx-snippet-annotation`.
    ///
    /// ## Why is this bad?
    /// ingress-nginx writes most annotation values into its NGINX configuration as they are.
    /// A value that closes the directive can add directives of its own: that is how
    /// CVE-2023-5043 (`permanent-redirect`), CVE-2025-24514 (`auth-url`), CVE-2025-1097
    /// (`auth-tls-match-cn`) and CVE-2025-1098 (`mirror-target`, `mirror-host`) let anyone who
    /// may create an Ingress run code in the controller, which can read every Secret of the
    /// cluster. No legitimate value of these annotations needs these characters.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/permanent-redirect: "https://example.com; }\nlocation /x { alias /var/run/secrets/; }"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/permanent-redirect: https://shop.example.com/
    /// ```
    ///
    /// ## References
    /// - [CVE-2023-5043: ingress-nginx annotation injection causes arbitrary command execution](https://github.com/kubernetes/kubernetes/issues/126811)
    /// - [Kubernetes blog: Ingress-nginx CVE-2025-1974 (IngressNightmare) and related CVEs](https://kubernetes.io/blog/2025/03/24/ingress-nginx-cve-2025-1974/)
    /// - [ingress-nginx: annotations](https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1190 Exploit Public-Facing Application
    pub(crate) static RULE = {
        code: "NET009",
        name: "ingress-nginx-annotation-injection",
        category: Category::Network,
        severity: Severity::High,
        summary: "ingress-nginx annotation value would inject NGINX configuration",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1190"],
        check: Check::Object { kinds: &["Ingress"], check },
    };
}

/// Characters that end a directive (`;`, a line break) or open or close a block.
const BREAKS_OUT: &[char] = &['\n', '\r', ';', '{', '}'];

fn check(ingress: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    let Some(annotations) = super::ingress_annotations(ingress) else {
        return;
    };
    for (key, value) in annotations {
        let Some(name) = key.strip_prefix("nginx.ingress.kubernetes.io/") else {
            continue;
        };
        let Some(found) = value
            .as_str()
            .filter(|_| !name.ends_with("-snippet"))
            .and_then(|v| {
                v.trim_end_matches(['\n', '\r'])
                    .chars()
                    .find(|c| BREAKS_OUT.contains(c))
            })
        else {
            continue;
        };
        out.push(Violation::new(
            pointer::join(&Object::metadata_pointer("annotations"), key),
            format!(
                "annotation {key} holds {}, which ends the NGINX directive it is written into",
                describe(found)
            ),
            "remove the character; if the value needs it, the annotation is being used to inject configuration",
        ));
    }
}

fn describe(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".to_string(),
        c => format!("`{c}`"),
    }
}
