//! SEC001 `secret-in-env-literal`: secrets written into a container's environment.

use palisade_model::{PodSpecView, pointer};
use serde_json::Value;

use super::detect::{find_credential, secret_assignment};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports `env[].value` literals of containers (init, regular and ephemeral) that are
    /// secrets:
    ///
    /// - the variable's name says it holds a secret and its value is literal text; or
    /// - whatever the name, the value matches a known credential format: AWS access key IDs
    ///   (`AKIA…`, `ASIA…`), GitHub (`ghp_…`, `github_pat_…`), GitLab (`glpat-…`), Slack
    ///   (`xoxb-…`, webhook URLs), Google API keys (`AIza…`), Stripe live keys, npm, PyPI,
    ///   Docker Hub, SendGrid, OpenAI and Anthropic keys, Azure storage account keys, JSON Web
    ///   Tokens, PEM private keys, opaque bearer tokens (`Authorization: Bearer …`, letters
    ///   and digits, at least 20), and URLs with an embedded password
    ///   (`postgres://user:pass@host`).
    ///
    /// A name says secret when its **last** word is a secret noun: `password`, `passwd`,
    /// `pwd`, `pass`, `passphrase`, `secret`, `token`, `credentials`, `apikey`, or `key` after
    /// `api`, `private`, `secret`, `access`, `signing`, `encryption`, `account`, `storage`,
    /// `batch`, ... (`AZURE_STORAGE_KEY`, `STORAGE_ACCOUNT_KEY`), or `key content`
    /// (`OCI_CLI_KEY_CONTENT`). Names are split at
    /// `_`, `-`, `.` and camelCase, so `DB_PASSWORD`, `apiKey` and `client-secret` all count.
    /// The last word decides because it says what the value is: `PASSWORD_FILE`,
    /// `SECRET_NAME`, `TOKEN_URL`, `KEY_PATH` and `TOKEN_TTL` are not secrets. Encoding words
    /// at the end are skipped (`SECRET_KEY_BASE`, `PASSWORD_B64` count).
    ///
    /// A value is literal unless it is empty, a reference (`$(VAR)`, `${VAR}`, `$VAR`,
    /// `{{ }}`, `ENC(…)`, `vault:…`, `ref+…`, `arn:…`, `os.environ[…]`), a placeholder
    /// (`<password>`, `****`, `REDACTED`, `your-api-key`, `replace-me`, or the variable's own
    /// name as in `HF_TOKEN=HF_TOKEN`), a flag (`true`, `yes`, `0`, ...), or, for the name
    /// test, a path or a URL (`/run/secrets/db`, `https://…`). Messages never show the
    /// value: at most the fixed prefix of a credential format (`ghp_…`).
    ///
    /// ## Why is this bad?
    /// Anything in a manifest is readable by whoever can read the manifest: the Git
    /// repository, CI logs, `kubectl get -o yaml` for anyone with read access to the
    /// workload, the `last-applied-configuration` annotation. The secret cannot be rotated
    /// without a deployment and cannot be protected by RBAC on Secrets or by encryption at
    /// rest.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    /// - name: DB_PASSWORD
    ///   value: hunter2-prod
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # Mount the Secret as a file (preferred), or reference it with secretKeyRef.
    /// env:
    /// - name: DB_PASSWORD_FILE
    ///   value: /var/run/secrets/db/password
    /// volumeMounts:
    /// - name: db-credentials
    ///   mountPath: /var/run/secrets/db
    ///   readOnly: true
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Good practices for Kubernetes Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - [Kubernetes: Distribute credentials securely using Secrets](https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/)
    /// - CIS Kubernetes Benchmark 5.4.1 (prefer secrets as files), 5.4.2 (external secret storage)
    /// - NSA-CISA Kubernetes Hardening Guide: secrets
    /// - MITRE ATT&CK for Containers: T1552.001 Credentials In Files, T1552.007 Container API
    pub(crate) static RULE = {
        code: "SEC001",
        name: "secret-in-env-literal",
        category: Category::Secrets,
        severity: Severity::High,
        summary: "Container environment holds a literal secret",
        standards: &["CIS 5.4.1", "NSA-CISA: secrets", "MITRE ATT&CK T1552.001", "MITRE ATT&CK T1552.007"],
        check: Check::Pod(check),
    };
}

const HELP: &str = "move the value into a Secret and mount it as a file (or use valueFrom.secretKeyRef), then rotate it";

fn check(pod: &PodSpecView<'_>, _settings: &Settings, out: &mut Vec<Violation>) {
    for container in pod.containers() {
        let Some(env) = container.get(&["env"]).and_then(Value::as_array) else {
            continue;
        };
        let env_pointer = container.pointer_to(&["env"]);
        for (i, var) in env.iter().enumerate() {
            let Some(value) = var.get("value").and_then(Value::as_str) else {
                continue;
            };
            let name = var.get("name").and_then(Value::as_str).unwrap_or("");
            let what = if let Some(credential) = find_credential(value) {
                format!(
                    "a literal value that looks like {} ({})",
                    credential.kind, credential.shown
                )
            } else if secret_assignment(name, value) {
                "a literal value, and its name says it is a secret".to_string()
            } else {
                continue;
            };
            out.push(Violation::new(
                pointer::join(&pointer::join_index(&env_pointer, i), "value"),
                format!("{} sets env var \"{name}\" to {what}", container.describe()),
                HELP,
            ));
        }
    }
}
