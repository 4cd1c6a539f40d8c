//! SEC003 `secrets-as-env`: Secrets handed to containers through environment variables.

use palisade_model::PodSpecView;
use serde_json::Value;

use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports containers (init, regular and ephemeral) that read Secrets into environment
    /// variables: each `env[].valueFrom.secretKeyRef` and each `envFrom[].secretRef`.
    /// Secrets mounted as files (a `secret` or `projected` volume) are not reported.
    ///
    /// ## Why is this bad?
    /// Environment variables leak more easily than files: they are inherited by every child
    /// process, dumped by crash reporters and debug endpoints, printed by `env` in a shell,
    /// visible in `/proc/<pid>/environ` to anyone who can read it, and fixed for the life of
    /// the process, so a rotated Secret needs a restart. A mounted file can be read only where
    /// needed, kept out of logs, and is updated in place when the Secret changes.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: STRIPE_API_KEY
    ///   valueFrom:
    ///     secretKeyRef:
    ///       name: payments
    ///       key: stripe
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// volumeMounts:
    /// - name: payments
    ///   mountPath: /var/run/secrets/payments
    ///   readOnly: true
    /// # and in the pod spec:
    /// volumes:
    /// - name: payments
    ///   secret:
    ///     secretName: payments
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Good practices for Kubernetes Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [Kubernetes: Using Secrets as files from a Pod](https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod)
    /// - CIS Kubernetes Benchmark 5.4.1 (prefer using secrets as files over secrets as environment variables)
    /// - NSA-CISA Kubernetes Hardening Guide: secrets
    /// - MITRE ATT&CK for Containers: T1552.007 Container API
    pub(crate) static RULE = {
        code: "SEC003",
        name: "secrets-as-env",
        category: Category::Secrets,
        severity: Severity::Low,
        summary: "Secret passed to a container as environment variables",
        standards: &["CIS 5.4.1", "NSA-CISA: secrets", "MITRE ATT&CK T1552.007"],
        check: Check::Pod(check),
    };
}

const HELP: &str = "mount the Secret as a volume and have the application read the file";

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let env = container
            .get(&["env"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (i, var) in env.enumerate() {
            let Some(reference) = var
                .get("valueFrom")
                .and_then(|v| v.get("secretKeyRef"))
                .filter(|r| r.is_object())
            else {
                continue;
            };
            out.push(Violation::new(
                container.pointer_to(&["env", &i.to_string(), "valueFrom", "secretKeyRef"]),
                format!(
                    "{} reads key \"{}\" of Secret \"{}\" into env var \"{}\"",
                    container.describe(),
                    text(reference, "key"),
                    text(reference, "name"),
                    text(var, "name")
                ),
                HELP,
            ));
        }
        let env_from = container
            .get(&["envFrom"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (i, source) in env_from.enumerate() {
            let Some(reference) = source.get("secretRef").filter(|r| r.is_object()) else {
                continue;
            };
            out.push(Violation::new(
                container.pointer_to(&["envFrom", &i.to_string(), "secretRef"]),
                format!(
                    "{} reads every key of Secret \"{}\" into env vars",
                    container.describe(),
                    text(reference, "name")
                ),
                HELP,
            ));
        }
    }
}
