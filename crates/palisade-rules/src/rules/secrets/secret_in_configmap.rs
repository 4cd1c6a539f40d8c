//! SEC002 `secret-in-configmap`: secrets stored in ConfigMaps.

use palisade_model::{Object, pointer};
use serde_json::Value;

use super::detect::{assignments, find_credential, name_says_secret, secret_assignment};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports entries of a ConfigMap's `data` and `binaryData` (base64-decoded when it is
    /// text) that hold a secret, one finding per entry:
    ///
    /// - the value contains a known credential format anywhere (the formats of
    ///   `secret-in-env-literal`: cloud and SaaS tokens, JWTs, PEM private keys, URLs with a
    ///   password);
    /// - the key's name says it holds a secret (`db-password`, `apiKey`, by the same name test
    ///   as `secret-in-env-literal`) and its value is literal text;
    /// - the value is a configuration file with a line that assigns a literal value to such a
    ///   name: `password: x`, `spring.datasource.password=x`, `"client_secret": "x"`,
    ///   `export API_TOKEN=x`, `<password>x</password>`. Comment lines are skipped.
    ///
    /// References and placeholders are not secrets: `${DB_PASSWORD}`, `$(VAR)`, `$VAR`,
    /// `{{ .Values.password }}`, `%(ENV_X)s`, `ENC(…)`, `vault:…`, `<password>`, `****`,
    /// `your-api-key`, a value that repeats its name, empty values, flags
    /// (`password-required: true`), code (`token=os.environ["TOKEN"]`, any value with a call)
    /// and, for the name test, paths and plain URLs (`password_file: /run/secrets/db`). A key
    /// that is just `passwd` is the account database of `nsswitch.conf`, not a password. Messages never show the value: at most the fixed
    /// prefix of a credential format, and the line number inside a multi-line value.
    ///
    /// ## Why is this bad?
    /// ConfigMaps are meant for non-confidential data and are treated that way: they are not
    /// encrypted at rest by the Secret encryption configuration, RBAC commonly lets many more
    /// people and controllers read them, and they are printed in logs, dashboards and
    /// `kubectl describe`. A credential in one is as good as published inside the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: shop-config
    /// data:
    ///   application.properties: |
    ///     spring.datasource.url=jdbc:postgresql://db:5432/shop
    ///     spring.datasource.password=hunter2-prod
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: shop-config
    /// data:
    ///   application.properties: |
    ///     spring.datasource.url=jdbc:postgresql://db:5432/shop
    ///     spring.datasource.password=${DB_PASSWORD}
    /// ---
    /// # with DB_PASSWORD supplied from a Secret (mounted as a file, or secretKeyRef)
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: ConfigMaps](https://kubernetes.io/docs/concepts/configuration/configmap/) ("ConfigMap does not provide secrecy or encryption")
    /// - [Kubernetes: Good practices for Kubernetes Secrets](https://kubernetes.io/docs/concepts/security/secrets-good-practices/)
    /// - CIS Kubernetes Benchmark 5.4.2 (consider external secret storage)
    /// - NSA-CISA Kubernetes Hardening Guide: secrets
    /// - MITRE ATT&CK for Containers: T1552.001 Credentials In Files, T1552.007 Container API
    pub(crate) static RULE = {
        code: "SEC002",
        name: "secret-in-configmap",
        category: Category::Secrets,
        severity: Severity::High,
        summary: "ConfigMap holds a secret",
        standards: &["CIS 5.4.2", "NSA-CISA: secrets", "MITRE ATT&CK T1552.001", "MITRE ATT&CK T1552.007"],
        check: Check::Object { kinds: &["ConfigMap"], check },
    };
}

const HELP: &str = "move the value into a Secret (mounted as a file) and keep only a reference in the ConfigMap; rotate it";

