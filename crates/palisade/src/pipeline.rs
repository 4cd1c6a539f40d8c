//! Read, parse and evaluate inputs in parallel, then decide PSS per namespace and build the
//! report.
//!
//! Each file is read, parsed, evaluated and dropped on a worker thread; what survives is the
//! findings with their positions already resolved, and compact copies of the objects the set
//! rules read (workloads, RBAC, policies), so peak memory follows the largest file plus the
//! report and those objects, not the bytes of the whole input. PSS findings are kept for every policy revision until the namespaces of the
//! whole input are known, because a Namespace's `pod-security.kubernetes.io/*` labels decide the
//! profile of objects in any file.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_model::loader::{self, InputArg, LoadError, LoadedFile, Source};
use palisade_model::{Object, PodSpecView};
use palisade_report::{
    CheckedObject, FileLocation, InputError, Notice, Report, ReportFinding, Skipped,
};
use palisade_rules::exceptions::{self, Exceptions};
use palisade_rules::{Engine, ObjectResult, PssLevel, PssProfile, RuleDef};
use rayon::prelude::*;

/// One evaluated object, detached from its parsed value.
struct Evaluated {
    namespace: Option<String>,
    result: ObjectResult,
    locations: HashMap<String, FileLocation>,
}

/// An object kept for the set rules, with the lines it spans so findings can quote them.
struct Retained {
    object: Object,
    first_line: u32,
    lines: Vec<String>,
}

/// What a worker hands back for one input.
#[derive(Default)]
struct FileOutcome {
    evaluated: Vec<Evaluated>,
    namespaces: Vec<(String, Option<PssProfile>)>,
    objects: usize,
    skipped: Vec<Skipped>,
    errors: Vec<InputError>,
    checked: Vec<CheckedObject>,
    retained: Vec<Retained>,
}

/// What a scan needs besides the inputs.
#[derive(Debug)]
pub struct ScanContext<'a> {
    pub engine: &'a Engine,
    pub exceptions: &'a Exceptions,
    /// Today as `YYYY-MM-DD`, for exception expiry.
    pub today: String,
}

/// Scans the inputs with no exceptions (benchmarks and tests).
pub fn scan(inputs: &[InputArg], engine: &Engine) -> Report {
    let exceptions = Exceptions::default();
    scan_with(
        inputs,
        &ScanContext {
            engine,
            exceptions: &exceptions,
            today: exceptions::today(),
        },
    )
}

/// Scans the inputs and returns the report, sorted.
pub fn scan_with(inputs: &[InputArg], context: &ScanContext<'_>) -> Report {
    let engine = context.engine;
    let (sources, walk_errors) = loader::discover(inputs);
    let mut outcomes: Vec<FileOutcome> = sources
        .par_iter()
        .with_max_len(1)
        .map(|source| scan_source(source, context))
        .collect();
    let mut report = Report {
        files: sources.len(),
        ..Report::default()
    };
    report.errors.extend(walk_errors.iter().map(input_error));

    let namespace_profiles: HashMap<String, PssProfile> = outcomes
        .iter_mut()
        .flat_map(|o| std::mem::take(&mut o.namespaces))
        .filter_map(|(name, profile)| profile.map(|p| (name, p)))
        .collect();
    let default_profile = engine.settings().pss;
    let profile_of = |namespace: Option<&str>| {
        namespace
            .and_then(|ns| namespace_profiles.get(ns).copied())
            .unwrap_or(default_profile)
    };
    let mut retained = Vec::new();
    for outcome in outcomes {
        report.objects += outcome.objects;
        retained.extend(outcome.retained);
        for mut checked in outcome.checked {
            let profile = profile_of(checked.object.namespace.as_deref());
            checked
                .rules
                .retain(|rule| pss_rule_in_force(rule, profile));
            report.checked.push(checked);
        }
        report.skipped.extend(outcome.skipped.iter().cloned());
        report.errors.extend(outcome.errors.iter().cloned());
        for evaluated in &outcome.evaluated {
            let profile = profile_of(evaluated.namespace.as_deref());
            for finding in evaluated.result.findings_under(profile) {
                if let Some(waiver) = &finding.waiver {
                    context.exceptions.mark_used(waiver);
                }
                let location = evaluated.locations.get(&finding.pointer).cloned();
                report.findings.push(ReportFinding { finding, location });
            }
        }
    }
    scan_set(retained, context, &mut report);
    report.notices = context
        .exceptions
        .notices(&context.today)
        .into_iter()
        .map(|n| Notice {
            kind: if n.expired {
                "expired-exception"
            } else {
                "unused-exception"
            },
            file: n.file,
            line: Some(n.line),
            message: n.message,
        })
        .collect();
    report.sort();
    report
}

/// Whether a rule is evaluated under a profile (rules other than PSS always are).
fn pss_rule_in_force(rule: &RuleDef, profile: PssProfile) -> bool {
    rule.pss_check().is_none_or(|check| {
        profile.level != PssLevel::Privileged
            && check.level <= profile.level
            && check
                .revisions
                .first()
                .is_some_and(|first| profile.version.at_least(*first))
    })
}

fn scan_source(source: &Source, context: &ScanContext<'_>) -> FileOutcome {
    let file = loader::load(source);
    scan_loaded(file, context)
}

