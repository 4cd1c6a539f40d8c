//! `.palisade.yaml`: the options a user writes, validated into [`Settings`] and
//! [`Exceptions`].
//!
//! Two layers, as in ruff and cargo-deny: `Options` mirrors the file (unknown keys are errors),
//! and validation turns it into plain settings, with every error naming the file, line and key.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::engine::Settings;
use crate::exceptions::{Exception, Exceptions, Pattern};
use crate::pss::{PssLevel, PssVersion};
use crate::registry::RULES;
use crate::rule::{RuleDef, Severity};

mod discover;
mod inline;
mod templates;
mod webhook;
pub use discover::discover;
pub use inline::InlineExceptions;
use webhook::WebhookOptions;
pub use webhook::{WebhookMode, WebhookSettings};

/// The file names looked for when walking up from the scanned path.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".palisade.yaml", ".palisade.yml"];

/// A configuration file that could not be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{}: {message}", position(*.line, *.column))]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

fn position(line: u32, column: u32) -> String {
    if line == 0 {
        "1".to_string()
    } else {
        format!("{line}:{column}")
    }
}

/// The threshold that makes a finding fail a run (exit 1) or, at admission, a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Findings of this severity or higher.
    At(Severity),
    /// No finding: only unreadable input fails a run.
    Never,
}

impl FailOn {
    /// A severity, or `none`.
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("none") {
            Some(Self::Never)
        } else {
            Severity::parse(text).map(Self::At)
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            Self::At(threshold) => severity >= threshold,
            Self::Never => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::At(severity) => severity.as_str(),
            Self::Never => "none",
        }
    }
}

/// What a configuration file says, validated.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, when there is one.
    pub file: Option<PathBuf>,
    pub settings: Settings,
    /// `fail-on`, when set.
    pub fail_on: Option<FailOn>,
    pub exceptions: Exceptions,
    pub webhook: WebhookSettings,
    /// Globs of paths a directory walk leaves out (`.gitignore` syntax).
    pub exclude: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    /// Rules to run, by code, name or category (`all` for every rule). Default: every rule but
    /// those of the categories that are off by default (`reliability`).
    select: Option<Vec<Spanned<String>>>,
    /// Rules not to run, by code, name or category.
    ignore: Option<Vec<Spanned<String>>>,
    /// Severity overrides: rule code or name to severity.
    severity: Option<HashMap<Spanned<String>, Spanned<String>>>,
    /// Exit with 1 when a finding of this severity or higher is found.
    fail_on: Option<Spanned<String>>,
    /// Pod Security Standards level and version for namespaces without labels.
    pss: Option<PssOptions>,
    /// The Kubernetes version the manifests are for, e.g. `"1.29"`.
    kube_version: Option<Spanned<String>>,
    /// Registries images may come from.
    trusted_registries: Option<Vec<String>>,
    /// Whether `palisade.dev/ignore` annotations on objects are honoured by `scan`. Default: true.
    /// The webhook honours them only where `webhook.inline-exceptions` says.
    allow_inline_exceptions: Option<bool>,
    /// Findings waived, with a reason.
    exceptions: Option<Vec<Spanned<ExceptionOptions>>>,
    /// Paths a directory walk leaves out, as globs in `.gitignore` syntax.
    exclude: Option<Vec<Spanned<String>>>,
    /// How `palisade serve` acts on findings.
    webhook: Option<WebhookOptions>,
    /// Where custom resources keep their pod specs, beside the built-in table.
    pod_templates: Option<Vec<Spanned<templates::PodTemplateOptions>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PssOptions {
    level: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ExceptionOptions {
    rule: Option<Spanned<String>>,
    rules: Option<Vec<Spanned<String>>>,
    namespace: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    container: Option<Spanned<String>>,
    image: Option<Spanned<String>>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<Spanned<String>>,
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        })?;
        let mut config = Self::parse(&file, &text)?;
        config.file = Some(path.to_path_buf());
        Ok(config)
    }

    /// Validates configuration text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, ConfigError> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let options: Options = serde_saphyr::from_str(text).map_err(|e| {
            let location = e.location();
            ConfigError {
                file: file.to_string(),
                line: location.map_or(0, |l| u32::try_from(l.line()).unwrap_or(0)),
                column: location.map_or(0, |l| u32::try_from(l.column()).unwrap_or(0)),
                message: e
                    .without_snippet()
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            }
        })?;
        Validator { file }.config(options)
    }
}