fn check(object: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !object.group().is_empty() {
        return;
    }
    for field in ["data", "binaryData"] {
        let Some(entries) = object.value.get(field).and_then(Value::as_object) else {
            continue;
        };
        for (key, value) in entries {
            let Some(raw) = value.as_str() else { continue };
            let decoded;
            let text = if field == "binaryData" {
                decoded = decode_base64(raw).and_then(|bytes| String::from_utf8(bytes).ok());
                decoded.as_deref()
            } else {
                Some(raw)
            };
            let finding = match text {
                Some(text) => judge(key, text),
                // Binary content: only its name can say what it is.
                None => (name_says_secret(key) && !raw.trim().is_empty())
                    .then(|| "holds binary data, and its name says it is a secret".to_string()),
            };
            if let Some(what) = finding {
                out.push(Violation::new(
                    pointer::join(&format!("/{field}"), key),
                    format!("ConfigMap {field} key \"{key}\" {what}"),
                    HELP,
                ));
            }
        }
    }
}

/// What is secret about one entry, as the end of a message, or `None`.
fn judge(key: &str, text: &str) -> Option<String> {
    let multi_line = text.trim_end().contains('\n');
    if let Some(credential) = find_credential(text) {
        let line = text
            .get(..credential.offset)
            .map_or(1, |before| before.matches('\n').count() + 1);
        let at = if multi_line {
            format!(" on line {line}")
        } else {
            String::new()
        };
        return Some(format!(
            "holds what looks like {} ({}){at}",
            credential.kind, credential.shown
        ));
    }
    if secret_assignment(key, text) {
        return Some("holds a literal value, and its name says it is a secret".to_string());
    }
    // A value with a call in it is code (`token=os.environ[...]`, `password = load()`).
    let mut found =
        assignments(text).filter(|a| !a.value.contains('(') && secret_assignment(a.key, a.value));
    let first = found.next()?;
    let more = found.count();
    let more = if more == 0 {
        String::new()
    } else {
        format!(" (and {more} more)")
    };
    Some(format!(
        "assigns \"{}\" a literal value on line {}{more}",
        first.key, first.line
    ))
}

/// Standard base64 with optional padding, as Kubernetes encodes `binaryData`. `None` when the
/// text is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches(['=', '\n', '\r', ' ']).bytes() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        let cases = [
            ("", Some("")),
            ("cGFzc3dvcmQ=", Some("password")),
            ("cGFzc3dvcmQ", Some("password")),
            ("aGk=", Some("hi")),
            ("not base64!", None),
        ];
        for (text, expected) in cases {
            let decoded = decode_base64(text).map(|b| String::from_utf8(b).expect("utf-8"));
            assert_eq!(decoded.as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn entries_are_judged_by_format_name_and_assignments() {
        let cases = [
            (
                "db-password",
                "hunter2",
                Some("holds a literal value, and its name says it is a secret"),
            ),
            ("db-password", "${DB_PASSWORD}", None),
            ("db-password-file", "hunter2", None),
            (
                "app.env",
                "LOG_LEVEL=info\nDB_PASSWORD=hunter2\nAPI_TOKEN=abc123\n",
                Some("assigns \"DB_PASSWORD\" a literal value on line 2 (and 1 more)"),
            ),
            (
                "app.yaml",
                "db:\n  password: ${DB_PASSWORD}\n  passwordFile: /run/secrets/db\n",
                None,
            ),
            (
                "keys",
                "a: 1\nb: AKIAIOSFODNN7EXAMPLE\n",
                Some("holds what looks like an AWS access key ID (AKIA…) on line 2"),
            ),
            (
                "key-id",
                "AKIAIOSFODNN7EXAMPLE",
                Some("holds what looks like an AWS access key ID (AKIA…)"),
            ),
            ("nginx.conf", "server {\n  listen 8080;\n}\n", None),
        ];
        for (key, text, expected) in cases {
            assert_eq!(judge(key, text).as_deref(), expected, "{key}: {text:?}");
        }
    }
}
