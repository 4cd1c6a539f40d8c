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
use std::collections::hash_map::Entry;
use std::sync::Arc;

use palisade_model::loader::{self, InputArg, LoadError, LoadedFile, Source};
use palisade_model::{Object, TemplateSource};
use palisade_report::{
    CheckedObject, FileLocation, InputError, Notice, QuotableLine, Report, ReportFinding, Skipped,
};
use palisade_rules::exceptions::{self, Exceptions};
use palisade_rules::{Category, Engine, ObjectResult, PssLevel, PssProfile, RuleDef};
use rayon::prelude::*;

use crate::origin;

mod notices;
mod projects;

/// One evaluated object, detached from its parsed value.
struct Evaluated {
    namespace: Option<String>,
    result: ObjectResult,
    locations: HashMap<String, FileLocation>,
    /// The template that rendered the object: locations move there once quoted.
    template: Option<Arc<TemplateSource>>,
    /// Where the findings are in the file Kustomize built the object from, by pointer:
    /// locations move there once quoted (the quote stays the built, redacted line).
    origins: HashMap<String, FileLocation>,
}

/// An object kept for the set rules, with the lines it spans so findings can quote them.
struct Retained {
    object: Object,
    first_line: u32,
    /// Shared between the objects of a file: a minified file is one line for all of them.
    lines: Vec<Arc<str>>,
    /// Where secrets start on those lines, to redact them in quotes.
    secrets: SecretColumns,
}

/// Columns where a secret's value starts, by line: every quote of such a line redacts them,
/// whichever finding it is for.
type SecretColumns = HashMap<u32, Vec<u32>>;

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
    secrets: SecretColumns,
    /// About the inline exceptions written in this file.
    notices: Vec<Notice>,
    /// Kubernetes' own RBAC defaults met, with where they are: the RBAC rules skip them.
    bootstrap: Vec<(String, Notice)>,
    /// Objects of kinds Palisade does not know, by kind, with where they are.
    unrecognised: Vec<(String, Notice)>,
}

/// What a scan needs besides the inputs.
#[derive(Debug)]
pub struct ScanContext<'a> {
    pub engine: &'a Engine,
    pub exceptions: &'a Exceptions,
    /// Today as `YYYY-MM-DD`, for exception expiry.
    pub today: String,
    /// How directories are walked: excludes, `.gitignore`.
    pub walk: loader::WalkOptions,
    /// Values files for the Helm charts met in a walk (`helm template --values`).
    pub helm_values: Vec<std::path::PathBuf>,
}

impl<'a> ScanContext<'a> {
    /// For objects that come from a cluster, not from files: no walk, no charts.
    pub fn for_cluster(engine: &'a Engine, exceptions: &'a Exceptions) -> Self {
        Self {
            engine,
            exceptions,
            today: exceptions::today(),
            walk: loader::WalkOptions::default(),
            helm_values: Vec::new(),
        }
    }
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
            walk: loader::WalkOptions::default(),
            helm_values: Vec::new(),
        },
    )
}

/// Scans the inputs and returns the report, sorted.
pub fn scan_with(inputs: &[InputArg], context: &ScanContext<'_>) -> Report {
    let loader::Discovery {
        sources,
        errors: walk_errors,
        skipped_links,
        charts,
        patches,
        kustomizations,
    } = loader::discovery_with(inputs, &context.walk);
    let mut sources = sources;
    let tools = projects::Tools::find(&charts, &kustomizations);
    tools.drop_built_resources(&kustomizations, &mut sources);
    let mut outcomes: Vec<FileOutcome> = sources
        .par_iter()
        .with_max_len(1)
        .map(|source| scan_source(source, context))
        .collect();
    let rendered = tools.render(&charts, &kustomizations, context, &mut outcomes);
    let mut report = Report {
        files: sources.len() + rendered.inputs,
        ..Report::default()
    };
    report.notices.extend(rendered.notices);
    report.notices.extend(notices::patches(&patches));
    report.errors.extend(walk_errors.iter().map(input_error));

    finish(outcomes, context, &mut report);
    report
        .notices
        .extend(notices::skipped_links(&skipped_links));
    report.sort();
    report
}

/// Objects read from somewhere other than files (a live cluster), checked as one unit; many
/// units make one report with [`report_of`].
pub struct CheckedBatch(FileOutcome);

/// Checks objects that have no file: their findings are located at their origin's path with
/// no line (`cluster/namespace/Kind/name`).
pub fn check_objects(objects: Vec<Object>, context: &ScanContext<'_>) -> CheckedBatch {
    let mut outcome = FileOutcome {
        objects: objects.len(),
        ..FileOutcome::default()
    };
    for object in objects {
        let path = object.origin.path.clone();
        scan_object(&object, &path, context, &mut outcome, None);
        if context.engine.wanted_by_set_rules(&object) {
            outcome.retained.push(Retained {
                object,
                first_line: 0,
                lines: Vec::new(),
                secrets: SecretColumns::new(),
            });
        }
    }
    CheckedBatch(outcome)
}

