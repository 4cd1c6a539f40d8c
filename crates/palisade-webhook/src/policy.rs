//! What a decision needs besides the request: the engine, the exceptions, the modes and the
//! exemptions, built once from the configuration.

use palisade_model::Object;
use palisade_rules::config::{Config, WebhookMode, WebhookSettings};
use palisade_rules::exceptions::{Exceptions, Pattern, inline_waiver};
use palisade_rules::{Engine, Finding, PssProfile, RuleDef, Severity, Waiver};

use crate::review::UserInfo;

/// Findings kept per rule for one review; the rest are counted. A denial lists at most 20, so
/// this loses nothing a client sees, and bounds the memory of a review with thousands of
/// containers (tens of thousands of findings, hundreds of MiB, before the cap).
pub const MAX_FINDINGS_PER_RULE: usize = 50;

/// The namespace exempt by default besides the webhook's own: the control plane's.
pub const KUBE_SYSTEM: &str = "kube-system";

/// A configuration the webhook cannot run with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    /// An exemption pattern that is not a valid glob.
    #[error("webhook.{key}: {message}")]
    Pattern { key: &'static str, message: String },
}

/// Why a request is let through without evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exemption {
    Namespace,
    User,
    Group,
}

impl Exemption {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Namespace => "namespace",
            Self::User => "user",
            Self::Group => "group",
        }
    }
}

/// The engine and everything the configuration says about admission.
#[derive(Debug)]
pub struct Policy {
    engine: Engine,
    exceptions: Exceptions,
    webhook: WebhookSettings,
    exempt_namespaces: Vec<Pattern>,
    exempt_users: Vec<Pattern>,
    exempt_groups: Vec<Pattern>,
}

impl Policy {
    /// Builds the policy. `own_namespace` is where the webhook runs: it is always exempt, so
    /// that a webhook that fails closed can still be repaired (its own pods admitted).
    /// Exemptions are globs (`*`, `?`, `[...]`) over the whole name.
    pub fn new(config: Config, own_namespace: Option<&str>) -> Result<Self, PolicyError> {
        let webhook = config.webhook;
        let mut namespaces: Vec<String> = match &webhook.exempt_namespaces {
            Some(list) => list.clone(),
            None => vec![KUBE_SYSTEM.to_string()],
        };
        if let Some(own) = own_namespace.filter(|ns| !ns.is_empty()) {
            namespaces.push(glob_literal(own));
        }
        let mut settings = config.settings;
        settings.max_findings_per_rule = Some(MAX_FINDINGS_PER_RULE);
        Ok(Self {
            engine: Engine::new(settings),
            exceptions: config.exceptions,
            exempt_namespaces: patterns(&namespaces, "exempt-namespaces")?,
            exempt_users: patterns(&webhook.exempt_users, "exempt-users")?,
            exempt_groups: patterns(&webhook.exempt_groups, "exempt-groups")?,
            webhook,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn exceptions(&self) -> &Exceptions {
        &self.exceptions
    }

    /// The PSS profile for namespaces whose labels do not say.
    pub fn default_profile(&self) -> PssProfile {
        self.engine.settings().pss
    }

    /// The waiver for a finding at admission: the configuration's exceptions first, then the
    /// object's `palisade.dev/ignore` annotation, but only where `webhook.inline-exceptions`
    /// permits it for the object's namespace and the finding's rule (and
    /// `allow-inline-exceptions` is not false). An annotation alone never exempts an object.
    /// `namespace` is the request's, which the API server vouches for.
    pub fn waiver_for(
        &self,
        finding: &Finding,
        object: &Object,
        namespace: Option<&str>,
        today: &str,
    ) -> Option<Waiver> {
        self.exceptions
            .configured_waiver(finding, object, today)
            .or_else(|| {
                let permitted = self.exceptions.allow_inline()
                    && self
                        .webhook
                        .inline_exceptions
                        .permits(namespace, finding.rule.code);
                permitted
                    .then(|| inline_waiver(finding, object, self.exceptions.pod_templates()))
                    .flatten()
            })
    }

    /// Whether any annotation can waive anything at admission.
    pub fn honours_inline_exceptions(&self) -> bool {
        self.exceptions.allow_inline() && self.webhook.inline_exceptions.is_enabled()
    }

    /// The namespaces where annotations may waive findings, as configured (for logs).
    pub fn inline_exception_namespaces(&self) -> impl Iterator<Item = &str> {
        self.webhook.inline_exceptions.namespaces()
    }

    /// The mode for a finding of `rule` at `severity` (its effective severity).
    pub fn mode_for(&self, rule: &RuleDef, severity: Severity) -> WebhookMode {
        self.webhook.mode_for(rule, severity)
    }

    /// The mode for findings of `rule` at its effective severity (those counted beyond the
    /// per-rule cap).
    pub fn mode_of_rule(&self, rule: &'static RuleDef) -> WebhookMode {
        self.mode_for(rule, self.engine.severity_of(rule))
    }

    /// Which severities are enforced, warned about and audited, one line each.
    pub fn describe_modes(&self) -> Vec<String> {
        self.webhook.describe()
    }

    /// The exempt namespace patterns, as configured (for logs and docs).
    pub fn exempt_namespaces(&self) -> impl Iterator<Item = &str> {
        self.exempt_namespaces.iter().map(Pattern::as_str)
    }

    /// Why a request from this user in this namespace is not checked, if it is not.
    pub fn exemption(&self, namespace: Option<&str>, user: &UserInfo) -> Option<Exemption> {
        if let Some(ns) = namespace
            && self.exempt_namespaces.iter().any(|p| p.matches(ns))
        {
            return Some(Exemption::Namespace);
        }
        if self.exempt_users.iter().any(|p| p.matches(&user.username)) {
            return Some(Exemption::User);
        }
        if user
            .groups
            .iter()
            .any(|g| self.exempt_groups.iter().any(|p| p.matches(g)))
        {
            return Some(Exemption::Group);
        }
        None
    }
}

fn patterns(list: &[String], key: &'static str) -> Result<Vec<Pattern>, PolicyError> {
    list.iter()
        .map(|text| Pattern::new(text).map_err(|message| PolicyError::Pattern { key, message }))
        .collect()
}

/// A glob matching exactly `text` (namespace names never hold glob characters, but a value
/// from the environment is not trusted to be one).
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            username: name.to_string(),
            groups: groups.iter().map(|g| (*g).to_string()).collect(),
        }
    }

