//! The resource types an audit lists: what the rules read, and nothing else.
//!
//! Listing every type a cluster serves (events, leases, endpoint slices, every CRD) would cost
//! time and memory for objects no rule looks at, so the list is explicit; a kind added to the
//! rules is added here, and a test checks the two agree.

/// One kind the audit wants, before discovery says which version the server prefers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WantedKind {
    /// The API group (empty for the core group).
    pub group: &'static str,
    pub kind: &'static str,
    /// Listed as metadata only: the values never enter the process.
    pub metadata_only: bool,
    /// Part of Kubernetes itself: a server that does not serve it is a coverage gap. The other
    /// kinds come from add-ons (CRDs) and are simply absent when the add-on is not installed.
    pub built_in: bool,
    /// Owns pods (or owns what owns them): listed first, so that pods can be reported once, on
    /// their owning workload.
    pub owner: bool,
}

const fn kind(group: &'static str, kind: &'static str) -> WantedKind {
    WantedKind {
        group,
        kind,
        metadata_only: false,
        built_in: true,
        owner: false,
    }
}

/// A kind an add-on's CRD serves: absent from most clusters, which is no gap.
const fn add_on(group: &'static str, kind: &'static str) -> WantedKind {
    WantedKind {
        built_in: false,
        ..self::kind(group, kind)
    }
}

const fn owner(group: &'static str, kind: &'static str) -> WantedKind {
    WantedKind {
        owner: true,
        ..self::kind(group, kind)
    }
}

impl WantedKind {
    /// The plural resource name RBAC rules and URLs use (`networkpolicies`), as Kubernetes
    /// forms it for every kind here (discovery still gives the served name when listing).
    pub fn resource(&self) -> String {
        plural(&self.kind.to_ascii_lowercase())
    }
}

/// Every kind an audit lists, in the order a report names them.
pub const WANTED: &[WantedKind] = &[
    kind("", "Namespace"),
    owner("apps", "Deployment"),
    owner("apps", "ReplicaSet"),
    owner("apps", "StatefulSet"),
    owner("apps", "DaemonSet"),
    owner("batch", "Job"),
    owner("batch", "CronJob"),
    owner("", "ReplicationController"),
    kind("", "Pod"),
    kind("", "PodTemplate"),
    kind("", "Service"),
    kind("networking.k8s.io", "Ingress"),
    kind("networking.k8s.io", "NetworkPolicy"),
    kind("", "ServiceAccount"),
    WantedKind {
        metadata_only: true,
        ..kind("", "Secret")
    },
    kind("", "ConfigMap"),
    kind("", "LimitRange"),
    kind("", "ResourceQuota"),
    kind("", "PersistentVolume"),
    kind("policy", "PodDisruptionBudget"),
    kind("autoscaling", "HorizontalPodAutoscaler"),
    kind("rbac.authorization.k8s.io", "Role"),
    kind("rbac.authorization.k8s.io", "ClusterRole"),
    kind("rbac.authorization.k8s.io", "RoleBinding"),
    kind("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    kind(
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    kind(
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    // Network policy APIs other than Kubernetes' own: a pod they select is isolated.
    add_on("cilium.io", "CiliumNetworkPolicy"),
    add_on("cilium.io", "CiliumClusterwideNetworkPolicy"),
    add_on("projectcalico.org", "NetworkPolicy"),
    add_on("projectcalico.org", "GlobalNetworkPolicy"),
    add_on("crd.projectcalico.org", "NetworkPolicy"),
    add_on("crd.projectcalico.org", "GlobalNetworkPolicy"),
    add_on("policy.networking.k8s.io", "AdminNetworkPolicy"),
    add_on("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"),
    add_on("policy.networking.k8s.io", "ClusterNetworkPolicy"),
];

/// The wanted kinds a `--kinds` selection names (by kind, case-insensitive, or by plural
/// resource name as kubectl takes them), or every kind when there is no selection.
///
/// # Errors
/// The names that match no wanted kind.
pub fn select(names: &[String]) -> Result<Vec<WantedKind>, Vec<String>> {
    if names.is_empty() {
        return Ok(WANTED.to_vec());
    }
    let unknown: Vec<String> = names
        .iter()
        .filter(|name| !WANTED.iter().any(|w| names_kind(name, w)))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(WANTED
        .iter()
        .filter(|w| names.iter().any(|name| names_kind(name, w)))
        .copied()
        .collect())
}

/// Whether a user's name means this kind: `Deployment`, `deployment`, `deployments`, or with
/// the group as kubectl writes it (`deployments.apps`).
fn names_kind(name: &str, wanted: &WantedKind) -> bool {
    let (resource, group) = name.split_once('.').unwrap_or((name, ""));
    if !group.is_empty() && group != wanted.group {
        return false;
    }
    let resource = resource.to_ascii_lowercase();
    let kind = wanted.kind.to_ascii_lowercase();
    resource == kind || resource == plural(&kind)
}

/// The plural resource name of a kind, as Kubernetes forms it for the kinds above (discovery
/// gives the real one; this is only for matching what a user typed).
fn plural(kind: &str) -> String {
    if let Some(stem) = kind.strip_suffix('y') {
        format!("{stem}ies")
    } else if kind.ends_with('s') {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_names_kinds_as_kubectl_does() {
        let pick = |names: &[&str]| {
            select(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .map(|kinds| kinds.iter().map(|k| k.kind).collect::<Vec<_>>())
        };
        assert_eq!(pick(&["deployments.apps"]), Ok(vec!["Deployment"]));
        assert_eq!(
            pick(&["Pod", "networkpolicies.networking.k8s.io"]),
            Ok(vec!["Pod", "NetworkPolicy"])
        );
        // Without a group, a name means every kind of that name: Kubernetes' and Calico's two.
        assert_eq!(
            pick(&["networkpolicies"]),
            Ok(vec!["NetworkPolicy", "NetworkPolicy", "NetworkPolicy"])
        );
        assert_eq!(pick(&["ingresses"]), Ok(vec!["Ingress"]));
        assert_eq!(
            pick(&["deployments.batch"]),
            Err(vec!["deployments.batch".to_string()])
        );
        assert_eq!(pick(&["gadgets"]), Err(vec!["gadgets".to_string()]));
        assert_eq!(pick(&[]).map(|k| k.len()), Ok(WANTED.len()));
    }

    #[test]
    fn only_secrets_are_listed_as_metadata() {
        let metadata: Vec<&str> = WANTED
            .iter()
            .filter(|k| k.metadata_only)
            .map(|k| k.kind)
            .collect();
        assert_eq!(metadata, ["Secret"]);
    }
}