/// The report of checked batches: PSS decided per namespace, the set rules run over them all.
pub fn report_of(batches: Vec<CheckedBatch>, context: &ScanContext<'_>) -> Report {
    let mut report = Report::default();
    finish(
        batches.into_iter().map(|b| b.0).collect(),
        context,
        &mut report,
    );
    report.sort();
    report
}

/// Everything after the per-file work: the PSS profile of each namespace applied, the set rules
/// run over what the files kept, and the exceptions' own notices.
fn finish(mut outcomes: Vec<FileOutcome>, context: &ScanContext<'_>, report: &mut Report) {
    let engine = context.engine;
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
    let bootstrap: Vec<(String, Notice)> = outcomes
        .iter_mut()
        .flat_map(|o| std::mem::take(&mut o.bootstrap))
        .collect();
    report.notices.extend(notices::bootstrap(&bootstrap));
    let unrecognised: Vec<(String, Notice)> = outcomes
        .iter_mut()
        .flat_map(|o| std::mem::take(&mut o.unrecognised))
        .collect();
    report.notices.extend(notices::unrecognised(unrecognised));
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
        report.notices.extend(outcome.notices);
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
    scan_set(retained, context, report);
    report
        .notices
        .extend(notices::exceptions(context.exceptions, &context.today));
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

fn scan_loaded(file: LoadedFile, context: &ScanContext<'_>) -> FileOutcome {
    scan_loaded_with(file, context, origin::SourceFiles::default())
}

/// [`scan_loaded`], with where Kustomize origin annotations' paths are relative to.
fn scan_loaded_with(
    mut file: LoadedFile,
    context: &ScanContext<'_>,
    mut origins: origin::SourceFiles,
) -> FileOutcome {
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
    let mut wanted = Vec::new();
    for object in objects {
        scan_object(
            &object,
            &file.path,
            context,
            &mut outcome,
            Some(&mut origins),
        );
        if engine.wanted_by_set_rules(&object) {
            wanted.push(object);
        }
    }
    // Quotes are made once the whole file is evaluated, so that a secret found in one object is
    // redacted in the quotes of every other finding on the same line.
    let mut prepared: HashMap<u32, QuotableLine<'_>> = HashMap::new();
    for evaluated in &mut outcome.evaluated {
        for location in evaluated.locations.values_mut() {
            let line = match prepared.entry(location.line) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => {
                    let Some(text) = lines.line(location.line) else {
                        continue;
                    };
                    let secrets = outcome.secrets.get(&location.line);
                    entry.insert(QuotableLine::new(text, secrets.map_or(&[], Vec::as_slice)))
                }
            };
            location.quote = Some(line.quote(location.column));
        }
        if let Some(template) = &evaluated.template {
            for location in evaluated.locations.values_mut() {
                to_template(location, template);
            }
        }
        for (pointer, origin) in &evaluated.origins {
            if let Some(location) = evaluated.locations.get_mut(pointer) {
                location.path = origin.path.clone();
                location.line = origin.line;
                location.column = origin.column;
                location.exact = origin.exact;
            }
        }
    }
    drop(prepared);
    let mut shared_lines = HashMap::new();
    for object in wanted {
        outcome
            .retained
            .push(retain(object, &lines, &mut shared_lines, &outcome.secrets));
    }
    outcome
}