fn scan_loaded(mut file: LoadedFile, context: &ScanContext<'_>) -> FileOutcome {
    let engine = context.engine;
    let mut outcome = FileOutcome {
        objects: file.objects.len(),
        errors: file.errors.iter().map(input_error).collect(),
        skipped: file
            .skipped
            .iter()
            .map(|s| Skipped {
                path: s.path.clone(),
                document: s.document,
                item: s.item,
                line: s.location.line,
                reason: s.reason.clone(),
            })
            .collect(),
        ..FileOutcome::default()
    };
    let objects = std::mem::take(&mut file.objects);
    let lines = LineIndex::new(&file.text);
    for object in objects {
        let wanted = engine.wanted_by_set_rules(&object);
        scan_object(&object, &file.path, &lines, context, &mut outcome);
        if wanted {
            outcome.retained.push(retain(object, &lines));
        }
    }
    outcome
}

/// Evaluates one object and keeps what the report needs from it.
fn scan_object(
    object: &Object,
    path: &Arc<str>,
    lines: &LineIndex<'_>,
    context: &ScanContext<'_>,
    outcome: &mut FileOutcome,
) {
    let engine = context.engine;
    if object.kind == "Namespace" && object.group().is_empty() {
        let profile = object.labels().and_then(PssProfile::from_namespace_labels);
        outcome
            .namespaces
            .push((object.name().to_string(), profile));
    }
    let has_pod_spec = PodSpecView::of(object).is_some();
    outcome.checked.push(CheckedObject {
        object: object.object_ref(),
        location: Some(FileLocation {
            source_line: None,
            ..locate(object, "", path, lines)
        }),
        rules: engine
            .rules()
            .iter()
            .copied()
            .filter(|r| r.check.applies_to(object, has_pod_spec))
            .collect(),
    });
    let mut result = engine.evaluate(object);
    let mut locations = HashMap::new();
    for finding in result.all_findings_mut() {
        finding.waiver = context
            .exceptions
            .waiver_for(finding, object, &context.today);
        locations
            .entry(finding.pointer.clone())
            .or_insert_with(|| locate(object, &finding.pointer, path, lines));
    }
    if !result.findings.is_empty() || result.has_pss_findings() {
        let namespace = object.namespace().map(str::to_string);
        outcome.evaluated.push(Evaluated {
            namespace,
            result,
            locations,
        });
    }
}

fn retain(object: Object, lines: &LineIndex<'_>) -> Retained {
    let (first_line, last_line) = object.line_span().unwrap_or((0, 0));
    let object = object.compact_copy();
    let lines = (first_line..=last_line)
        .filter_map(|n| lines.line(n).map(str::to_string))
        .collect();
    Retained {
        object,
        first_line,
        lines,
    }
}

/// Runs the set rules over the objects every file kept, and locates their findings.
fn scan_set(retained: Vec<Retained>, context: &ScanContext<'_>, report: &mut Report) {
    let (objects, quotes): (Vec<Object>, Vec<(u32, Vec<String>)>) = retained
        .into_iter()
        .map(|r| (r.object, (r.first_line, r.lines)))
        .unzip();
    for (index, mut finding) in context.engine.evaluate_set(&objects) {
        let (Some(object), Some((first_line, lines))) = (objects.get(index), quotes.get(index))
        else {
            continue;
        };
        finding.waiver = context
            .exceptions
            .waiver_for(&finding, object, &context.today);
        if let Some(waiver) = &finding.waiver {
            context.exceptions.mark_used(waiver);
        }
        let position = object.resolve(&finding.pointer);
        let line = position.location.line;
        let source_line = line
            .checked_sub(*first_line)
            .and_then(|i| lines.get(usize::try_from(i).ok()?))
            .cloned();
        let location = FileLocation {
            path: object.origin.path.clone(),
            line,
            column: position.location.column,
            exact: position.exact,
            source_line,
        };
        report.findings.push(ReportFinding {
            finding,
            location: Some(location),
        });
    }
}

fn locate(object: &Object, pointer: &str, path: &Arc<str>, lines: &LineIndex<'_>) -> FileLocation {
    let position = object.resolve(pointer);
    FileLocation {
        path: path.clone(),
        line: position.location.line,
        column: position.location.column,
        exact: position.exact,
        source_line: lines.line(position.location.line).map(str::to_string),
    }
}

fn input_error(error: &LoadError) -> InputError {
    let location = error.location();
    let message = match error {
        LoadError::Parse { message, .. } => message.clone(),
        other => {
            // The path is printed separately; keep only the reason.
            let text = other.to_string();
            text.strip_prefix(&format!("{}: ", other.path()))
                .map_or(text.clone(), str::to_string)
        }
    };
    InputError {
        path: error.path().to_string(),
        line: location.map(|l| l.line),
        column: location.map(|l| l.column),
        message,
    }
}

/// Finds the text of a line without splitting the whole file up front.
struct LineIndex<'a> {
    text: &'a str,
    starts: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            starts: std::sync::OnceLock::new(),
        }
    }

    fn line(&self, number: u32) -> Option<&'a str> {
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        let start = *starts.get(index)?;
        let end = starts.get(index + 1).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end).map(|l| l.trim_end_matches('\r'))
    }
}
