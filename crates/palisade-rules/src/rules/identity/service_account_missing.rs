//! IDN004 `service-account-missing`: a pod that runs as a ServiceAccount the input does not
//! hold.

use std::collections::HashSet;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{CUSTOM_RESOURCES, Category, Check, Severity};
use crate::rules::{describe_scope, is_placeholder, scope};
use crate::snapshot::{SetViolation, Snapshot};

declare_rule! {
    /// ## What it does
    /// Reports a pod spec whose `serviceAccountName` (or the deprecated `serviceAccount`)
    /// names a ServiceAccount other than `default` that the input does not hold in the pod's
    /// namespace.
    ///
    /// The input may be one part of what a namespace holds (a chart installed with
    /// `serviceAccount.create: false` uses one made elsewhere), so the rule only reports in a
    /// namespace where the input holds ServiceAccounts and no custom resource (an operator
    /// installed from elsewhere runs there, with ServiceAccounts of its own): then a name that
    /// matches none of them is a typo or a leftover.
    ///
    /// Objects that name no namespace are compared with those read from the same directory:
    /// they go wherever they are applied, so unrelated directories of one repository are no
    /// evidence of one another.
    /// A name a templating step has yet to fill in (`$NAME`, `${NAME}`, `<name>`) is left alone.
    ///
    /// This is a set rule: it looks at the whole input set. Its severity is `info`: a
    /// notice that a reference points at nothing.
    ///
    /// ## Why is this bad?
    /// The API server refuses to create a pod whose ServiceAccount does not exist, so the
    /// workload never starts. Whoever creates a ServiceAccount of that name later decides,
    /// through the roles bound to it, what the workload may do in the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata: {name: web, namespace: shop}
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       serviceAccountName: webapp
    ///       containers: [{name: web, image: registry.example.com/web:1.0}]
    /// ```
    ///
    /// Use instead: the ServiceAccount that exists:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {matchLabels: {app: web}}
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec:
    ///       serviceAccountName: web
    ///       containers: [{name: web, image: registry.example.com/web:1.0}]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Configure Service Accounts for Pods](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/)
    /// - kube-linter: `non-existent-service-account`
    pub(crate) static RULE = {
        code: "IDN004",
        name: "service-account-missing",
        category: Category::Identity,
        severity: Severity::Info,
        summary: "Pod runs as a ServiceAccount the input does not hold",
        standards: &[],
        check: Check::Set { kinds: &["ServiceAccount", CUSTOM_RESOURCES], workloads: true, check },
    };
}

fn check(snapshot: &Snapshot<'_>, _settings: &Settings, out: &mut Vec<SetViolation>) {
    let accounts: HashSet<_> = snapshot
        .of_kind("ServiceAccount")
        .filter(|(_, a)| a.group().is_empty())
        .map(|(_, a)| (scope(a), a.name()))
        .collect();
    let scopes: HashSet<_> = accounts.iter().map(|(scope, _)| *scope).collect();
    for (index, pod) in snapshot.workloads() {
        let here = scope(pod.object);
        if !scopes.contains(&here) || snapshot.has_custom_resources(pod.object.namespace()) {
            continue;
        }
        // `serviceAccountName` wins over the deprecated field when both are set.
        let Some((field, name)) = ["serviceAccountName", "serviceAccount"]
            .into_iter()
            .find_map(|field| {
                let name = pod.get(&[field])?.as_str().filter(|n| !n.is_empty())?;
                Some((field, name))
            })
        else {
            continue;
        };
        if name == "default" || is_placeholder(name) || accounts.contains(&(here, name)) {
            continue;
        }
        out.push(SetViolation {
            object: index,
            violation: Violation::new(
                pod.pointer_to(&[field]),
                format!(
                    "ServiceAccount \"{name}\" is not in {} in the input: the API server will not create these pods until it exists",
                    describe_scope(here)
                ),
                "name the ServiceAccount the input creates for this workload, or add it",
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use palisade_model::{Object, Origin, PodTemplates};
    use serde_json::json;

    use super::*;

    fn read_from(path: &str, value: serde_json::Value) -> Object {
        let origin = Origin {
            path: path.into(),
            document: 0,
            item: None,
            template: None,
        };
        Object::detached(value, origin).expect("an object")
    }

    fn findings(objects: &[Object]) -> usize {
        let templates = PodTemplates::built_in();
        let mut out = Vec::new();
        check(
            &Snapshot::new(objects, templates),
            &Settings::default(),
            &mut out,
        );
        out.len()
    }

    #[test]
    fn objects_without_a_namespace_are_compared_within_their_directory() {
        let account = |path| {
            read_from(
                path,
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}}),
            )
        };
        let pod = |path, account: &str| {
            read_from(
                path,
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                       "spec": {"serviceAccountName": account, "containers": [{"name": "a"}]}}),
            )
        };
        assert_eq!(
            findings(&[account("app/sa.yaml"), pod("app/pod.yaml", "webapp")]),
            1
        );
        assert_eq!(
            findings(&[account("other/sa.yaml"), pod("app/pod.yaml", "webapp")]),
            0
        );
        assert_eq!(
            findings(&[account("app/sa.yaml"), pod("app/pod.yaml", "web")]),
            0
        );
        assert_eq!(
            findings(&[account("app/sa.yaml"), pod("app/pod.yaml", "${KSA_NAME}")]),
            0
        );
    }
}
