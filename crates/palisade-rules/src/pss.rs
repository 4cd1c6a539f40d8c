//! Pod Security Standards levels, policy versions, and how a namespace picks them.

use std::fmt;

use serde_json::{Map, Value};

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PssLevel {
    Privileged,
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "privileged" => Some(Self::Privileged),
            "baseline" => Some(Self::Baseline),
            "restricted" => Some(Self::Restricted),
            _ => None,
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy version `v1.<minor>`. Versions newer than the newest known one behave like it, as
/// upstream's `latest` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PssVersion {
    minor: u16,
}

impl PssVersion {
    /// The newest policy version this build knows (what `latest` means).
    pub const LATEST: PssVersion = PssVersion { minor: 37 };

    pub const fn new(minor: u16) -> Self {
        let minor = if minor > Self::LATEST.minor {
            Self::LATEST.minor
        } else {
            minor
        };
        Self { minor }
    }

    pub fn minor(self) -> u16 {
        self.minor
    }

    /// Parses `latest`, `v1.29` or `1.29`, as the `-version` namespace labels are written.
    pub fn parse(text: &str) -> Option<Self> {
        if text == "latest" {
            return Some(Self::LATEST);
        }
        let rest = text.strip_prefix('v').unwrap_or(text);
        let minor = rest.strip_prefix("1.")?;
        if minor.is_empty()
            || !minor.bytes().all(|b| b.is_ascii_digit())
            || (minor.len() > 1 && minor.starts_with('0'))
        {
            return None;
        }
        minor.parse::<u16>().ok().map(Self::new)
    }

    /// Whether this version is at least `1.<minor>`.
    pub fn at_least(self, minor: u16) -> bool {
        self.minor >= minor
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}", self.minor)
    }
}

/// A level at a version: what a namespace enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PssProfile {
    pub level: PssLevel,
    pub version: PssVersion,
}

impl Default for PssProfile {
    fn default() -> Self {
        Self {
            level: PssLevel::Restricted,
            version: PssVersion::LATEST,
        }
    }
}

impl fmt::Display for PssProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";

impl PssProfile {
    /// The profile a namespace's labels ask for, as the admission plugin reads them: `None`
    /// when there is no `enforce` label; an unreadable level or version falls back to
    /// restricted and latest, the most restrictive choice, as upstream does.
    pub fn from_namespace_labels(labels: &Map<String, Value>) -> Option<Self> {
        let level = labels.get(ENFORCE_LABEL)?;
        let level = level
            .as_str()
            .and_then(PssLevel::parse)
            .unwrap_or(PssLevel::Restricted);
        let version = match labels.get(ENFORCE_VERSION_LABEL) {
            None => PssVersion::LATEST,
            Some(v) => v
                .as_str()
                .and_then(PssVersion::parse)
                .unwrap_or(PssVersion::LATEST),
        };
        Some(Self { level, version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_labels_write_them() {
        assert_eq!(PssVersion::parse("v1.29"), Some(PssVersion::new(29)));
        assert_eq!(PssVersion::parse("1.0"), Some(PssVersion::new(0)));
        assert_eq!(PssVersion::parse("latest"), Some(PssVersion::LATEST));
        assert_eq!(PssVersion::parse("v1.99"), Some(PssVersion::LATEST));
        for bad in ["v2.0", "v1.", "v1.01", "v1.2x", "", "v1.-1"] {
            assert_eq!(PssVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn namespace_labels_pick_the_profile_and_bad_values_are_most_restrictive() {
        let labels = |pairs: &[(&str, &str)]| -> Map<String, Value> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), Value::String((*v).to_string())))
                .collect()
        };
        assert_eq!(PssProfile::from_namespace_labels(&labels(&[])), None);
        assert_eq!(
            PssProfile::from_namespace_labels(&labels(&[
                (ENFORCE_LABEL, "baseline"),
                (ENFORCE_VERSION_LABEL, "v1.25")
            ])),
            Some(PssProfile {
                level: PssLevel::Baseline,
                version: PssVersion::new(25)
            })
        );
        assert_eq!(
            PssProfile::from_namespace_labels(&labels(&[
                (ENFORCE_LABEL, "bogus"),
                (ENFORCE_VERSION_LABEL, "nope")
            ])),
            Some(PssProfile::default())
        );
    }
}
