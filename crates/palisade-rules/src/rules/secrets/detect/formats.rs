//! The credential formats with a fixed prefix, and the byte classes their bodies are made of.

/// A token with a fixed prefix followed by a run of characters of one class.
pub(super) struct Prefixed {
    pub(super) kind: &'static str,
    pub(super) prefixes: &'static [&'static str],
    pub(super) body: fn(u8) -> bool,
    /// Shortest body that counts.
    pub(super) min: usize,
    /// Longest body that counts; longer runs are something else.
    pub(super) max: usize,
}

pub(super) fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

pub(super) fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

pub(super) fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(super) fn base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

pub(super) fn base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

pub(super) fn slack(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

pub(super) fn sendgrid(b: u8) -> bool {
    base64url(b) || b == b'.'
}

pub(super) fn url_path(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/'
}

pub(super) const PREFIXED: &[Prefixed] = &[
    Prefixed {
        kind: "an AWS access key ID",
        prefixes: &["AKIA", "ASIA"],
        body: upper_alnum,
        min: 16,
        max: 16,
    },
    Prefixed {
        kind: "a GitHub token",
        prefixes: &["ghp_", "gho_", "ghs_", "ghu_", "ghr_"],
        body: alnum,
        min: 36,
        max: 255,
    },
    Prefixed {
        kind: "a GitHub fine-grained token",
        prefixes: &["github_pat_"],
        body: alnum_underscore,
        min: 50,
        max: 255,
    },
    Prefixed {
        kind: "a GitLab token",
        prefixes: &["glpat-", "glrt-", "gldt-"],
        body: base64url,
        min: 20,
        max: 255,
    },
    Prefixed {
        kind: "a Slack token",
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"],
        body: slack,
        min: 20,
        max: 255,
    },
    Prefixed {
        kind: "a Slack webhook URL",
        prefixes: &["https://hooks.slack.com/services/"],
        body: url_path,
        min: 20,
        max: 255,
    },
    Prefixed {
        kind: "a Google API key",
        prefixes: &["AIza"],
        body: base64url,
        min: 35,
        max: 35,
    },
    Prefixed {
        kind: "a Stripe live key",
        prefixes: &["sk_live_", "rk_live_"],
        body: alnum,
        min: 20,
        max: 255,
    },
    Prefixed {
        kind: "an npm token",
        prefixes: &["npm_"],
        body: alnum,
        min: 36,
        max: 36,
    },
    Prefixed {
        kind: "a PyPI token",
        prefixes: &["pypi-AgEIcHlwaS5vcmc"],
        body: base64url,
        min: 50,
        max: 512,
    },
    Prefixed {
        kind: "a Docker Hub token",
        prefixes: &["dckr_pat_"],
        body: base64url,
        min: 20,
        max: 255,
    },
    Prefixed {
        kind: "a SendGrid API key",
        prefixes: &["SG."],
        body: sendgrid,
        min: 60,
        max: 80,
    },
    Prefixed {
        kind: "an Anthropic API key",
        prefixes: &["sk-ant-"],
        body: base64url,
        min: 40,
        max: 255,
    },
    Prefixed {
        kind: "an OpenAI API key",
        prefixes: &["sk-proj-"],
        body: base64url,
        min: 40,
        max: 255,
    },
    Prefixed {
        kind: "an Azure storage account key",
        prefixes: &["AccountKey=", "SharedAccessKey="],
        body: base64,
        min: 40,
        max: 255,
    },
];
