//! Evaluating objects: which rules run, and how their violations become findings.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use palisade_model::{Object, ObjectRef, PodSpecView, PodTemplates};

use crate::finding::{Finding, Violation};
use crate::pss::{PssLevel, PssProfile, PssVersion};
use crate::registry::RULES;
use crate::rule::{Category, Check, PssCheck, RuleDef, Severity};
use crate::snapshot::{SetViolation, Snapshot};

/// What the engine needs to know besides the objects.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The profile for objects whose namespace does not say otherwise.
    pub pss: PssProfile,
    /// Registries images may come from (host names, optionally with a port or a path prefix,
    /// e.g. `ghcr.io/acme`). Empty: every registry but Docker Hub is trusted.
    pub trusted_registries: Vec<String>,
    /// The Kubernetes version manifests are meant for (`(1, 29)`); `None` is the newest known.
    pub kube_version: Option<(u16, u16)>,
    /// Severities configured in place of rules' defaults, by rule code.
    pub severity_overrides: HashMap<&'static str, Severity>,
    /// Codes of rules that do not run. By default, the rules of the categories that are off
    /// by default (see [`Category::on_by_default`]).
    pub disabled: HashSet<&'static str>,
    /// Where objects keep their pod specs: the built-in table and the configured locations.
    pub pod_templates: Arc<PodTemplates>,
    /// Findings kept per rule and object; the rest are only counted
    /// ([`ObjectResult::omitted_under`]). The admission webhook bounds the memory of one review
    /// with it (a pod with 10,000 containers has tens of thousands of findings); `None` keeps all.
    pub max_findings_per_rule: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            pss: PssProfile::default(),
            trusted_registries: Vec::new(),
            kube_version: None,
            severity_overrides: HashMap::new(),
            disabled: off_by_default(),
            pod_templates: Arc::new(PodTemplates::default()),
            max_findings_per_rule: None,
        }
    }
}

/// The codes of the rules that run only when selected.
pub(crate) fn off_by_default() -> HashSet<&'static str> {
    RULES
        .iter()
        .filter(|r| !r.category.on_by_default())
        .map(|r| r.code)
        .collect()
}

