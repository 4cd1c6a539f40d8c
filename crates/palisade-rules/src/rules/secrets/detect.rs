//! Telling secrets from configuration, shared by the `secrets` rules.
//!
//! Two independent signals, both hand-written matchers rather than regular expressions:
//!
//! - **Credential formats**: values with a fixed, documented shape (cloud access keys,
//!   GitHub/GitLab/Slack/Stripe/... tokens, JWTs, PEM private keys, URLs with a password).
//!   They are found anywhere in a text, so a whole configuration file can be scanned.
//! - **Secret names with literal values**: a name whose *last* word is a secret noun
//!   (`DB_PASSWORD`, `apiKey`, `client-secret`, `GITHUB_TOKEN`), holding a value that is
//!   literal text rather than a reference, a placeholder, a flag, a path or a URL. The last
//!   word decides because it says what the value *is*: `PASSWORD_FILE`, `SECRET_NAME`,
//!   `TOKEN_URL`, `KEY_PATH` and `TOKEN_TTL` hold a path, a name, a URL and a duration, not a
//!   secret. A few words that only say how the secret is encoded (`_BASE64`, `_VALUE`,
//!   `_BASE`, ...) are skipped first, so `SECRET_KEY_BASE` and `PASSWORD_B64` still count.
//!
//! Nothing here returns a secret: what the rules may print is the fixed prefix of a format.

mod formats;

use formats::{PREFIXED, Prefixed, base64, base64url};

/// A credential format found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Credential {
    /// What it looks like, for messages: "a GitHub token".
    pub(super) kind: &'static str,
    /// A redacted rendering that shows only the format's fixed part: "ghp_…".
    pub(super) shown: String,
    /// Byte offset of the match in the text.
    pub(super) offset: usize,
}

/// The first credential format found in `text`, if any. A URL's password is the last resort:
/// a token of a known format inside the URL is named by its format.
pub(super) fn find_credential(text: &str) -> Option<Credential> {
    let mut found: Vec<Credential> = PREFIXED
        .iter()
        .filter_map(|p| find_prefixed(text, p))
        .collect();
    found.extend(find_pem_private_key(text));
    found.extend(find_jwt(text));
    found.extend(find_bearer(text));
    found
        .into_iter()
        .min_by_key(|c| c.offset)
        .or_else(|| find_url_password(text))
}

/// Whether the byte before `at` ends a word, so a prefix starts a token of its own.
fn starts_token(text: &str, at: usize) -> bool {
    at == 0
        || text
            .as_bytes()
            .get(at - 1)
            .is_none_or(|&b| !b.is_ascii_alphanumeric())
}

/// Length of the run of `class` bytes starting at `from`, counted up to `limit`: a caller that
/// only needs to know whether a run is short enough never looks further than that, so a match
/// costs at most `limit` steps however long the text.
fn run_up_to(text: &str, from: usize, class: fn(u8) -> bool, limit: usize) -> usize {
    text.as_bytes().get(from..).map_or(0, |rest| {
        rest.iter().take(limit).take_while(|&&b| class(b)).count()
    })
}

/// A body made of very few distinct characters is a placeholder (`ghp_xxxxxxxx…`).
fn looks_random(body: &[u8]) -> bool {
    let mut seen = [false; 256];
    for &b in body {
        seen[usize::from(b)] = true;
    }
    seen.iter().filter(|&&s| s).count() >= 6
}

fn find_prefixed(text: &str, pattern: &Prefixed) -> Option<Credential> {
    pattern.prefixes.iter().find_map(|prefix| {
        text.match_indices(prefix).find_map(|(at, _)| {
            let body_start = at + prefix.len();
            let len = run_up_to(text, body_start, pattern.body, pattern.max + 1);
            let body = text.as_bytes().get(body_start..body_start + len)?;
            let fits = (pattern.min..=pattern.max).contains(&len) && looks_random(body);
            (starts_token(text, at) && fits).then(|| Credential {
                kind: pattern.kind,
                shown: format!("{prefix}…"),
                offset: at,
            })
        })
    })
}

/// Longest bearer token looked at; longer runs are something else.
const BEARER_MAX: usize = 1024;

