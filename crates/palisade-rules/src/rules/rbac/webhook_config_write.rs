//! RBAC008 `rbac-webhook-config-write`: a role that can change admission webhooks.

use super::policy_rule::{self, PolicyRule, Scope, Target, Verbs};
use super::role_check::{self, Hit, KINDS, RoleRuleCheck};
use crate::declare_rule;
use crate::engine::Settings;
use crate::rule::{Category, Check, Severity};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports entries of a ClusterRole's `rules` that allow `create`, `update`, `patch`,
    /// `delete` or `deletecollection` on `validatingwebhookconfigurations` or
    /// `mutatingwebhookconfigurations` in `admissionregistration.k8s.io` (including through `*`
    /// verbs, resources or API groups), and the ClusterRoleBindings in the input that grant
    /// such a role. Writes limited by `resourceNames` are reported at medium severity, with the
    /// names. Webhook configurations are not namespaced, so a Role, or a ClusterRole
    /// granted by a RoleBinding, cannot grant this and is not reported.
    ///
    /// ## Why is this bad?
    /// An admission webhook sees every object it registers for, Secrets included, and a
    /// mutating webhook can rewrite them: add a privileged container to every pod, swap images,
    /// strip security contexts. Deleting or loosening a validating webhook switches off the
    /// policy it enforces. Either way, the subject controls what the cluster admits.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: cert-injector
    /// rules:
    /// - apiGroups: ["admissionregistration.k8s.io"]
    ///   resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]
    ///   verbs: ["get", "list", "watch", "update", "patch"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Webhooks are installed by the deployment tooling; the controller only reads them.
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: cert-injector
    /// rules:
    /// - apiGroups: ["admissionregistration.k8s.io"]
    ///   resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]
    ///   verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Dynamic Admission Control](https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/)
    /// - [Kubernetes: Role Based Access Control good practices, control admission webhooks](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks)
    /// - CIS Kubernetes Benchmark 5.1.12: Minimize access to webhook configuration objects
    /// - NSA-CISA Kubernetes Hardening Guide: authentication and authorization (RBAC, least privilege)
    pub(crate) static RULE = {
        code: "RBAC008",
        name: "rbac-webhook-config-write",
        category: Category::Rbac,
        severity: Severity::High,
        summary: "ClusterRole can change admission webhook configurations",
        standards: &["CIS 5.1.12", "NSA-CISA: authentication and authorization"],
        check: Check::Set { kinds: KINDS, workloads: false, check },
    };
}

const ADMISSION: &str = "admissionregistration.k8s.io";
const WEBHOOKS: [Target; 2] = [
    Target::cluster(ADMISSION, "validatingwebhookconfigurations"),
    Target::cluster(ADMISSION, "mutatingwebhookconfigurations"),
];
const WRITE: Verbs<'static> =
    Verbs::OneOf(&["create", "update", "patch", "delete", "deletecollection"]);

const CHECK: RoleRuleCheck = RoleRuleCheck {
    ability: "can change admission webhook configurations",
    help: "grant only get, list and watch on webhook configurations; install and change webhooks with the deployment tooling",
    inspect,
    requires: None,
};

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    role_check::run(snapshot, &CHECK, out);
}

fn inspect(rule: &PolicyRule<'_>, scope: Scope) -> Option<Hit> {
    let grants: Vec<_> = WEBHOOKS
        .iter()
        .filter_map(|target| rule.grants(WRITE, target, scope))
        .collect();
    let first = grants.first()?;
    let names = rule.resource_names();
    let (only, severity) = if names.is_empty() {
        (String::new(), None)
    } else {
        let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        (
            format!(" (only {})", names.join(", ")),
            Some(Severity::Medium),
        )
    };
    Some(Hit {
        pointer: rule.pointer("resources", first.resource.0),
        message: format!(
            "{} can change admission webhooks{only}: {}",
            rule.label(),
            policy_rule::describe(&grants)
        ),
        severity,
    })
}
