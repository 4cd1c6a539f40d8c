//! IDN003 `service-account-automount-enabled`: ServiceAccounts that let every pod using them
//! get an API token.

use palisade_model::Object;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports ServiceAccounts whose `automountServiceAccountToken` is not `false`: unset
    /// (which the kubelet reads as `true`), `true`, or anything else.
    ///
    /// `service-account-token-automount` reports the pods that get a token; this rule reports
    /// the ServiceAccount itself, so that pods added later, by anyone who may create pods in
    /// the namespace, do not get one unless they ask for it.
    ///
    /// ## Why is this bad?
    /// A ServiceAccount that does not opt out hands its token to every pod that runs as it and
    /// does not opt out itself, including the namespace's `default` ServiceAccount, which every
    /// pod without a ServiceAccount of its own runs as. Most applications never call the
    /// Kubernetes API; for them the token is only something an attacker in the container can
    /// steal and use with the ServiceAccount's permissions. Opting out on the ServiceAccount
    /// makes "no token" the default, and the pods that need one set
    /// `automountServiceAccountToken: true` or mount a projected token.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata: {name: web, namespace: shop}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata: {name: web, namespace: shop}
    /// automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    /// - CIS Kubernetes Benchmark 5.1.5: Ensure that default service accounts are not actively used
    /// - CIS Kubernetes Benchmark 5.1.6: Ensure that Service Account Tokens are only mounted where necessary
    /// - NSA-CISA Kubernetes Hardening Guide: pod security (service account tokens)
    /// - MITRE ATT&CK for Containers: T1528 Steal Application Access Token
    pub(crate) static RULE = {
        code: "IDN003",
        name: "service-account-automount-enabled",
        category: Category::Identity,
        severity: Severity::Low,
        summary: "ServiceAccount does not opt out of token automounting",
        standards: &["CIS 5.1.5", "CIS 5.1.6", "NSA-CISA: pod security", "MITRE ATT&CK T1528"],
        check: Check::Object { kinds: &["ServiceAccount"], check },
    };
}

const FIELD: &str = "automountServiceAccountToken";

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !object.group().is_empty() {
        return;
    }
    let message = match object.value.get(FIELD) {
        Some(Value::Bool(false)) => return,
        None | Some(Value::Null) => format!(
            "ServiceAccount \"{}\" does not set {FIELD}: false, so every pod that runs as it gets an API token unless the pod opts out",
            object.name()
        ),
        Some(value) => format!(
            "ServiceAccount \"{}\" sets {FIELD}: {value}, so every pod that runs as it gets an API token unless the pod opts out",
            object.name()
        ),
    };
    out.push(Violation::new(
        format!("/{FIELD}"),
        message,
        "set automountServiceAccountToken: false on the ServiceAccount, and true only on the pods that call the Kubernetes API",
    ));
}
