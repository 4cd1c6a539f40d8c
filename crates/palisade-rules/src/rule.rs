//! What a rule is: its identity, its documentation and its check.

use palisade_model::{Object, PodSpecView};

use crate::finding::Violation;
use crate::pss::{PssLevel, PssVersion};
use crate::snapshot::{SetViolation, Snapshot};

/// How bad a finding is. Ordered from least to most severe.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family a rule belongs to; also the folder its file lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The Pod Security Standards, exactly as the admission plugin decides them.
    PodSecurity,
    Images,
    Containers,
    Identity,
    Secrets,
    Network,
    Namespaces,
    Rbac,
    ApiLifecycle,
    /// Availability rather than security (probes, replicas, disruption budgets): off unless
    /// selected by name, code, category or `all`.
    Reliability,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Self::PodSecurity,
        Self::Images,
        Self::Containers,
        Self::Identity,
        Self::Secrets,
        Self::Network,
        Self::Namespaces,
        Self::Rbac,
        Self::ApiLifecycle,
        Self::Reliability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PodSecurity => "pod-security",
            Self::Images => "images",
            Self::Containers => "containers",
            Self::Identity => "identity",
            Self::Secrets => "secrets",
            Self::Network => "network",
            Self::Namespaces => "namespaces",
            Self::Rbac => "rbac",
            Self::ApiLifecycle => "api-lifecycle",
            Self::Reliability => "reliability",
        }
    }

    /// Whether the category's rules run when the configuration selects nothing.
    pub fn on_by_default(self) -> bool {
        self != Self::Reliability
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Pod Security Standards check, as upstream's `policy/check_*.go` defines it.
#[derive(Debug)]
pub struct PssCheck {
    /// The upstream check ID, e.g. `hostNamespaces`.
    pub id: &'static str,
    /// The lowest level the check belongs to.
    pub level: PssLevel,
    /// Minor versions at which the check's logic changes, ascending. The first one is the
    /// version the check appears in.
    pub revisions: &'static [u16],
    /// At the restricted level, from the given version on, this check replaces the named
    /// baseline check.
    pub overrides: Option<(&'static str, u16)>,
    /// The check at a policy version. It sees the pod and reports one violation per
    /// offending field.
    pub check: fn(&PodSpecView<'_>, PssVersion, &mut Vec<Violation>),
}

/// What a rule looks at.
#[derive(Debug)]
pub enum Check {
    /// A Pod Security Standards check; evaluated at the level and version in force for the
    /// object's namespace.
    Pss(PssCheck),
    /// Called once for each object that runs pods.
    Pod(fn(&PodSpecView<'_>, &Settings, &mut Vec<Violation>)),
    /// Called once for every object of the listed kinds (every object when `kinds` is empty).
    Object {
        /// Kinds the rule reads, e.g. `&["Service"]`; the rule still checks the API group.
        kinds: &'static [&'static str],
        check: fn(&Object, &Settings, &mut Vec<Violation>),
    },
    /// Called once with the whole input. Set rules read the listed kinds (and workloads, when
    /// `workloads` is true) and report on objects by their index in the snapshot. The kind
    /// [`CUSTOM_RESOURCES`] stands for every object of an API group Kubernetes does not serve.
    Set {
        kinds: &'static [&'static str],
        workloads: bool,
        check: fn(&Snapshot<'_>, &Settings, &mut Vec<SetViolation>),
    },
}

/// In a set rule's `kinds`: every custom resource. Operators turn them into pods the input
/// does not show, so a rule about what the input's pods are (a Service selecting none of
/// them) must know where operators are at work.
pub const CUSTOM_RESOURCES: &str = "*";

/// Whether a set rule's `kinds` reads this object.
pub(crate) fn set_reads(kinds: &[&str], object: &Object) -> bool {
    kinds.contains(&object.kind.as_str())
        || (kinds.contains(&CUSTOM_RESOURCES)
            && !palisade_model::kinds::is_built_in_group(object.group()))
}

impl Check {
    /// Whether the rule looks at this object at all (for reports that list what was checked).
    pub fn applies_to(&self, object: &Object, has_pod_spec: bool) -> bool {
        match self {
            Self::Pss(_) | Self::Pod(_) => has_pod_spec,
            Self::Object { kinds, .. } => kinds.is_empty() || kinds.contains(&object.kind.as_str()),
            Self::Set {
                kinds, workloads, ..
            } => (*workloads && has_pod_spec) || set_reads(kinds, object),
        }
    }
}

use crate::engine::Settings;

/// A rule: identity, documentation and check. Declared with [`declare_rule!`].
#[derive(Debug)]
pub struct RuleDef {
    /// Stable code, `<CATEGORY-LETTERS><NNN>`; never reused.
    pub code: &'static str,
    /// Kebab-case name of the bad pattern.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line saying what the rule reports.
    pub summary: &'static str,
    /// Standards the rule maps to, e.g. `"PSS baseline: privileged"`, `"CIS 5.2.1"`,
    /// `"NSA-CISA: pod security"`, `"MITRE ATT&CK T1611"`.
    pub standards: &'static [&'static str],
    pub check: Check,
    /// The rule's doc comment (markdown), as written in its file.
    pub doc: &'static str,
}

impl RuleDef {
    /// The documentation as markdown, without the one space rustdoc keeps after `///`.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }

    /// The upstream check ID for Pod Security Standards rules.
    pub fn pss_check(&self) -> Option<&PssCheck> {
        match &self.check {
            Check::Pss(check) => Some(check),
            _ => None,
        }
    }
}

/// Declares a rule whose doc comment is its documentation, without a proc-macro (as clippy's
/// `declare_clippy_lint!` does).
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) static RULE = {
///         code: "PSS002",
///         name: "pss-privileged",
///         ...
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = { $($field:ident : $value:expr),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleDef = $crate::RuleDef {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}
