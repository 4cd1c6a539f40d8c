//! Exceptions: findings a security team has decided to accept, with a reason.
//!
//! A waived finding is still reported (marked waived), an expired exception stops applying and
//! is itself reported, and an exception that matches nothing is reported as unused, so the list
//! cannot silently rot.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use palisade_model::{Object, PodTemplates};

use crate::finding::{Finding, Waiver, WaiverSource};

mod annotation;
pub use annotation::{
    AnnotationProblem, IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION, has_ignore_annotation,
    inline_waiver, misplaced_on_workload, problems,
};

/// A glob (`*`, `?`, `[...]`) matched against a whole value.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    matcher: globset::GlobMatcher,
}

impl Pattern {
    pub fn new(text: &str) -> Result<Self, String> {
        globset::GlobBuilder::new(text)
            .literal_separator(false)
            .build()
            .map(|glob| Self {
                text: text.to_string(),
                matcher: glob.compile_matcher(),
            })
            .map_err(|e| format!("`{text}` is not a valid pattern: {e}"))
    }

    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// One exception from a configuration file.
#[derive(Debug)]
pub struct Exception {
    /// Position in the file's `exceptions` list.
    pub index: usize,
    pub file: String,
    pub line: u32,
    /// Codes of the rules it waives.
    pub rules: Vec<&'static str>,
    pub namespace: Option<Pattern>,
    pub kind: Option<Pattern>,
    pub name: Option<Pattern>,
    pub container: Option<Pattern>,
    pub image: Option<Pattern>,
    pub reason: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`; the exception applies up to and including this day.
    pub expires: Option<String>,
}

/// Something about the exceptions a report should tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionNotice {
    /// True for an expired exception, false for one that matched nothing.
    pub expired: bool,
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// All exceptions of a configuration, and which of them were used.
#[derive(Debug)]
pub struct Exceptions {
    list: Vec<Exception>,
    used: Vec<AtomicBool>,
    allow_inline: bool,
    /// Where objects keep their pod specs, to tell which container or pod template a finding
    /// is in (the configuration's table).
    pod_templates: Arc<PodTemplates>,
}

/// No exceptions; inline annotations are honoured, as with a configuration that does not say.
impl Default for Exceptions {
    fn default() -> Self {
        Self::new(true)
    }
}

impl Exceptions {
    pub fn new(allow_inline: bool) -> Self {
        Self {
            list: Vec::new(),
            used: Vec::new(),
            allow_inline,
            pod_templates: Arc::new(PodTemplates::default()),
        }
    }

    /// Reads pod specs where `templates` says (the configuration's `pod-templates`).
    pub fn set_pod_templates(&mut self, templates: Arc<PodTemplates>) {
        self.pod_templates = templates;
    }

    pub fn pod_templates(&self) -> &PodTemplates {
        &self.pod_templates
    }

    pub fn push(&mut self, exception: Exception) {
        self.list.push(exception);
        self.used.push(AtomicBool::new(false));
    }

    pub fn allow_inline(&self) -> bool {
        self.allow_inline
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The waiver for a finding on `object`, if an exception covers it on `today`
    /// (`YYYY-MM-DD`). Configured exceptions are tried first, then the object's annotation.
    pub fn waiver_for(&self, finding: &Finding, object: &Object, today: &str) -> Option<Waiver> {
        self.configured_waiver(finding, object, today).or_else(|| {
            if self.allow_inline {
                inline_waiver(finding, object, &self.pod_templates)
            } else {
                None
            }
        })
    }

    /// The waiver from this configuration's own `exceptions` list, ignoring annotations.
    pub fn configured_waiver(
        &self,
        finding: &Finding,
        object: &Object,
        today: &str,
    ) -> Option<Waiver> {
        let container = container_of(object, &finding.pointer, &self.pod_templates);
        let matching = self.list.iter().find(|e| {
            e.rules.contains(&finding.rule.code)
                && e.expires.as_deref().is_none_or(|date| date >= today)
                && e.namespace
                    .as_ref()
                    .is_none_or(|p| p.matches(object.namespace().unwrap_or("")))
                && e.kind.as_ref().is_none_or(|p| p.matches(&object.kind))
                && e.name.as_ref().is_none_or(|p| p.matches(object.name()))
                && e.container
                    .as_ref()
                    .is_none_or(|p| container.as_ref().is_some_and(|c| p.matches(&c.0)))
                && e.image
                    .as_ref()
                    .is_none_or(|p| container.as_ref().is_some_and(|c| p.matches(&c.1)))
        });
        matching.map(|exception| Waiver {
            reason: exception.reason.clone(),
            source: WaiverSource::Config {
                file: exception.file.clone(),
                index: exception.index,
            },
            owner: exception.owner.clone(),
            expires: exception.expires.clone(),
        })
    }

    /// Records that a waiver from this set was applied to a reported finding.
    pub fn mark_used(&self, waiver: &Waiver) {
        if let WaiverSource::Config { index, .. } = waiver.source
            && let Some(flag) = self.used.get(index)
        {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Expired exceptions, and those that matched no finding.
    pub fn notices(&self, today: &str) -> Vec<ExceptionNotice> {
        let mut notices = Vec::new();
        for (exception, used) in self.list.iter().zip(&self.used) {
            let rules = exception.rules.join(", ");
            if let Some(date) = exception.expires.as_deref().filter(|date| *date < today) {
                notices.push(ExceptionNotice {
                    expired: true,
                    file: exception.file.clone(),
                    line: exception.line,
                    message: format!(
                        "exception {} ({rules}) expired on {date} and no longer applies; renew it or fix the findings",
                        exception.index
                    ),
                });
            } else if !used.load(Ordering::Relaxed) {
                notices.push(ExceptionNotice {
                    expired: false,
                    file: exception.file.clone(),
                    line: exception.line,
                    message: format!(
                        "exception {} ({rules}) matched no finding; remove it if it is no longer needed",
                        exception.index
                    ),
                });
            }
        }
        notices
    }
}

/// The container (name, image) a pointer is inside, if any.
fn container_of(
    object: &Object,
    pointer: &str,
    templates: &PodTemplates,
) -> Option<(String, String)> {
    let pods = templates.views(object);
    pods.iter()
        .flat_map(|pod| pod.containers())
        .find(|c| {
            pointer == c.pointer
                || pointer
                    .strip_prefix(c.pointer.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .map(|c| {
            let image = c.value.get("image").and_then(|v| v.as_str()).unwrap_or("");
            (c.name.to_string(), image.to_string())
        })
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_date(i64::try_from(days).unwrap_or(0))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_are_right_across_leap_years() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_517), "2026-03-05");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn patterns_match_whole_values_with_globs() {
        let p = Pattern::new("billing-*").expect("valid");
        assert!(p.matches("billing-api"));
        assert!(!p.matches("xbilling-api"));
        let image = Pattern::new("docker.io/library/*").expect("valid");
        assert!(image.matches("docker.io/library/nginx:1.25"));
        assert!(Pattern::new("[").is_err());
    }
}