/// `Bearer <token>` (an `Authorization` header written into configuration) with an opaque
/// token: at least 20 token characters, letters and digits mixed, not a placeholder.
fn find_bearer(text: &str) -> Option<Credential> {
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
    ["Bearer ", "bearer "].iter().find_map(|prefix| {
        text.match_indices(prefix).find_map(|(at, _)| {
            let start = at + prefix.len();
            let len = run_up_to(text, start, token68, BEARER_MAX + 1);
            let body = text.as_bytes().get(start..start + len)?;
            // A JSON Web Token is reported as one, by its own detector.
            let opaque = !body.starts_with(b"eyJ")
                && (20..=BEARER_MAX).contains(&len)
                && looks_random(body)
                && body.iter().any(u8::is_ascii_digit)
                && body.iter().any(u8::is_ascii_alphabetic);
            (starts_token(text, at) && opaque).then(|| Credential {
                kind: "a bearer token",
                shown: "Bearer …".to_string(),
                offset: at,
            })
        })
    })
}

/// Longest label between `-----BEGIN ` and `-----` that is looked at.
const PEM_LABEL_MAX: usize = 40;

/// `-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |PGP ...]PRIVATE KEY[ BLOCK]-----` with a body.
/// The body ends at the next `-----` (its END line, or the next BEGIN), so the bodies of
/// successive markers never overlap and the text is read once.
fn find_pem_private_key(text: &str) -> Option<Credential> {
    text.match_indices("-----BEGIN ").find_map(|(at, marker)| {
        let after = text.get(at + marker.len()..)?;
        let window = after.get(..after.len().min(PEM_LABEL_MAX + 5))?;
        let label_end = window.find("-----")?;
        let label = after.get(..label_end)?;
        let is_private = label.bytes().all(|b| b.is_ascii_uppercase() || b == b' ')
            && (label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"));
        if !is_private {
            return None;
        }
        let body = after.get(label_end + 5..)?;
        let body = body.get(..body.find("-----").unwrap_or(body.len()))?;
        let key_material = body.bytes().filter(|&b| base64(b)).take(40).count() >= 40;
        key_material.then(|| Credential {
            kind: "a PEM private key",
            shown: format!("-----BEGIN {label}-----"),
            offset: at,
        })
    })
}

/// Three base64url segments separated by dots, header and payload both JSON objects (`eyJ`).
///
/// One pass over the maximal runs of base64url bytes: a header that starts inside a run (after
/// a `-` or `_`) ends where the run ends, so each run is measured once, however many `eyJ` it
/// holds.
fn find_jwt(text: &str) -> Option<Credential> {
    let bytes = text.as_bytes();
    let run_end = |from: usize| {
        bytes.get(from..).map_or(from, |rest| {
            from + rest.iter().take_while(|&&b| base64url(b)).count()
        })
    };
    let mut start = 0;
    while start < bytes.len() {
        if !bytes.get(start).is_some_and(|&b| base64url(b)) {
            start += 1;
            continue;
        }
        let end = run_end(start);
        if let Some(at) = first_header(text, start, end) {
            let payload_start = end + 1;
            let payload_end = run_end(payload_start);
            let signature_start = payload_end + 1;
            let signature_end = run_end(signature_start);
            let ok = bytes.get(end) == Some(&b'.')
                && bytes
                    .get(payload_start..)
                    .is_some_and(|p| p.starts_with(b"eyJ"))
                && payload_end - payload_start >= 10
                && bytes.get(payload_end) == Some(&b'.')
                && signature_end.saturating_sub(signature_start) >= 16;
            if ok {
                return Some(Credential {
                    kind: "a JSON Web Token",
                    shown: "eyJ…".to_string(),
                    offset: at,
                });
            }
        }
        start = end;
    }
    None
}

/// The first `eyJ` in the run `start..end` that starts a token and leaves a header of at least
/// ten bytes.
fn first_header(text: &str, start: usize, end: usize) -> Option<usize> {
    let run = text.get(start..end)?;
    run.match_indices("eyJ")
        .map(|(i, _)| start + i)
        .take_while(|&at| end - at >= 10)
        .find(|&at| starts_token(text, at))
}

/// Longest URL scheme looked at before `://`.
const SCHEME_MAX: usize = 32;

/// `scheme://user:password@host` with a literal password.
fn find_url_password(text: &str) -> Option<Credential> {
    text.match_indices("://").find_map(|(at, _)| {
        let before = text.as_bytes().get(at.saturating_sub(SCHEME_MAX + 1)..at)?;
        let scheme_len = before
            .iter()
            .rev()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
            .count();
        if scheme_len > SCHEME_MAX {
            return None;
        }
        let scheme = text.get(at - scheme_len..at)?;
        if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        // The authority ends at the first `/`, which is also where the next `://` begins, so
        // successive matches read disjoint parts of the text.
        let rest = text.get(at + 3..)?;
        let authority_end = rest
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = rest.get(..authority_end)?;
        let (userinfo, host) = authority.rsplit_once('@')?;
        let (_, password) = userinfo.split_once(':')?;
        let literal = !host.is_empty()
            && literal_value(password)
            && !password.contains(['"', '\'', '<', '>']);
        literal.then(|| Credential {
            kind: "a URL with an embedded password",
            shown: format!("{scheme}://…:…@"),
            offset: at - scheme_len,
        })
    })
}

/// Words of a name: split at `_`, `-`, `.` and other punctuation, and at camelCase
/// boundaries (`apiKey`, `APIKey` and `API_KEY` are all `api key`); lower-cased.
pub(super) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j));
            let next = chars.get(i + 1);
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
                });
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// Last words that say what the value is.
const SECRET_NOUNS: [&str; 16] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
    "secret",
    "token",
    "credential",
    "credentials",
    "creds",
    "pat",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
];