pub(super) struct Validator<'a> {
    file: &'a str,
}

impl Validator<'_> {
    pub(super) fn error<T>(
        &self,
        at: &serde_saphyr::Location,
        message: String,
    ) -> Result<T, ConfigError> {
        Err(ConfigError {
            file: self.file.to_string(),
            line: u32::try_from(at.line()).unwrap_or(0),
            column: u32::try_from(at.column()).unwrap_or(0),
            message,
        })
    }

    fn config(&self, options: Options) -> Result<Config, ConfigError> {
        let mut settings = Settings::default();
        let selected = self.selection(options.select.as_deref(), options.ignore.as_deref())?;
        settings.disabled = RULES
            .iter()
            .filter(|r| !selected.contains(r.code))
            .map(|r| r.code)
            .collect();
        for (rule, severity) in options.severity.iter().flatten() {
            let Some(def) = crate::find_rule(&rule.value) else {
                return self.error(
                    &rule.referenced,
                    format!("severity: unknown rule `{}`", rule.value),
                );
            };
            let Some(level) = Severity::parse(&severity.value) else {
                return self.error(
                    &severity.referenced,
                    format!(
                        "severity.{}: `{}` is not a severity (critical, high, medium, low, info)",
                        rule.value, severity.value
                    ),
                );
            };
            settings.severity_overrides.insert(def.code, level);
        }
        let fail_on = match &options.fail_on {
            None => None,
            Some(v) => match FailOn::parse(&v.value) {
                Some(s) => Some(s),
                None => {
                    return self.error(
                        &v.referenced,
                        format!(
                            "fail-on: `{}` is not a severity (critical, high, medium, low, info) or none",
                            v.value
                        ),
                    );
                }
            },
        };
        if let Some(pss) = &options.pss {
            if let Some(level) = &pss.level {
                settings.pss.level = match PssLevel::parse(&level.value) {
                    Some(l) => l,
                    None => {
                        return self.error(
                            &level.referenced,
                            format!(
                                "pss.level: `{}` is not baseline, restricted or privileged",
                                level.value
                            ),
                        );
                    }
                };
            }
            if let Some(version) = &pss.version {
                settings.pss.version = match PssVersion::parse(&version.value) {
                    Some(v) => v,
                    None => {
                        return self.error(
                            &version.referenced,
                            format!(
                                "pss.version: `{}` is not v1.0 … v1.37 or latest",
                                version.value
                            ),
                        );
                    }
                };
            }
        }
        if let Some(v) = &options.kube_version {
            settings.kube_version = match parse_kube_version(&v.value) {
                Some(version) => Some(version),
                None => {
                    return self.error(
                        &v.referenced,
                        format!("kube-version: `{}` is not a version such as 1.29", v.value),
                    );
                }
            };
        }
        settings.trusted_registries = options.trusted_registries.unwrap_or_default();
        settings.pod_templates = self.pod_templates(options.pod_templates)?;
        let mut exceptions = Exceptions::new(options.allow_inline_exceptions.unwrap_or(true));
        exceptions.set_pod_templates(settings.pod_templates.clone());
        for (index, entry) in options.exceptions.into_iter().flatten().enumerate() {
            exceptions.push(self.exception(index, entry)?);
        }
        let webhook = self.webhook(options.webhook, fail_on)?;
        let mut exclude = Vec::new();
        for glob in options.exclude.iter().flatten() {
            if let Err(message) = palisade_model::loader::check_exclude(&glob.value) {
                return self.error(&glob.referenced, format!("exclude: {message}"));
            }
            exclude.push(glob.value.clone());
        }
        Ok(Config {
            file: None,
            settings,
            fail_on,
            exceptions,
            webhook,
            exclude,
        })
    }

    /// Codes of the rules that `select` and `ignore` leave on.
    fn selection(
        &self,
        select: Option<&[Spanned<String>]>,
        ignore: Option<&[Spanned<String>]>,
    ) -> Result<HashSet<&'static str>, ConfigError> {
        let mut on: HashSet<&'static str> = match select {
            None => RULES
                .iter()
                .filter(|r| r.category.on_by_default())
                .map(|r| r.code)
                .collect(),
            Some(list) => {
                let mut on = HashSet::new();
                for item in list {
                    on.extend(
                        self.rules_named(item, "select")?
                            .into_iter()
                            .map(|r| r.code),
                    );
                }
                on
            }
        };
        for item in ignore.into_iter().flatten() {
            for rule in self.rules_named(item, "ignore")? {
                on.remove(rule.code);
            }
        }
        Ok(on)
    }

    /// The rules a code, name, category or `all` stands for.
    pub(super) fn rules_named(
        &self,
        item: &Spanned<String>,
        key: &str,
    ) -> Result<Vec<&'static RuleDef>, ConfigError> {
        match crate::names::rules_named(&item.value) {
            Some(rules) => Ok(rules),
            None => self.error(
                &item.referenced,
                format!("{key}: {}", crate::names::unknown_message(&item.value)),
            ),
        }
    }

    fn exception(
        &self,
        index: usize,
        entry: Spanned<ExceptionOptions>,
    ) -> Result<Exception, ConfigError> {
        let at = entry.referenced;
        let options = entry.value;
        let mut rules = Vec::new();
        for item in options.rule.iter().chain(options.rules.iter().flatten()) {
            rules.extend(
                self.rules_named(item, "exceptions.rules")?
                    .into_iter()
                    .map(|r| r.code),
            );
        }
        if rules.is_empty() {
            return self.error(
                &at,
                format!("exceptions[{index}]: name the rule(s) it waives with `rule` or `rules`"),
            );
        }
        let reason = options.reason.unwrap_or_default();
        if reason.trim().is_empty() {
            return self.error(&at, format!("exceptions[{index}]: `reason` is required"));
        }
        let expires = match options.expires {
            None => None,
            Some(date) if is_date(&date.value) => Some(date.value),
            Some(date) => {
                return self.error(
                    &date.referenced,
                    format!(
                        "exceptions[{index}].expires: `{}` is not a date (YYYY-MM-DD)",
                        date.value
                    ),
                );
            }
        };
        let pattern =
            |value: Option<Spanned<String>>, key: &str| -> Result<Option<Pattern>, ConfigError> {
                match value {
                    None => Ok(None),
                    Some(v) => Pattern::new(&v.value)
                        .map(Some)
                        .map_err(|message| ConfigError {
                            file: self.file.to_string(),
                            line: u32::try_from(v.referenced.line()).unwrap_or(0),
                            column: u32::try_from(v.referenced.column()).unwrap_or(0),
                            message: format!("exceptions[{index}].{key}: {message}"),
                        }),
                }
            };
        Ok(Exception {
            index,
            file: self.file.to_string(),
            line: u32::try_from(at.line()).unwrap_or(0),
            rules,
            namespace: pattern(options.namespace, "namespace")?,
            kind: pattern(options.kind, "kind")?,
            name: pattern(options.name, "name")?,
            container: pattern(options.container, "container")?,
            image: pattern(options.image, "image")?,
            reason,
            owner: options.owner,
            expires,
        })
    }
}

/// `1.29`, `v1.29` or `1.29.3` as (major, minor).
pub fn parse_kube_version(text: &str) -> Option<(u16, u16)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    if parts
        .next()
        .is_some_and(|patch| patch.parse::<u32>().is_err())
    {
        return None;
    }
    Some((major, minor))
}

fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && text
            .chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(text[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(text[8..10].parse::<u8>(), Ok(1..=31))
}

#[cfg(test)]
mod tests;
