//! Small helpers several renderers share: escaping, stable fingerprints, labels.

use std::fmt::Write as _;

use palisade_model::ObjectRef;

/// Escapes text for an HTML or XML text node or a quoted attribute. Characters XML 1.0 cannot
/// carry at all (C0 controls other than tab, newline and carriage return) are dropped.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && u32::from(c) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// A short hex fingerprint of the parts (FNV-1a, 64 bits): stable across runs and platforms,
/// unlike the standard library's randomly seeded hasher.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let mut out = String::with_capacity(16);
    let _ = write!(out, "{hash:016x}");
    out
}

/// The `## What it does` section of a rule's documentation, as one paragraph.
pub(crate) fn what_it_does(documentation: &str) -> Option<String> {
    let start = documentation.find("## What it does")?;
    let body = &documentation[start + "## What it does".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    let text = body[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// `Deployment/shop/web`, or `ClusterRole/admin` for cluster-scoped objects.
/// The stable identity of a finding: its rule, its object and the field. It survives edits
/// that move lines, and is what SARIF's `partialFingerprints` and a baseline file hold.
pub fn finding_fingerprint(finding: &palisade_rules::Finding) -> String {
    fingerprint(&[
        finding.rule.code,
        &object_path(&finding.object),
        &finding.pointer,
    ])
}

/// Kinds that have no namespace, from Kubernetes' built-in APIs and the add-ons seen most in
/// manifests (cert-manager's issuers, Gatekeeper's templates). Any other kind is namespaced, so
/// an object of it without a namespace was written without one (it lands in the namespace of
/// whoever applies it) — not cluster-scoped. `kubectl api-resources --namespaced=false` is the
/// source; a kind missing here is shown as "namespace not set", which is at worst cautious.
const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "ConstraintTemplate",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

pub(crate) fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED_KINDS.contains(&kind)
}

/// What a report shows for an object's namespace: the namespace, or which of the two reasons
/// it has none. Namespace names are DNS labels, so the parenthesised labels cannot collide.
pub(crate) fn namespace_label(object: &ObjectRef) -> &str {
    match &object.namespace {
        Some(ns) => ns,
        None if is_cluster_scoped(&object.kind) => CLUSTER_SCOPED,
        None => NAMESPACE_NOT_SET,
    }
}

pub(crate) const CLUSTER_SCOPED: &str = "(cluster-scoped)";
pub(crate) const NAMESPACE_NOT_SET: &str = "(namespace not set)";

pub(crate) fn object_path(object: &ObjectRef) -> String {
    match &object.namespace {
        Some(ns) => format!("{}/{ns}/{}", object.kind, object.name),
        None => format!("{}/{}", object.kind, object.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&[]).len(), 16);
    }

    #[test]
    fn markup_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape_markup("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&#39;\n"
        );
    }

    #[test]
    fn only_cluster_scoped_kinds_are_called_cluster_scoped() {
        let object = |kind: &str, namespace: Option<&str>| ObjectRef {
            api_version: "v1".to_string(),
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: "x".to_string(),
        };
        let cases = [
            ("ClusterRole", None, "(cluster-scoped)"),
            ("Namespace", None, "(cluster-scoped)"),
            ("ClusterIssuer", None, "(cluster-scoped)"),
            ("Deployment", None, "(namespace not set)"),
            ("Role", None, "(namespace not set)"),
            ("MyCustomThing", None, "(namespace not set)"),
            ("Deployment", Some("shop"), "shop"),
        ];
        for (kind, namespace, label) in cases {
            assert_eq!(namespace_label(&object(kind, namespace)), label, "{kind}");
        }
    }

    #[test]
    fn what_it_does_is_one_paragraph() {
        let doc = "## What it does\nReports `x`\nwhen set.\n\n## Why is this bad?\nBad.\n";
        assert_eq!(what_it_does(doc).as_deref(), Some("Reports `x` when set."));
        assert_eq!(what_it_does("no sections"), None);
    }
}