/// Runs the registry's rules over objects.
#[derive(Debug)]
pub struct Engine {
    settings: Settings,
    rules: Vec<&'static RuleDef>,
    pss_overrides: Arc<[(&'static str, u16)]>,
}

/// What the engine found in one object. PSS results are kept for every policy version the
/// checks distinguish, so the profile can be chosen after all namespaces of an input are known.
#[derive(Clone, Debug, Default)]
pub struct ObjectResult {
    /// Findings of the rules that do not depend on a PSS profile.
    pub findings: Vec<Finding>,
    pss: Vec<PssEntry>,
    /// The overrides of the enabled restricted checks: (baseline check ID, from minor version).
    overrides: Arc<[(&'static str, u16)]>,
    /// Findings of profile-independent rules beyond `max_findings_per_rule`, counted only.
    omitted: Vec<(&'static RuleDef, usize)>,
}

/// The violations of one PSS check over a range of policy versions.
#[derive(Clone, Debug)]
struct PssEntry {
    check: &'static PssCheck,
    /// First minor version (inclusive) for which these findings hold.
    from: u16,
    /// First minor version for which they no longer hold (exclusive); `None` is open-ended.
    until: Option<u16>,
    findings: Vec<Finding>,
    /// Findings beyond `max_findings_per_rule`, counted only.
    omitted: usize,
}

impl Engine {
    pub fn new(settings: Settings) -> Self {
        let rules: Vec<&'static RuleDef> = RULES
            .iter()
            .copied()
            .filter(|r| !settings.disabled.contains(r.code))
            .collect();
        let pss_overrides = rules
            .iter()
            .filter_map(|r| r.pss_check()?.overrides)
            .collect();
        Self {
            settings,
            rules,
            pss_overrides,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn rules(&self) -> &[&'static RuleDef] {
        &self.rules
    }

    /// Evaluates every rule on one object, with the PSS checks at every policy version they
    /// distinguish (the profile is chosen later, once the input's namespaces are known).
    pub fn evaluate(&self, object: &Object) -> ObjectResult {
        self.evaluate_with(object, None)
    }

    /// Evaluates every rule on one object whose PSS profile is already known (an admission
    /// request): only the check revisions in force for `profile` run. For that profile the
    /// result is the same as [`Engine::evaluate`]'s; for any other it is incomplete.
    pub fn evaluate_under(&self, object: &Object, profile: PssProfile) -> ObjectResult {
        self.evaluate_with(object, Some(profile))
    }

    fn evaluate_with(&self, object: &Object, profile: Option<PssProfile>) -> ObjectResult {
        let mut result = ObjectResult {
            overrides: self.pss_overrides.clone(),
            ..ObjectResult::default()
        };
        let pods = self.settings.pod_templates.views(object);
        let object_ref = object.object_ref();
        let mut violations = Vec::new();
        let bootstrap = crate::bootstrap::is_bootstrap_default(object);
        for &rule in &self.rules {
            if bootstrap && rule.category == Category::Rbac {
                continue;
            }
            match &rule.check {
                Check::Pss(check) => {
                    // An overlay is judged on what it sets: the baseline checks report
                    // only what is there, the restricted ones also what is missing.
                    for pod in pods
                        .iter()
                        .filter(|p| !p.is_overlay() || check.level == PssLevel::Baseline)
                    {
                        self.evaluate_pss(rule, check, pod, &object_ref, profile, &mut result.pss);
                    }
                }
                Check::Pod(check) => {
                    for pod in pods.iter().filter(|p| !p.is_overlay()) {
                        check(pod, &self.settings, &mut violations);
                    }
                }
                Check::Object { kinds, check } => {
                    if kinds.is_empty() || kinds.contains(&object.kind.as_str()) {
                        check(object, &self.settings, &mut violations);
                    }
                }
                Check::Set { .. } => {}
            }
            if let Some(extra) = self.cap(&mut violations) {
                result.omitted.push((rule, extra));
            }
            let severity = self.severity(rule);
            result.findings.extend(
                violations
                    .drain(..)
                    .map(|v| finding(rule, severity, &object_ref, v)),
            );
        }
        result
    }

    /// Whether any set rule reads this object, so the front end must keep it for
    /// [`Engine::evaluate_set`].
    pub fn wanted_by_set_rules(&self, object: &Object) -> bool {
        let has_pod_spec = std::cell::OnceCell::new();
        self.rules.iter().any(|rule| match &rule.check {
            Check::Set {
                kinds, workloads, ..
            } => {
                crate::rule::set_reads(kinds, object)
                    || (*workloads && *has_pod_spec.get_or_init(|| self.runs_pods(object)))
            }
            _ => false,
        })
    }

    /// Whether the object has a pod spec of its own, not only an overlay.
    pub fn runs_pods(&self, object: &Object) -> bool {
        self.settings
            .pod_templates
            .views(object)
            .iter()
            .any(|p| !p.is_overlay())
    }

    /// Every pod spec of an object, overlays included.
    pub fn pod_specs<'a>(&self, object: &'a Object) -> Vec<PodSpecView<'a>> {
        self.settings.pod_templates.views(object)
    }

    /// Runs the set rules over the whole input. Each finding comes with the index of the object
    /// it is about.
    pub fn evaluate_set(&self, objects: &[Object]) -> Vec<(usize, Finding)> {
        let snapshot = Snapshot::new(objects, &self.settings.pod_templates);
        let mut out = Vec::new();
        let mut violations = Vec::new();
        for &rule in &self.rules {
            let Check::Set { check, .. } = &rule.check else {
                continue;
            };
            check(&snapshot, &self.settings, &mut violations);
            let severity = self.severity(rule);
            for SetViolation { object, violation } in violations.drain(..) {
                let Some(target) = objects.get(object) else {
                    continue;
                };
                if rule.category == Category::Rbac && crate::bootstrap::is_bootstrap_default(target)
                {
                    continue;
                }
                out.push((
                    object,
                    finding(rule, severity, &target.object_ref(), violation),
                ));
            }
        }
        out
    }

    /// A rule's effective severity: the configured one, else its default.
    pub fn severity_of(&self, rule: &'static RuleDef) -> Severity {
        self.severity(rule).unwrap_or(rule.severity)
    }

    /// The configured severity of a rule, if configuration overrides its default.
    fn severity(&self, rule: &'static RuleDef) -> Option<Severity> {
        self.settings.severity_overrides.get(rule.code).copied()
    }

    /// Runs a PSS check once per revision (or only the revision in force for `profile`) and
    /// keeps the revisions that found something.
    fn evaluate_pss(
        &self,
        rule: &'static RuleDef,
        check: &'static PssCheck,
        pod: &PodSpecView<'_>,
        object_ref: &ObjectRef,
        profile: Option<PssProfile>,
        out: &mut Vec<PssEntry>,
    ) {
        if profile.is_some_and(|p| check.level > p.level) {
            return;
        }
        let severity = self.severity(rule);
        let mut violations = Vec::new();
        for (i, &from) in check.revisions.iter().enumerate() {
            let until = check.revisions.get(i + 1).copied();
            if profile.is_some_and(|p| !covers(from, until, p.version.minor())) {
                continue;
            }
            (check.check)(pod, PssVersion::new(from), &mut violations);
            if violations.is_empty() {
                continue;
            }
            let omitted = self.cap(&mut violations).unwrap_or(0);
            out.push(PssEntry {
                check,
                from,
                until,
                omitted,
                findings: violations
                    .drain(..)
                    .map(|v| finding(rule, severity, object_ref, v))
                    .collect(),
            });
        }
    }
}

impl Engine {
    /// Cuts violations to the configured cap; how many were cut, if any.
    fn cap(&self, violations: &mut Vec<Violation>) -> Option<usize> {
        let cap = self.settings.max_findings_per_rule?;
        let extra = violations.len().checked_sub(cap).filter(|n| *n > 0)?;
        violations.truncate(cap);
        Some(extra)
    }
}

/// Whether a check revision that holds from minor version `from` until `until` (exclusive,
/// `None` open-ended) is the one in force at policy version `minor`.
fn covers(from: u16, until: Option<u16>, minor: u16) -> bool {
    from <= minor && until.is_none_or(|u| minor < u)
}

/// A configured severity wins; otherwise the violation's own severity, else the rule's default.
fn finding(
    rule: &'static RuleDef,
    configured: Option<Severity>,
    object: &ObjectRef,
    v: Violation,
) -> Finding {
    let severity = configured.or(v.severity).unwrap_or(rule.severity);
    Finding {
        rule,
        severity,
        object: object.clone(),
        pointer: v.pointer,
        message: v.message,
        help: v.help,
        waiver: None,
    }
}

impl ObjectResult {
    /// Every finding, of every PSS revision too, so that front ends can annotate them (with
    /// file positions, say) before the profile is chosen.
    pub fn all_findings_mut(&mut self) -> impl Iterator<Item = &mut Finding> {
        self.findings
            .iter_mut()
            .chain(self.pss.iter_mut().flat_map(|e| e.findings.iter_mut()))
    }

    /// Whether any PSS check fails at any version (a cheap test before choosing a profile).
    pub fn has_pss_findings(&self) -> bool {
        !self.pss.is_empty()
    }

    /// The PSS findings under a profile, as the admission plugin would decide: the checks of
    /// the level in their revision for the version, with restricted checks replacing the
    /// baseline checks they override. Where a baseline check and its restricted override flag
    /// the same field, the field is reported once, as the (more severe) baseline finding.
    pub fn pss_findings(&self, profile: PssProfile) -> Vec<Finding> {
        if profile.level == PssLevel::Privileged {
            return Vec::new();
        }
        let minor = profile.version.minor();
        let in_force =
            |e: &&PssEntry| e.check.level <= profile.level && covers(e.from, e.until, minor);
        let active: Vec<&PssEntry> = self.pss.iter().filter(in_force).collect();
        // As upstream: at restricted, an overriding check replaces the baseline check whether
        // or not it finds anything (a Windows pod exempt from the restricted check passes).
        let overridden = |id: &str| {
            profile.level == PssLevel::Restricted
                && self
                    .overrides
                    .iter()
                    .any(|&(b, from)| b == id && from <= minor)
        };
        let mut out: Vec<Finding> = Vec::new();
        for entry in &active {
            if overridden(entry.check.id) {
                continue;
            }
            let baseline = entry
                .check
                .overrides
                .filter(|(_, from)| profile.level == PssLevel::Restricted && *from <= minor)
                .and_then(|(id, _)| active.iter().find(|e| e.check.id == id));
            for found in &entry.findings {
                let same_field =
                    baseline.and_then(|b| b.findings.iter().find(|f| f.pointer == found.pointer));
                out.push(same_field.unwrap_or(found).clone());
            }
        }
        out
    }

    /// All findings under a profile: the profile-independent ones, then the PSS ones.
    pub fn findings_under(&self, profile: PssProfile) -> Vec<Finding> {
        let mut all = self.findings.clone();
        all.extend(self.pss_findings(profile));
        all
    }

    /// Findings beyond the engine's per-rule cap under a profile, by rule: counted, not kept.
    pub fn omitted_under(&self, profile: PssProfile) -> Vec<(&'static RuleDef, usize)> {
        let mut out = self.omitted.clone();
        if profile.level == PssLevel::Privileged {
            return out;
        }
        let minor = profile.version.minor();
        for entry in &self.pss {
            let in_force =
                entry.check.level <= profile.level && covers(entry.from, entry.until, minor);
            let overridden = profile.level == PssLevel::Restricted
                && self
                    .overrides
                    .iter()
                    .any(|&(b, from)| b == entry.check.id && from <= minor);
            if let (true, false, Some(first)) = (
                in_force && entry.omitted > 0,
                overridden,
                entry.findings.first(),
            ) {
                out.push((first.rule, entry.omitted));
            }
        }
        out
    }
}
