//! The decision: a pure function from an admission request and the policy to the response.
//!
//! The object is evaluated exactly as `palisade scan` evaluates it (the same engine, the same
//! PSS profile choice, the same exceptions), so the findings here are the scan's findings for
//! that object. What differs is only what is done with them: each unwaived finding is
//! enforced (denied, one line per finding in the message), warned about (`warnings`, which
//! kubectl prints) or audited (`auditAnnotations`), per its rule's configured mode.

use std::collections::HashMap;

use kube_core::admission::{AdmissionResponse, Operation};
use palisade_model::{Object, PodTemplates};
use palisade_rules::config::WebhookMode;
use palisade_rules::exceptions::{self, IGNORE_ANNOTATION};
use palisade_rules::{Finding, PssProfile, RuleDef};

use crate::policy::{Exemption, Policy};
use crate::review::{self, Request};

/// What was decided, with the findings it rests on.
#[derive(Debug)]
pub struct Decision {
    pub outcome: Outcome,
    /// Every finding on the object, waived ones included (with `mode: None`), up to the
    /// engine's per-rule cap.
    pub findings: Vec<Judged>,
    /// Findings beyond the per-rule cap: counted per rule in its mode, not kept (exceptions
    /// are not applied to them).
    pub omitted: Vec<(&'static RuleDef, WebhookMode, usize)>,
    pub response: AdmissionResponse,
}

impl Decision {
    /// Every finding as (rule code, mode or `waived`, count): one per kept finding, and the
    /// counted ones beyond the engine's cap per rule. What metrics and logs tally.
    pub fn tallies(&self) -> impl Iterator<Item = (&'static str, &'static str, usize)> + '_ {
        let kept = self.findings.iter().map(|j| {
            (
                j.finding.rule.code,
                j.mode.map_or("waived", WebhookMode::as_str),
                1,
            )
        });
        let counted = self
            .omitted
            .iter()
            .map(|(rule, mode, count)| (rule.code, mode.as_str(), *count));
        kept.chain(counted)
    }
}

/// A finding and what its rule's mode makes of it.
#[derive(Debug, Clone)]
pub struct Judged {
    pub finding: Finding,
    /// `None` when an exception waives the finding: it never denies, warns or is audited.
    pub mode: Option<WebhookMode>,
}

/// The kind of answer, for logs and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Evaluated and allowed (possibly with warnings or audit annotations).
    Allowed,
    /// Evaluated and denied: at least one unwaived finding of a rule in enforce mode.
    Denied,
    /// Not evaluated: the namespace, user or group is exempt.
    Exempt(Exemption),
    /// Not evaluated: nothing to check (DELETE, CONNECT, a subresource, an object being
    /// deleted).
    Skipped(Skip),
}

/// Why a request needed no evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// DELETE and CONNECT carry no new object.
    Operation,
    /// Subresources such as `status` or `scale` are not the object's spec; only
    /// `ephemeralcontainers` adds containers and is checked.
    SubResource,
    /// An UPDATE of an object that already has a `deletionTimestamp`: denying it would only
    /// keep finalizers from being removed and wedge the deletion.
    Deleting,
}

impl Outcome {
    /// The `decision` label of metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
            Self::Exempt(_) => "exempt",
            Self::Skipped(_) => "skipped",
        }
    }

    /// Why the request was not evaluated, if it was not.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Self::Allowed | Self::Denied => None,
            Self::Exempt(e) => Some(e.as_str()),
            Self::Skipped(Skip::Operation) => Some("operation"),
            Self::Skipped(Skip::SubResource) => Some("subresource"),
            Self::Skipped(Skip::Deleting) => Some("deleting"),
        }
    }
}

