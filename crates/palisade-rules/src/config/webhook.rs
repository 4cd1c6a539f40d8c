//! The `webhook` section: what `palisade serve` does with each finding.
//!
//! A finding's mode follows its severity, the same threshold `scan` exits on: at or above
//! `fail-on` it is enforced (denied), below that and at or above `warn-on` it is warned about,
//! below that it is audited. `default-mode` caps all of it, which is the roll-out path: `audit`
//! (nothing is refused, findings go to the audit log), then `warn` (clients see them), then
//! `enforce`. A rule or category named in `modes` gets exactly that mode whatever its severity.
//!
//! The default denies only high and critical findings: a webhook usually fails closed, so a
//! denial for an info finding (an image without a digest) stops a deployment for nothing.

use std::collections::HashMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::inline::InlineExceptions;
use super::{ConfigError, FailOn, Validator};
use crate::exceptions::Pattern;
use crate::rule::{RuleDef, Severity};

/// The severity at and above which the webhook denies, when the configuration does not say.
pub const DEFAULT_WEBHOOK_FAIL_ON: FailOn = FailOn::At(Severity::High);

/// What the admission webhook does with a finding, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookMode {
    /// Allow it, with an audit annotation.
    Audit,
    /// Allow it, with a warning the client shows.
    Warn,
    /// Deny the request.
    Enforce,
}

impl WebhookMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "enforce" => Some(Self::Enforce),
            "warn" => Some(Self::Warn),
            "audit" => Some(Self::Audit),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Warn => "warn",
            Self::Audit => "audit",
        }
    }
}

/// The `webhook` section, validated.
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    /// The most any rule without its own entry in `modes` does.
    pub default_mode: WebhookMode,
    /// Findings at or above this severity are enforced: `webhook.fail-on`, else the top-level
    /// `fail-on`, else [`DEFAULT_WEBHOOK_FAIL_ON`]; `none` enforces nothing by severity.
    pub fail_on: FailOn,
    /// Findings below `fail_on` and at or above this are warned about; the rest are audited.
    pub warn_on: Severity,
    /// Modes by rule code (a category entry is expanded to its rules; a rule's own entry wins).
    pub modes: HashMap<&'static str, WebhookMode>,
    /// Namespaces never checked; `None` means the defaults (own namespace and kube-system).
    pub exempt_namespaces: Option<Vec<String>>,
    pub exempt_users: Vec<String>,
    pub exempt_groups: Vec<String>,
    /// Where `palisade.dev/ignore` is honoured at admission: nowhere unless configured.
    pub inline_exceptions: InlineExceptions,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            default_mode: WebhookMode::Enforce,
            fail_on: DEFAULT_WEBHOOK_FAIL_ON,
            warn_on: Severity::Info,
            modes: HashMap::new(),
            exempt_namespaces: None,
            exempt_users: Vec::new(),
            exempt_groups: Vec::new(),
            inline_exceptions: InlineExceptions::default(),
        }
    }
}

impl WebhookSettings {
    /// The mode for a finding of `rule` at `severity` (its effective severity).
    pub fn mode_for(&self, rule: &RuleDef, severity: Severity) -> WebhookMode {
        self.modes
            .get(rule.code)
            .copied()
            .unwrap_or_else(|| self.severity_mode(severity))
    }

