//! The API versions Kubernetes has stopped serving, as data.
//!
//! Every removal of the official "Deprecated API Migration Guide"
//! (<https://kubernetes.io/docs/reference/using-api/deprecation-guide/>), v1.16 through v1.32;
//! no release since has removed an API version that was served by default. `deprecated` is
//! the minor version from which the API server warns about the version (the
//! `prerelease-lifecycle-gen:deprecated` tags of `k8s.io/api`), `removed` the first minor
//! version that no longer serves it.

/// What to use instead of a removed API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replacement {
    /// Another `apiVersion` of the same kind.
    Api(&'static str),
    /// No API takes its place; a mechanism does.
    Other(&'static str),
}

/// One kind in one removed API version.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deprecation {
    /// `group/version`, as written in `apiVersion`.
    pub(crate) api_version: &'static str,
    pub(crate) kind: &'static str,
    /// Minor version (of 1.x) that deprecated it.
    pub(crate) deprecated: u16,
    /// Minor version (of 1.x) that stopped serving it.
    pub(crate) removed: u16,
    pub(crate) replacement: Replacement,
}

const fn api(
    api_version: &'static str,
    kind: &'static str,
    deprecated: u16,
    removed: u16,
    to: &'static str,
) -> Deprecation {
    Deprecation {
        api_version,
        kind,
        deprecated,
        removed,
        replacement: Replacement::Api(to),
    }
}

const PSA: Replacement = Replacement::Other(
    "Pod Security Admission (pod-security.kubernetes.io namespace labels) or a policy engine",
);

pub(crate) static DEPRECATIONS: &[Deprecation] = &[
    // v1.16
    api(
        "extensions/v1beta1",
        "NetworkPolicy",
        9,
        16,
        "networking.k8s.io/v1",
    ),
    api("extensions/v1beta1", "DaemonSet", 8, 16, "apps/v1"),
    api("apps/v1beta2", "DaemonSet", 9, 16, "apps/v1"),
    api("extensions/v1beta1", "Deployment", 8, 16, "apps/v1"),
    api("apps/v1beta1", "Deployment", 8, 16, "apps/v1"),
    api("apps/v1beta2", "Deployment", 9, 16, "apps/v1"),
    api("apps/v1beta1", "StatefulSet", 8, 16, "apps/v1"),
    api("apps/v1beta2", "StatefulSet", 9, 16, "apps/v1"),
    api("extensions/v1beta1", "ReplicaSet", 8, 16, "apps/v1"),
    api("apps/v1beta1", "ReplicaSet", 8, 16, "apps/v1"),
    api("apps/v1beta2", "ReplicaSet", 9, 16, "apps/v1"),
    Deprecation {
        api_version: "extensions/v1beta1",
        kind: "PodSecurityPolicy",
        deprecated: 10,
        removed: 16,
        replacement: PSA,
    },
    // v1.22
    api(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    api(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    api(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        16,
        22,
        "apiextensions.k8s.io/v1",
    ),
    api(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        19,
        22,
        "apiregistration.k8s.io/v1",
    ),
    api(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        19,
        22,
        "authentication.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectRulesReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        19,
        22,
        "certificates.k8s.io/v1",
    ),
    api(
        "coordination.k8s.io/v1beta1",
        "Lease",
        19,
        22,
        "coordination.k8s.io/v1",
    ),
    api(
        "extensions/v1beta1",
        "Ingress",
        14,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "networking.k8s.io/v1beta1",
        "Ingress",
        19,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        19,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        14,
        22,
        "scheduling.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "CSINode",
        17,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    // v1.25
    api("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
    api(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        21,
        25,
        "discovery.k8s.io/v1",
    ),
    api("events.k8s.io/v1beta1", "Event", 22, 25, "events.k8s.io/v1"),
    api(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        22,
        25,
        "autoscaling/v2",
    ),
    api("policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1"),
    Deprecation {
        api_version: "policy/v1beta1",
        kind: "PodSecurityPolicy",
        deprecated: 21,
        removed: 25,
        replacement: PSA,
    },
    api(
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        22,
        25,
        "node.k8s.io/v1",
    ),
    // v1.26
    api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        23,
        26,
        "autoscaling/v2",
    ),
    // v1.27
    api(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        24,
        27,
        "storage.k8s.io/v1",
    ),
    // v1.29
    api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // v1.32
    api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// The entry for an `apiVersion` and kind, if that pair is deprecated.
pub(crate) fn lookup(api_version: &str, kind: &str) -> Option<&'static Deprecation> {
    DEPRECATIONS
        .iter()
        .find(|d| d.api_version == api_version && d.kind == kind)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn entries_are_unique_and_deprecated_before_removal() {
        let mut seen = HashSet::new();
        for d in DEPRECATIONS {
            assert!(
                seen.insert((d.api_version, d.kind)),
                "{} {} listed twice",
                d.api_version,
                d.kind
            );
            assert!(d.deprecated < d.removed, "{} {}", d.api_version, d.kind);
            if let Replacement::Api(to) = d.replacement {
                assert_ne!(
                    to, d.api_version,
                    "{} {} replaces itself",
                    d.api_version, d.kind
                );
            }
        }
    }

    #[test]
    fn every_release_of_the_migration_guide_is_covered() {
        let releases: HashSet<u16> = DEPRECATIONS.iter().map(|d| d.removed).collect();
        assert_eq!(releases, HashSet::from([16, 22, 25, 26, 27, 29, 32]));
    }

    #[test]
    fn lookup_is_exact_on_version_and_kind() {
        assert!(lookup("extensions/v1beta1", "Ingress").is_some());
        assert!(lookup("networking.k8s.io/v1", "Ingress").is_none());
        assert!(lookup("apps/v1", "Deployment").is_none());
        assert!(lookup("batch/v1beta1", "Job").is_none());
    }
}
