//! API001: an apiVersion/kind that the target Kubernetes version deprecates or no longer serves.

use palisade_model::Object;

use super::deprecations::{Deprecation, Replacement, lookup};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::pss::PssVersion;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports objects whose `apiVersion` and kind are deprecated or removed in the target
    /// Kubernetes version (the `kube-version` setting; by default the newest version Palisade
    /// knows), naming the replacement and the version that removes it. Removed versions are
    /// reported at high severity, deprecated ones at medium.
    ///
    /// The table covers every removal in the Kubernetes "Deprecated API Migration Guide", from
    /// v1.16 through v1.32 (the latest release to remove an API version served by default).
    /// Alpha API versions, which are off by default, are not covered. Only what is deprecated
    /// or removed at or before the target version is reported.
    ///
    /// ## Why is this bad?
    /// The API server rejects a manifest written in an API version it no longer serves: the
    /// deployment fails, often during a cluster upgrade when nobody expects it. A deprecated
    /// version still works but will stop working; the replacement usually changes defaults
    /// and field names that must be reviewed before moving.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Deprecated API Migration Guide](https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    /// - [Kubernetes: Deprecation Policy](https://kubernetes.io/docs/reference/using-api/deprecation-policy/)
    pub(crate) static RULE = {
        code: "API001",
        name: "deprecated-api-version",
        category: Category::ApiLifecycle,
        severity: Severity::Medium,
        summary: "apiVersion is deprecated or removed in the target Kubernetes version",
        standards: &[],
        check: Check::Object { kinds: &[], check },
    };
}

fn check(object: &Object, settings: &Settings, out: &mut Vec<Violation>) {
    let Some(entry) = lookup(&object.api_version, &object.kind) else {
        return;
    };
    let target = target_minor(settings.kube_version);
    if target < entry.deprecated {
        return;
    }
    let Deprecation {
        api_version,
        kind,
        deprecated,
        removed,
        replacement,
    } = *entry;
    let (instead, help) = match replacement {
        Replacement::Api(to) => (
            to,
            format!(
                "set apiVersion: {to}, and apply the field changes the Kubernetes deprecated API migration guide lists for {kind}"
            ),
        ),
        Replacement::Other(what) => (what, format!("replace the {kind} with {what}")),
    };
    let violation = if target >= removed {
        Violation::new(
            "/apiVersion",
            format!("{api_version} {kind} is removed in v1.{removed} (deprecated in v1.{deprecated}); use {instead}"),
            help,
        )
        .with_severity(Severity::High)
    } else {
        Violation::new(
            "/apiVersion",
            format!(
                "{api_version} {kind} is deprecated in v1.{deprecated} and removed in v1.{removed}; use {instead}"
            ),
            help,
        )
    };
    out.push(violation);
}

/// The minor version manifests target: the setting's, or the newest known. A major version
/// other than 1 is read as before (0) or after (the newest known) every 1.x release.
fn target_minor(kube_version: Option<(u16, u16)>) -> u16 {
    let newest = PssVersion::LATEST.minor();
    match kube_version {
        None => newest,
        Some((1, minor)) => minor,
        Some((0, _)) => 0,
        Some(_) => u16::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_defaults_to_the_newest_known_version() {
        assert_eq!(target_minor(None), PssVersion::LATEST.minor());
        assert_eq!(target_minor(Some((1, 21))), 21);
        assert_eq!(target_minor(Some((0, 9))), 0);
        assert!(target_minor(Some((2, 0))) > 32);
    }
}
