//! RBAC013 `rbac-csr-approve`: roles that can approve CertificateSigningRequests.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a ClusterRole's `rules` that grant `update` or `patch` on
    /// `certificatesigningrequests/approval` (API group `certificates.k8s.io`) when the same
    /// ClusterRole also grants `approve` on `signers`, and the bindings in the input that grant
    /// such a ClusterRole. Both are needed to approve a request; both are cluster-scoped, so a
    /// Role, or a ClusterRole bound by a RoleBinding, grants neither. Wildcards count.
    ///
    /// The second permission must be in the same role; one held through another binding, or
    /// only in another ClusterRole aggregated with this one, is not seen.
    ///
    /// ## Why is this bad?
    /// Whoever can approve CertificateSigningRequests can have the cluster sign a client
    /// certificate for any name and group: `system:masters` through the
    /// `kubernetes.io/kube-apiserver-client` signer, or a node's identity through
    /// `kubernetes.io/kube-apiserver-client-kubelet`. With one request and one approval they
    /// hold cluster-admin, with a credential that cannot be revoked until it expires.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata: {name: csr-approver}
    /// rules:
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["certificatesigningrequests/approval"]
    ///   verbs: ["update"]
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["signers"]
    ///   verbs: ["approve"]
    /// ```
    ///
    /// Use instead: a role that reads requests, with approval left to a person or to a
    /// controller limited to a signer of your own (and that finding waived, with the reason):
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata: {name: csr-reviewer}
    /// rules:
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["certificatesigningrequests"]
    ///   verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, escalation paths: CSRs and certificate issuing](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing)
    /// - [Kubernetes: Certificates and Certificate Signing Requests, authorization](https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization)
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    /// - MITRE ATT&CK for Containers: T1078 Valid Accounts
    pub(crate) static RULE = {
        code: "RBAC013",
        name: "rbac-csr-approve",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "Role can approve CertificateSigningRequests",
        standards: &["NSA-CISA: authentication and authorization", "MITRE ATT&CK T1078"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const APPROVAL: Target =
    Target::cluster("certificates.k8s.io", "certificatesigningrequests/approval");
const SIGNERS: Target = Target::cluster("certificates.k8s.io", "signers");

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can approve CertificateSigningRequests",
    help: "remove update and patch on certificatesigningrequests/approval, or limit approve on signers to signers that cannot issue API server credentials",
    inspect,
    requires: Some(approves_signers),
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grant = rule.grants(Verbs::OneOf(&["update", "patch"]), &APPROVAL, scope)?;
    Some(Hit {
        pointer: rule.pointer("resources", grant.resource.0),
        message: format!(
            "{} can approve CertificateSigningRequests: {}",
            rule.label(),
            policy_rule::describe([&grant])
        ),
        severity: None,
    })
}

fn approves_signers(rule: &PolicyRule<'_>, scope: Scope) -> bool {
    rule.grants(Verbs::OneOf(&["approve"]), &SIGNERS, scope)
        .is_some()
}