/// Decides one request. `today` (`YYYY-MM-DD`) is for exception expiry.
pub fn decide(policy: &Policy, request: Request, today: &str) -> Decision {
    let pass = |outcome| Decision {
        outcome,
        findings: Vec::new(),
        omitted: Vec::new(),
        response: review::allowed(&request.uid),
    };
    if matches!(request.operation, Operation::Delete | Operation::Connect) {
        return pass(Outcome::Skipped(Skip::Operation));
    }
    if request
        .sub_resource
        .as_deref()
        .is_some_and(|s| s != "ephemeralcontainers")
    {
        return pass(Outcome::Skipped(Skip::SubResource));
    }
    if let Some(exemption) = policy.exemption(request.namespace.as_deref(), &request.user) {
        return pass(Outcome::Exempt(exemption));
    }
    let Some(object) = &request.object else {
        // `review::parse` guarantees an object for CREATE and UPDATE.
        return pass(Outcome::Skipped(Skip::Operation));
    };
    if request.operation == Operation::Update
        && object
            .metadata()
            .and_then(|m| m.get("deletionTimestamp"))
            .is_some_and(|t| !t.is_null())
    {
        return pass(Outcome::Skipped(Skip::Deleting));
    }

    let profile = request
        .namespace_labels
        .as_ref()
        .and_then(PssProfile::from_namespace_labels)
        .unwrap_or_else(|| policy.default_profile());
    // Exceptions cost a walk of the pod spec per finding; skip them when none can apply.
    let exceptions = policy.exceptions();
    let annotated = exceptions::has_ignore_annotation(object, exceptions.pod_templates());
    let may_be_waived = !exceptions.is_empty() || (policy.honours_inline_exceptions() && annotated);
    let result = policy.engine().evaluate_under(object, profile);
    let omitted: Vec<(&'static RuleDef, WebhookMode, usize)> = result
        .omitted_under(profile)
        .into_iter()
        .map(|(rule, count)| (rule, policy.mode_of_rule(rule), count))
        .collect();
    let findings: Vec<Judged> = result
        .findings_under(profile)
        .into_iter()
        .map(|mut finding| {
            if may_be_waived {
                finding.waiver =
                    policy.waiver_for(&finding, object, request.namespace.as_deref(), today);
            }
            let mode = finding
                .waiver
                .is_none()
                .then(|| policy.mode_for(finding.rule, finding.severity));
            Judged { finding, mode }
        })
        .collect();
    let notes = if annotated {
        inline_notes(
            object,
            request.namespace.as_deref(),
            &findings,
            exceptions.pod_templates(),
        )
    } else {
        Vec::new()
    };
    let response = respond(&request, &findings, &omitted, notes);
    let outcome = if response.allowed {
        Outcome::Allowed
    } else {
        Outcome::Denied
    };
    Decision {
        outcome,
        findings,
        omitted,
        response,
    }
}

/// Builds the response from the judged findings.
fn respond(
    request: &Request,
    findings: &[Judged],
    omitted: &[(&'static RuleDef, WebhookMode, usize)],
    notes: Vec<String>,
) -> AdmissionResponse {
    let mut response = review::allowed(&request.uid);
    let in_mode = |mode| findings.iter().filter(move |j| j.mode == Some(mode));
    let uncounted = |mode| -> usize {
        omitted
            .iter()
            .filter(|(_, m, _)| *m == mode)
            .map(|(_, _, n)| n)
            .sum()
    };
    let enforced: Vec<&Finding> = in_mode(WebhookMode::Enforce).map(|j| &j.finding).collect();
    if !enforced.is_empty() {
        let subject = request
            .object
            .as_ref()
            .map_or_else(|| request.kind.clone(), |o| o.object_ref().to_string());
        let total = enforced.len() + uncounted(WebhookMode::Enforce);
        response = response.deny(denial_message(&subject, &enforced, total));
        response.result.code = 403;
        response.result.reason = "Forbidden".to_string();
    }
    let warned: Vec<&Judged> = in_mode(WebhookMode::Warn).collect();
    if !warned.is_empty() {
        let mut warnings: Vec<String> = warned
            .iter()
            .take(MAX_WARNINGS)
            .map(|j| clip_line(warning(&j.finding)))
            .collect();
        let total = warned.len() + uncounted(WebhookMode::Warn);
        if total > warnings.len() {
            warnings.push(format!(
                "and {} more Palisade warnings (palisade scan lists them all)",
                total - warnings.len()
            ));
        }
        response.warnings = Some(warnings);
    }
    if !notes.is_empty() {
        response
            .warnings
            .get_or_insert_with(Vec::new)
            .extend(notes.into_iter().map(clip_line));
    }
    response.audit_annotations = audit_annotations(findings);
    for (rule, _, count) in omitted.iter().filter(|(_, m, _)| *m == WebhookMode::Audit) {
        if let Some(value) = response.audit_annotations.get_mut(rule.name) {
            value.push_str(&format!("; and {count} more"));
        }
    }
    response
}

/// Most notes about an object's `palisade.dev/ignore` annotation in one response.
const MAX_INLINE_NOTES: usize = 5;

/// What the client should know about the object's `palisade.dev/ignore` annotations: names
/// that are no rule, a missing reason, an annotation on a workload's own metadata that its
/// pods will not carry, and rules it names that the configuration does not let it waive here.
fn inline_notes(
    object: &Object,
    namespace: Option<&str>,
    findings: &[Judged],
    templates: &PodTemplates,
) -> Vec<String> {
    let mut notes: Vec<String> = exceptions::problems(object, templates)
        .into_iter()
        .map(|p| p.message)
        .collect();
    let unwaived = || {
        findings
            .iter()
            .filter(|j| j.mode.is_some())
            .map(|j| &j.finding)
    };
    if unwaived().any(|f| exceptions::misplaced_on_workload(f, object, templates)) {
        notes.push(format!(
            "{IGNORE_ANNOTATION} on the {}'s own metadata does not reach its pods: put it on spec.template.metadata.annotations",
            object.kind
        ));
    }
    let mut refused: Vec<&str> = unwaived()
        .filter(|f| exceptions::inline_waiver(f, object, templates).is_some())
        .map(|f| f.rule.name)
        .collect();
    refused.sort_unstable();
    refused.dedup();
    if !refused.is_empty() {
        notes.push(format!(
            "{IGNORE_ANNOTATION} is not honoured at admission for {} in namespace {}: webhook.inline-exceptions does not permit it",
            refused.join(", "),
            namespace.unwrap_or("(none)")
        ));
    }
    notes.truncate(MAX_INLINE_NOTES);
    notes
}

/// Findings listed in a denial; the rest are counted.
pub const MAX_DENIAL_FINDINGS: usize = 20;
/// Longest denial message: the API server copies it into its response, events and logs.
pub const MAX_DENIAL_BYTES: usize = 4096;
/// Warnings in one response; the rest are counted in one more.
pub const MAX_WARNINGS: usize = 20;
/// Longest single line (a finding in a denial, a warning, an audit annotation value).
const MAX_LINE_BYTES: usize = 512;

/// The denial: a first line naming the object, then one line per finding, at most
/// [`MAX_DENIAL_FINDINGS`] of them and [`MAX_DENIAL_BYTES`] in all, then how many more there are.
/// `total` counts the findings beyond the engine's cap too.
pub fn denial_message(subject: &str, findings: &[&Finding], total: usize) -> String {
    let count = total.max(findings.len());
    let mut message = clip_line(format!(
        "{subject} has {count} Palisade finding{}:",
        if count == 1 { "" } else { "s" }
    ));
    // Room for the closing "and N more" line.
    let budget = MAX_DENIAL_BYTES - 96;
    let mut listed = 0;
    for finding in findings.iter().take(MAX_DENIAL_FINDINGS) {
        let mut line = String::from("\n- ");
        write_finding_line(&mut line, finding);
        line.push_str("; fix: ");
        line.push_str(&finding.help);
        let line = clip_line(line);
        if message.len() + line.len() > budget {
            break;
        }
        message.push_str(&line);
        listed += 1;
    }
    if listed < count {
        message.push_str(&format!(
            "\n- and {} more (palisade scan lists them all)",
            count - listed
        ));
    }
    message
}

/// A line cut to [`MAX_LINE_BYTES`] at a character boundary.
fn clip_line(mut line: String) -> String {
    if line.len() > MAX_LINE_BYTES {
        line.truncate(crate::logging::boundary_at_most(&line, MAX_LINE_BYTES - 3));
        line.push('…');
    }
    line
}

/// `[CODE name] message (at field.path)`: the rule, the container or part (named in the
/// message) and the field.
pub fn finding_line(finding: &Finding) -> String {
    let mut line = String::new();
    write_finding_line(&mut line, finding);
    line
}

fn write_finding_line(out: &mut String, finding: &Finding) {
    out.reserve(finding.message.len() + finding.pointer.len() + 32);
    out.push('[');
    out.push_str(finding.rule.code);
    out.push(' ');
    out.push_str(finding.rule.name);
    out.push_str("] ");
    out.push_str(&finding.message);
    out.push_str(" (at ");
    write_field_path(out, &finding.pointer);
    out.push(')');
}

/// A warning kubectl prints as `Warning: ...`.
fn warning(finding: &Finding) -> String {
    finding_line(finding)
}

/// Audit findings by rule name, and waived findings under `waived`. The API server prefixes
/// each key with the webhook's name, so keys are plain names.
/// Each value is at most [`MAX_ANNOTATION_BYTES`], then says how many more there were.
fn audit_annotations(findings: &[Judged]) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut omitted: HashMap<String, usize> = HashMap::new();
    let mut add = |key: &str, text: String| {
        let text = clip_line(text);
        match out.get_mut(key) {
            Some(value) if value.len() + text.len() + 2 > MAX_ANNOTATION_BYTES => {
                *omitted.entry(key.to_string()).or_default() += 1;
            }
            Some(value) => {
                value.push_str("; ");
                value.push_str(&text);
            }
            None => {
                out.insert(key.to_string(), text);
            }
        }
    };
    for judged in findings {
        let finding = &judged.finding;
        match (judged.mode, &finding.waiver) {
            (Some(WebhookMode::Audit), _) => {
                let mut text = finding.message.clone();
                text.push_str(" (at ");
                write_field_path(&mut text, &finding.pointer);
                text.push(')');
                add(finding.rule.name, text);
            }
            (None, Some(waiver)) => add(
                "waived",
                format!(
                    "{} {}: {}",
                    finding.rule.code, finding.rule.name, waiver.reason
                ),
            ),
            _ => {}
        }
    }
    for (key, count) in omitted {
        if let Some(value) = out.get_mut(&key) {
            value.push_str(&format!("; and {count} more"));
        }
    }
    out
}

/// Longest audit annotation value (before the closing count).
const MAX_ANNOTATION_BYTES: usize = 2048;

/// A JSON pointer as a readable field path: `/spec/containers/0/securityContext` becomes
/// `spec.containers[0].securityContext`; keys that are not plain words are quoted.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 8);
    write_field_path(&mut out, pointer);
    out
}

fn write_field_path(out: &mut String, pointer: &str) {
    if pointer.is_empty() {
        out.push_str("the object");
        return;
    }
    let start = out.len();
    for raw in pointer.split('/').skip(1) {
        let segment: std::borrow::Cow<'_, str> = if raw.contains('~') {
            raw.replace("~1", "/").replace("~0", "~").into()
        } else {
            raw.into()
        };
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&segment);
            out.push(']');
        } else if !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            if out.len() > start {
                out.push('.');
            }
            out.push_str(&segment);
        } else {
            out.push_str(&format!("[{segment:?}]"));
        }
    }
}

#[cfg(test)]
mod tests;