    #[test]
    fn own_namespace_and_kube_system_are_exempt_by_default() {
        let policy = Policy::new(Config::default(), Some("palisade")).unwrap();
        let anyone = user("alice", &[]);
        assert_eq!(
            policy.exemption(Some("palisade"), &anyone),
            Some(Exemption::Namespace)
        );
        assert_eq!(
            policy.exemption(Some("kube-system"), &anyone),
            Some(Exemption::Namespace)
        );
        assert_eq!(policy.exemption(Some("default"), &anyone), None);
        assert_eq!(policy.exemption(None, &anyone), None);
    }

    #[test]
    fn configured_namespaces_replace_kube_system_but_never_the_own_namespace() {
        let config = Config::parse(
            "t.yaml",
            "webhook:\n  exempt-namespaces: [legacy-*]\n  exempt-users: ['system:serviceaccount:ci:*']\n  exempt-groups: [break-glass]\n",
        )
        .unwrap();
        let policy = Policy::new(config, Some("sec")).unwrap();
        let anyone = user("alice", &["system:authenticated"]);
        assert_eq!(
            policy.exemption(Some("legacy-billing"), &anyone),
            Some(Exemption::Namespace)
        );
        assert_eq!(
            policy.exemption(Some("sec"), &anyone),
            Some(Exemption::Namespace)
        );
        assert_eq!(policy.exemption(Some("kube-system"), &anyone), None);
        assert_eq!(
            policy.exemption(Some("app"), &user("system:serviceaccount:ci:deployer", &[])),
            Some(Exemption::User)
        );
        assert_eq!(
            policy.exemption(Some("app"), &user("bob", &["break-glass"])),
            Some(Exemption::Group)
        );
    }

    #[test]
    fn a_bad_exemption_pattern_names_its_key() {
        let config = Config::parse("t.yaml", "webhook:\n  exempt-users: ['[']\n").unwrap();
        let error = Policy::new(config, None).unwrap_err();
        assert!(
            error.to_string().starts_with("webhook.exempt-users:"),
            "{error}"
        );
    }

    #[test]
    fn own_namespace_with_glob_characters_matches_only_itself() {
        let policy = Policy::new(Config::default(), Some("a*")).unwrap();
        let anyone = user("alice", &[]);
        assert_eq!(
            policy.exemption(Some("a*"), &anyone),
            Some(Exemption::Namespace)
        );
        assert_eq!(policy.exemption(Some("abc"), &anyone), None);
    }
}