/// Words before `key` that make it a secret key (`API_KEY`, `SIGNING_KEY`; not `CACHE_KEY`).
const KEY_QUALIFIERS: [&str; 18] = [
    "api",
    // Cloud account keys: Azure's AZURE_STORAGE_KEY, STORAGE_ACCOUNT_KEY, AZURE_BATCH_KEY.
    "account",
    "storage",
    "batch",
    "shared",
    "private",
    "secret",
    "access",
    "encryption",
    "signing",
    "master",
    "client",
    "auth",
    "ssh",
    "hmac",
    "jwt",
    "session",
    "license",
];

/// Trailing words that say how a secret is encoded, not what the value is.
const ENCODING_SUFFIXES: [&str; 12] = [
    "base",
    "value",
    "val",
    "string",
    "str",
    "raw",
    "plain",
    "plaintext",
    "b64",
    "base64",
    "pem",
    "data",
];

/// Whether a variable or key name says its value is a secret (see the module docs).
pub(super) fn name_says_secret(name: &str) -> bool {
    let words = words(name);
    let mut meaningful: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    while meaningful.len() > 1
        && meaningful
            .last()
            .is_some_and(|w| ENCODING_SUFFIXES.contains(w))
    {
        meaningful.pop();
    }
    // `PASSWORD2` is a second password.
    let unnumbered = |w: &str| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
    let last: Vec<String> = meaningful
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|w| unnumbered(w))
        .collect();
    // `OCI_CLI_KEY_CONTENT`, `TLS_KEY_CONTENT`: the key material itself.
    if words.len() >= 2 && words[words.len() - 2..] == ["key", "content"] {
        return true;
    }
    match last.as_slice() {
        // Alone, `passwd` is the Unix account database (`passwd: files` in nsswitch.conf).
        [only] if only == "passwd" => false,
        [qualifier, key] if key == "key" => KEY_QUALIFIERS.contains(&qualifier.as_str()),
        [.., head] => SECRET_NOUNS.contains(&head.as_str()),
        [] => false,
    }
}

