//! RBAC015 `rbac-escalation-path`: a subject that can become cluster-admin in several steps.

use palisade_rbac::Policy;
use palisade_rbac::paths::{Accounts, Graph, Path, subjects};

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports each subject (user, group, service account) that can become cluster-admin
    /// through a chain of two or more steps, with the shortest chain: running a pod as a
    /// namespace's service account, creating a token for one or reading its legacy token
    /// Secret, exec into its pods, reaching pods
    /// through `nodes/proxy`, impersonating, binding `cluster-admin`, approving a client
    /// certificate (the techniques of `palisade paths`, see the RBAC guide). The permissions
    /// are decided with the authorizer's exact semantics, over the input's roles and bindings
    /// and a fresh cluster's defaults (so `edit` and `admin` grant what they do in a cluster).
    ///
    /// The finding is on the binding that gives the subject its first step, at the subject.
    /// One-step escalations are what the role rules report (`rbac-escalate-bind-impersonate`,
    /// `rbac-csr-approve`, `rbac-cluster-admin-binding`); the control plane's own components,
    /// which reach cluster-admin by design, are left out.
    ///
    /// This is a set rule: it looks at the whole input set.
    ///
    /// ## Why is this bad?
    /// Each role looks harmless on its own: `edit` in a build namespace, a token for one
    /// service account. Together they are cluster-admin for whoever holds the first one, and no
    /// review of one role or one binding shows it. Attackers follow exactly these chains.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata: {name: reconciler}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    /// subjects:
    /// - {kind: ServiceAccount, name: reconciler, namespace: platform}
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: ci-deploys, namespace: platform}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    /// subjects:
    /// - {kind: ServiceAccount, name: deployer, namespace: ci}
    /// ```
    ///
    /// Use instead: keep powerful service accounts in namespaces only their operators can
    /// write to, and grant CI what it deploys elsewhere:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata: {name: ci-deploys, namespace: shop}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    /// subjects:
    /// - {kind: ServiceAccount, name: deployer, namespace: ci}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, privilege escalation risks](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks)
    /// - [KubeHound: attack techniques](https://kubehound.io/reference/attacks/)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts, T1068 Exploitation for Privilege Escalation
    pub(crate) static RULE = {
        code: "RBAC015",
        name: "rbac-escalation-path",
        category: Category::Rbac,
        severity: Severity::Critical,
        summary: "Subject can become cluster-admin in several steps",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078", "MITRE ATT&CK T1068"],
        check: Check::Set {
            kinds: &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount", "Namespace", "Secret"],
            workloads: true,
            check,
        },
    };
}

fn check(snapshot: &Snapshot<'_>, settings: &Settings, out: &mut Vec<SetViolation>) {
    let objects = snapshot.objects();
    let has_rbac = objects
        .iter()
        .any(|o| o.group() == "rbac.authorization.k8s.io" && o.kind.ends_with("Binding"));
    if !has_rbac {
        return;
    }
    let policy = Policy::from_objects(objects, true);
    let accounts = Accounts::from_objects(objects, &settings.pod_templates);
    let mut graph = Graph::new(&policy, &accounts);
    for path in graph.paths_to_admin(&subjects(&policy, &accounts, false)) {
        if path.steps.len() < 2 {
            continue;
        }
        if let Some(violation) = violation(snapshot, &path) {
            out.push(violation);
        }
    }
}

/// The finding for a path: on the input's binding behind its first step, at the subject.
fn violation(snapshot: &Snapshot<'_>, path: &Path) -> Option<SetViolation> {
    let first = path.steps.first()?;
    let grant = first.grants.iter().find(|g| !g.binding.default)?;
    let (index, binding) = snapshot.of_kind(&grant.binding.kind).find(|(_, o)| {
        o.name() == grant.binding.name
            && (grant.binding.namespace.is_empty()
                || o.namespace().unwrap_or("default") == grant.binding.namespace)
    })?;
    let subject = grant.subject.as_ref()?;
    let position = binding
        .value
        .get("subjects")
        .and_then(|s| s.as_array())
        .and_then(|list| {
            list.iter()
                .position(|s| s.get("name").and_then(|n| n.as_str()) == Some(subject_name(subject)))
        });
    let pointer = position.map_or_else(|| "/subjects".to_string(), |i| format!("/subjects/{i}"));
    let chain: Vec<String> = path
        .steps
        .iter()
        .map(|s| format!("{} ({})", s.to, s.technique))
        .collect();
    Some(SetViolation {
        object: index,
        violation: Violation::new(
            pointer,
            format!(
                "{} can become cluster-admin in {} steps: {}",
                path.from,
                path.steps.len(),
                chain.join(" → ")
            ),
            "break the chain at its first step: take away what lets the subject act as the next identity, or move the powerful service account out of reach (see `palisade paths --from` for each step's binding)",
        ),
    })
}

fn subject_name(subject: &palisade_rbac::Subject) -> &str {
    match subject {
        palisade_rbac::Subject::User { name }
        | palisade_rbac::Subject::Group { name }
        | palisade_rbac::Subject::ServiceAccount { name, .. } => name,
    }
}