    /// Which severities end in which mode, one line each, for the start-up log and the
    /// install output: e.g. `enforce: critical, high`.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for mode in [WebhookMode::Enforce, WebhookMode::Warn, WebhookMode::Audit] {
            let severities: Vec<&str> = Severity::ALL
                .iter()
                .filter(|s| self.severity_mode(**s) == mode)
                .map(|s| s.as_str())
                .collect();
            if !severities.is_empty() {
                lines.push(format!("{}: {}", mode.as_str(), severities.join(", ")));
            }
        }
        if !self.modes.is_empty() {
            lines.push(format!(
                "{} rule(s) with their own mode in webhook.modes",
                self.modes.len()
            ));
        }
        lines
    }

    fn severity_mode(&self, severity: Severity) -> WebhookMode {
        let by_severity = if self.fail_on.fails(severity) {
            WebhookMode::Enforce
        } else if severity >= self.warn_on {
            WebhookMode::Warn
        } else {
            WebhookMode::Audit
        };
        by_severity.min(self.default_mode)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct WebhookOptions {
    /// The most a rule without its own entry in `modes` does: enforce, warn or audit.
    default_mode: Option<Spanned<String>>,
    /// Deny findings of this severity or higher (or `none`). Default: the top-level `fail-on`,
    /// else high.
    fail_on: Option<Spanned<String>>,
    /// Warn about findings below `fail-on` of this severity or higher. Default: info.
    warn_on: Option<Spanned<String>>,
    /// Mode per rule (code or name) or category; a rule's own entry wins over its category's.
    modes: Option<HashMap<Spanned<String>, Spanned<String>>>,
    /// Namespaces never checked. Default: the webhook's own namespace and kube-system.
    exempt_namespaces: Option<Vec<String>>,
    /// Users never checked (e.g. system:serviceaccount:kube-system:replicaset-controller).
    exempt_users: Option<Vec<String>>,
    /// Groups never checked.
    exempt_groups: Option<Vec<String>>,
    /// Namespaces and rules for which `palisade.dev/ignore` is honoured at admission.
    inline_exceptions: Option<Spanned<InlineOptions>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct InlineOptions {
    namespaces: Option<Vec<Spanned<String>>>,
    rules: Option<Vec<Spanned<String>>>,
}

impl Validator<'_> {
    /// The `webhook` section; `fail_on` is the top-level one, which the webhook's inherits.
    pub(super) fn webhook(
        &self,
        options: Option<WebhookOptions>,
        fail_on: Option<FailOn>,
    ) -> Result<WebhookSettings, ConfigError> {
        let mut settings = WebhookSettings {
            fail_on: fail_on.unwrap_or(DEFAULT_WEBHOOK_FAIL_ON),
            ..WebhookSettings::default()
        };
        let Some(options) = options else {
            return Ok(settings);
        };
        let mode = |value: &Spanned<String>, key: &str| match WebhookMode::parse(&value.value) {
            Some(mode) => Ok(mode),
            None => self.error(
                &value.referenced,
                format!("{key}: `{}` is not enforce, warn or audit", value.value),
            ),
        };
        let severity = |value: &Spanned<String>, key: &str| match Severity::parse(&value.value) {
            Some(severity) => Ok(severity),
            None => self.error(
                &value.referenced,
                format!(
                    "{key}: `{}` is not a severity (critical, high, medium, low, info)",
                    value.value
                ),
            ),
        };
        if let Some(value) = &options.default_mode {
            settings.default_mode = mode(value, "webhook.default-mode")?;
        }
        if let Some(value) = &options.fail_on {
            settings.fail_on = match FailOn::parse(&value.value) {
                Some(fail_on) => fail_on,
                None => {
                    return self.error(
                        &value.referenced,
                        format!(
                            "webhook.fail-on: `{}` is not a severity (critical, high, medium, low, info) or none",
                            value.value
                        ),
                    );
                }
            };
        }
        if let Some(value) = &options.warn_on {
            settings.warn_on = severity(value, "webhook.warn-on")?;
            if let FailOn::At(fail_on) = settings.fail_on
                && settings.warn_on > fail_on
            {
                return self.error(
                    &value.referenced,
                    format!(
                        "webhook.warn-on: `{}` is above fail-on ({fail_on}); findings between them would be neither denied nor warned about",
                        value.value
                    ),
                );
            }
        }
        // Categories first, so that an entry for a single rule wins over its category's.
        let mut entries: Vec<_> = options.modes.iter().flatten().collect();
        entries.sort_by_key(|(key, _)| crate::find_rule(&key.value).is_some());
        for (key, value) in entries {
            let mode = mode(value, &format!("webhook.modes.{}", key.value))?;
            for rule in self.rules_named(key, "webhook.modes")? {
                settings.modes.insert(rule.code, mode);
            }
        }
        settings.exempt_namespaces = options.exempt_namespaces;
        settings.exempt_users = options.exempt_users.unwrap_or_default();
        settings.exempt_groups = options.exempt_groups.unwrap_or_default();
        if let Some(inline) = options.inline_exceptions {
            settings.inline_exceptions = self.inline_exceptions(inline)?;
        }
        Ok(settings)
    }

    fn inline_exceptions(
        &self,
        entry: Spanned<InlineOptions>,
    ) -> Result<InlineExceptions, ConfigError> {
        const KEY: &str = "webhook.inline-exceptions";
        let options = entry.value;
        let (Some(namespace_list), Some(rule_list)) = (options.namespaces, options.rules) else {
            return self.error(
                &entry.referenced,
                format!(
                    "{KEY}: name both `namespaces` and `rules`; an annotation may waive only those rules, only in those namespaces"
                ),
            );
        };
        let mut namespaces = Vec::new();
        for item in &namespace_list {
            match Pattern::new(&item.value) {
                Ok(pattern) => namespaces.push(pattern),
                Err(message) => {
                    return self.error(&item.referenced, format!("{KEY}.namespaces: {message}"));
                }
            }
        }
        let mut rules = std::collections::HashSet::new();
        for item in &rule_list {
            rules.extend(
                self.rules_named(item, &format!("{KEY}.rules"))?
                    .into_iter()
                    .map(|r| r.code),
            );
        }
        Ok(InlineExceptions::new(namespaces, rules))
    }
}