/// Evaluates one object and keeps what the report needs from it.
fn scan_object(
    object: &Object,
    path: &Arc<str>,
    context: &ScanContext<'_>,
    outcome: &mut FileOutcome,
    origins: Option<&mut origin::SourceFiles>,
) {
    let engine = context.engine;
    if object.kind == "Namespace" && object.group().is_empty() {
        let profile = object.labels().and_then(PssProfile::from_namespace_labels);
        outcome
            .namespaces
            .push((object.name().to_string(), profile));
    }
    if palisade_rules::bootstrap::is_bootstrap_default(object) {
        let location = locate(object, "", path);
        outcome.bootstrap.push((
            format!("{} {}", object.kind, object.name()),
            Notice {
                kind: "bootstrap-rbac",
                file: location.path.to_string(),
                line: location.has_line().then_some(location.line),
                message: String::new(),
            },
        ));
    }
    let templates = &*engine.settings().pod_templates;
    notices::malformed(object, templates, path, &mut outcome.notices);
    if !engine.recognises(object) {
        let location = locate_shown(object, "", path);
        outcome.unrecognised.push((
            format!("{} ({})", object.kind, object.api_version),
            Notice {
                kind: "unknown-kind",
                file: location.path.to_string(),
                line: location.has_line().then_some(location.line),
                message: String::new(),
            },
        ));
    }
    let has_pod_spec = !engine.pod_specs(object).is_empty();
    outcome.checked.push(CheckedObject {
        object: object.object_ref(),
        location: Some(locate_shown(object, "", path)),
        rules: engine
            .rules()
            .iter()
            .copied()
            .filter(|r| r.check.applies_to(object, has_pod_spec))
            .collect(),
    });
    let mut result = engine.evaluate(object);
    let mut locations = HashMap::new();
    let annotated = exceptions::has_ignore_annotation(object, templates);
    let mut misplaced = false;
    for finding in result.all_findings_mut() {
        finding.waiver = context
            .exceptions
            .waiver_for(finding, object, &context.today);
        misplaced |= annotated
            && finding.waiver.is_none()
            && context.exceptions.allow_inline()
            && exceptions::misplaced_on_workload(finding, object, templates);
        let location = locations
            .entry(finding.pointer.clone())
            .or_insert_with(|| locate(object, &finding.pointer, path));
        if finding.rule.category == Category::Secrets {
            let columns = outcome.secrets.entry(location.line).or_default();
            if !columns.contains(&location.column) {
                columns.push(location.column);
            }
        }
    }
    if annotated && context.exceptions.allow_inline() {
        notices::inline(object, templates, path, misplaced, &mut outcome.notices);
    }
    if !result.findings.is_empty() || result.has_pss_findings() {
        let namespace = object.namespace().map(str::to_string);
        // The annotation is read and the source object found once for all of its findings.
        let moved = match origins.and_then(|o| o.source_of(object)) {
            Some((source_path, source)) => locations
                .keys()
                .map(|pointer| {
                    let location = origin::locate_in(source, &source_path, pointer);
                    (pointer.clone(), location)
                })
                .collect(),
            None => HashMap::new(),
        };
        outcome.evaluated.push(Evaluated {
            namespace,
            result,
            locations,
            template: object.origin.template.clone(),
            origins: moved,
        });
    }
}

fn retain(
    object: Object,
    lines: &LineIndex<'_>,
    shared: &mut HashMap<u32, Arc<str>>,
    secrets: &SecretColumns,
) -> Retained {
    let (first_line, last_line) = object.line_span().unwrap_or((0, 0));
    let object = object.compact_copy();
    let lines = (first_line..=last_line)
        .map_while(|n| {
            let text = lines.line(n)?;
            Some(shared.entry(n).or_insert_with(|| Arc::from(text)).clone())
        })
        .collect();
    let secrets = (first_line..=last_line)
        .filter_map(|n| Some((n, secrets.get(&n)?.clone())))
        .collect();
    Retained {
        object,
        first_line,
        lines,
        secrets,
    }
}

/// Runs the set rules over the objects every file kept, and locates their findings.
fn scan_set(retained: Vec<Retained>, context: &ScanContext<'_>, report: &mut Report) {
    let (objects, quotes): (Vec<Object>, Vec<_>) = retained
        .into_iter()
        .map(|r| (r.object, (r.first_line, r.lines, r.secrets)))
        .unzip();
    let mut prepared: HashMap<(usize, u32), QuotableLine<'_>> = HashMap::new();
    for (index, mut finding) in context.engine.evaluate_set(&objects) {
        let (Some(object), Some((first_line, lines, secrets))) =
            (objects.get(index), quotes.get(index))
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
        let column = position.location.column;
        let quote = line
            .checked_sub(*first_line)
            .and_then(|i| lines.get(usize::try_from(i).ok()?))
            .map(|text| {
                // Objects of one file share their lines; prepare each line once.
                let key = (Arc::as_ptr(text).cast::<u8>() as usize, line);
                prepared
                    .entry(key)
                    .or_insert_with(|| {
                        let secrets = secrets.get(&line).map_or(&[][..], Vec::as_slice);
                        QuotableLine::new(text, secrets)
                    })
                    .quote(column)
            });
        let mut location = FileLocation {
            path: object.origin.path.clone(),
            line,
            column,
            exact: position.exact,
            quote,
        };
        if let Some(template) = &object.origin.template {
            to_template(&mut location, template);
        }
        report.findings.push(ReportFinding {
            finding,
            location: Some(location),
        });
    }
}

/// Where a pointer is; the quote is added once the whole file is evaluated.
fn locate(object: &Object, pointer: &str, path: &Arc<str>) -> FileLocation {
    let position = object.resolve(pointer);
    FileLocation {
        path: path.clone(),
        line: position.location.line,
        column: position.location.column,
        exact: position.exact,
        quote: None,
    }
}

/// Where a pointer is as reports show it, for what is never quoted: in the template that
/// rendered the object, when one did.
fn locate_shown(object: &Object, pointer: &str, path: &Arc<str>) -> FileLocation {
    let mut location = locate(object, pointer, path);
    if let Some(template) = &object.origin.template {
        to_template(&mut location, template);
    }
    location
}

/// Moves a location in rendered output to the template that rendered it: its path, and the
/// line within the template's rendered document. The quote stays the rendered line.
fn to_template(location: &mut FileLocation, template: &TemplateSource) {
    location.path = template.path.clone();
    location.line = template.line_of(location.line);
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
