//! The kinds Kubernetes itself serves, by API group: what tells a custom resource from a
//! built-in object written with the wrong `apiVersion` (`v1` with `kind: Deployment` is
//! rejected by the API server, and would otherwise be skipped here without a word).
//!
//! The list covers the groups of Kubernetes 1.20 to 1.35, removed kinds included (an old
//! manifest is still recognised, and the deprecated-API rule reports its version).

/// Each built-in API group (`""` is the core group) with its kinds.
const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
    ),
    (
        "admissionregistration.k8s.io",
        &[
            "InitializerConfiguration",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionPolicyBinding",
        ],
    ),
    ("apiextensions.k8s.io", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io", &["APIService"]),
    (
        "apps",
        &[
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
        ],
    ),
    (
        "authentication.k8s.io",
        &["TokenReview", "TokenRequest", "SelfSubjectReview"],
    ),
    (
        "authorization.k8s.io",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        ],
    ),
    ("autoscaling", &["HorizontalPodAutoscaler", "Scale"]),
    ("batch", &["CronJob", "Job"]),
    (
        "certificates.k8s.io",
        &[
            "CertificateSigningRequest",
            "ClusterTrustBundle",
            "PodCertificateRequest",
        ],
    ),
    ("coordination.k8s.io", &["Lease", "LeaseCandidate"]),
    ("discovery.k8s.io", &["EndpointSlice"]),
    ("events.k8s.io", &["Event"]),
    (
        "extensions",
        &[
            "DaemonSet",
            "Deployment",
            "Ingress",
            "NetworkPolicy",
            "PodSecurityPolicy",
            "ReplicaSet",
        ],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    ("internal.apiserver.k8s.io", &["StorageVersion"]),
    (
        "networking.k8s.io",
        &[
            "Ingress",
            "IngressClass",
            "NetworkPolicy",
            "IPAddress",
            "ServiceCIDR",
        ],
    ),
    ("node.k8s.io", &["RuntimeClass"]),
    (
        "policy",
        &["Eviction", "PodDisruptionBudget", "PodSecurityPolicy"],
    ),
    (
        "rbac.authorization.k8s.io",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    ),
    (
        "resource.k8s.io",
        &[
            "DeviceClass",
            "DeviceTaintRule",
            "PodSchedulingContext",
            "ResourceClaim",
            "ResourceClaimTemplate",
            "ResourceClass",
            "ResourceSlice",
        ],
    ),
    ("scheduling.k8s.io", &["PriorityClass"]),
    ("settings.k8s.io", &["PodPreset"]),
    (
        "storage.k8s.io",
        &[
            "CSIDriver",
            "CSINode",
            "CSIStorageCapacity",
            "StorageClass",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("storagemigration.k8s.io", &["StorageVersionMigration"]),
];

/// Whether `group` is one Kubernetes itself serves.
pub fn is_built_in_group(group: &str) -> bool {
    BUILT_IN.iter().any(|(g, _)| *g == group)
}

/// Whether Kubernetes serves `kind` in `group`.
pub fn is_built_in(group: &str, kind: &str) -> bool {
    BUILT_IN
        .iter()
        .any(|(g, kinds)| *g == group && kinds.contains(&kind))
}

/// The built-in groups that serve `kind`, for telling a user which `apiVersion` they meant.
pub fn groups_serving(kind: &str) -> impl Iterator<Item = &'static str> + '_ {
    BUILT_IN
        .iter()
        .filter(move |(_, kinds)| kinds.contains(&kind))
        .map(|(group, _)| *group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_built_in_only_in_its_own_groups() {
        assert!(is_built_in("apps", "Deployment"));
        assert!(is_built_in("extensions", "Deployment"));
        assert!(!is_built_in("", "Deployment"));
        assert!(!is_built_in("example.com", "Deployment"));
        assert_eq!(
            groups_serving("Deployment").collect::<Vec<_>>(),
            ["apps", "extensions"]
        );
    }

    #[test]
    fn groups_are_listed_once_and_kinds_once_per_group() {
        let mut groups: Vec<&str> = BUILT_IN.iter().map(|(g, _)| *g).collect();
        groups.sort_unstable();
        groups.dedup();
        assert_eq!(groups.len(), BUILT_IN.len());
        for (group, kinds) in BUILT_IN {
            let mut sorted = kinds.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), kinds.len(), "a kind repeats in {group:?}");
        }
    }
}