/// Whether a value is literal text that could be a secret: not empty, not a reference to
/// something else (`$(VAR)`, `${VAR}`, `$VAR`, `{{ }}`, `%(VAR)s`, `ENC(…)`, `vault:`, `ref+`,
/// `arn:`, a YAML tag such as `!vault`, code reading the environment such as
/// `os.environ["X"]`), not a placeholder (`<password>`, `****`, `REDACTED`), not a flag or null, and
/// with at least one letter or digit.
pub(super) fn literal_value(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    let reference = ["$(", "${", "{{", "%("].iter().any(|t| value.contains(t))
        || value
            .strip_prefix('$')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        || ["enc(", "vault:", "ref+", "arn:", "!"]
            .iter()
            .any(|p| lower.starts_with(p))
        || ["environ", "getenv(", "process.env", "env(", "env["]
            .iter()
            .any(|t| lower.contains(t));
    let placeholder = (value.starts_with('<') && value.ends_with('>'))
        || lower.trim_matches(|c: char| !c.is_ascii_alphanumeric()) == "redacted"
        || value.bytes().all(|b| b"*xX#.-_?".contains(&b));
    let flag = matches!(
        lower.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "0"
            | "1"
            | "null"
            | "nil"
            | "none"
            | "~"
    );
    !value.is_empty()
        && value.bytes().any(|b| b.is_ascii_alphanumeric())
        && !reference
        && !placeholder
        && !flag
}

/// Whether a value under a secret name is a secret rather than where to find one: a literal
/// value ([`literal_value`]) that is not a filesystem path or a plain URL. (A URL with a
/// password is a credential format of its own.)
pub(super) fn literal_secret(value: &str) -> bool {
    let value = value.trim();
    let locator = ["/", "./", "../", "~/", "file:", "http://", "https://"]
        .iter()
        .any(|p| value.starts_with(p));
    literal_value(value) && !locator
}

/// Whether `name = value` puts a secret in plain text: the name says secret, the value is a
/// literal secret ([`literal_secret`]), and the value is not a placeholder that repeats the
/// name (`HF_TOKEN=HF_TOKEN`) or asks for one (`your-api-key`, `replace-me`).
pub(super) fn secret_assignment(name: &str, value: &str) -> bool {
    let squash = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let squashed = squash(value);
    let placeholder = squashed == squash(name)
        || squashed.starts_with("your")
        || [
            "replaceme",
            "changethis",
            "todo",
            "tbd",
            "fixme",
            "placeholder",
        ]
        .contains(&squashed.as_str());
    name_says_secret(name) && literal_secret(value) && !placeholder
}

/// One `key = value` or `key: value` line of a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Assignment<'a> {
    /// 1-based line number within the text.
    pub(super) line: usize,
    pub(super) key: &'a str,
    pub(super) value: &'a str,
}

/// The assignments of a configuration text in the common formats: YAML (`key: value`),
/// properties, INI, TOML and dotenv (`key=value`, `export KEY=value`), JSON (`"key": "value",`)
/// and XML elements on one line (`<key>value</key>`). Comment lines are skipped; quotes
/// around keys and values are removed.
pub(super) fn assignments(text: &str) -> impl Iterator<Item = Assignment<'_>> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let (key, value) = xml_element(line.trim()).or_else(|| key_value(line))?;
        Some(Assignment {
            line: i + 1,
            key,
            value,
        })
    })
}

fn key_value(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if ["#", "//", ";", "--", "<!--", "*"]
        .iter()
        .any(|c| line.starts_with(c))
    {
        return None;
    }
    let line = line.strip_prefix("- ").unwrap_or(line);
    let line = line.strip_prefix("export ").unwrap_or(line);
    let equals = line.find('=');
    let colon = line.match_indices(':').map(|(i, _)| i).find(|&i| {
        line.get(i + 1..)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    });
    let split = match (equals, colon) {
        (Some(e), Some(c)) => e.min(c),
        (Some(at), None) | (None, Some(at)) => at,
        (None, None) => return None,
    };
    let key = unquote(line.get(..split)?.trim());
    let valid_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-[]".contains(&b));
    if !valid_key {
        return None;
    }
    let raw = line.get(split + 1..)?.trim();
    let raw = raw.strip_suffix(',').unwrap_or(raw).trim();
    let value = if raw.starts_with(['"', '\'']) {
        unquote(raw)
    } else {
        raw.split_once(" #").map_or(raw, |(v, _)| v).trim()
    };
    Some((key, value))
}

fn xml_element(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('<')?;
    let (key, rest) = rest.split_once('>')?;
    let value = rest
        .strip_suffix('>')?
        .strip_suffix(key)?
        .strip_suffix("</")?;
    let valid_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    valid_key.then_some((key, value))
}

fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote) {
            return inner.split_once(quote).map_or(inner, |(v, _)| v);
        }
    }
    text
}

#[cfg(test)]
mod tests;
