//! JUnit XML, so CI systems show findings in their test tab: a test suite per file, a test case
//! per (object, rule) evaluated, a failure per finding at or above `--fail-on`. Waived findings
//! make a skipped case; findings below `--fail-on` leave their case passing, with the finding in
//! its `system-out`; input errors are errored cases; skipped documents and configuration notices
//! go to the suite's `system-out`. The output validates against the Jenkins JUnit schema
//! (`tests/schemas/junit-10.xsd`).
//!
//! Why a passing case and not a skipped one for a finding below the threshold: the scan's exit
//! code says it passed, and the test tab must agree with it (a red or yellow count the job does
//! not fail on teaches people to ignore the tab). "Skipped" also means "not run" to Jenkins,
//! GitLab and Azure Pipelines, which is untrue here: the rule ran and found something, and
//! their test views still show a passing case's output on its detail page. Skipped stays what
//! it already means in this report: a person waived the finding.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use palisade_model::ObjectRef;
use palisade_rules::RuleDef;
use palisade_rules::config::FailOn;

use crate::common::{escape_markup, object_path};
use crate::model::{Report, ReportFinding};

/// One test case: an object checked by a rule, and what the rule found there.
struct Case<'a> {
    object: &'a ObjectRef,
    rule: &'a RuleDef,
    findings: Vec<&'a ReportFinding>,
}

/// The cases and errors of one file.
#[derive(Default)]
struct Suite<'a> {
    cases: Vec<Case<'a>>,
    errors: Vec<String>,
    /// Skipped documents and notices about the file, for the suite's `system-out`.
    log: Vec<String>,
}

/// Renders the report as a `testsuites` document; only findings at or above `fail_on` (the
/// severity that fails the scan) are failures.
pub fn render_junit(report: &Report, fail_on: FailOn) -> String {
    let suites = suites(report);
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for suite in suites.values() {
        tests += suite.cases.len() + suite.errors.len();
        failures += suite.cases.iter().filter(|c| failing(c, fail_on)).count();
        errors += suite.errors.len();
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"palisade\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for (path, suite) in &suites {
        write_suite(&mut out, path, suite, fail_on);
    }
    out.push_str("</testsuites>\n");
    out
}

/// Groups everything by file. Findings join the case of their object and rule; a finding whose
/// object was not among the checked ones still gets a case of its own, so none is lost.
fn suites(report: &Report) -> BTreeMap<String, Suite<'_>> {
    let mut file_of: HashMap<&ObjectRef, &str> = HashMap::new();
    for checked in &report.checked {
        if let Some(location) = &checked.location {
            file_of.entry(&checked.object).or_insert(&location.path);
        }
    }
    let mut by_case: HashMap<(&str, &ObjectRef, &str), Vec<&ReportFinding>> = HashMap::new();
    let mut order: Vec<(&str, &ObjectRef, &RuleDef)> = Vec::new();
    for f in &report.findings {
        let path = f
            .location
            .as_ref()
            .map(|l| &*l.path)
            .or_else(|| file_of.get(&f.finding.object).copied());
        let key = (
            path.unwrap_or("<unknown>"),
            &f.finding.object,
            f.finding.rule.code,
        );
        let entry = by_case.entry(key).or_default();
        if entry.is_empty() {
            order.push((key.0, key.1, f.finding.rule));
        }
        entry.push(f);
    }
    let mut suites: BTreeMap<String, Suite<'_>> = BTreeMap::new();
    for checked in &report.checked {
        let path = checked.location.as_ref().map_or("<unknown>", |l| &*l.path);
        let suite = suites.entry(path.to_string()).or_default();
        for rule in &checked.rules {
            let findings = by_case
                .remove(&(path, &checked.object, rule.code))
                .unwrap_or_default();
            suite.cases.push(Case {
                object: &checked.object,
                rule,
                findings,
            });
        }
    }
    for (path, object, rule) in order {
        if let Some(findings) = by_case.remove(&(path, object, rule.code)) {
            suites
                .entry(path.to_string())
                .or_default()
                .cases
                .push(Case {
                    object,
                    rule,
                    findings,
                });
        }
    }
    for e in &report.errors {
        let position = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
            (Some(l), None) => format!("{}:{l}", e.path),
            _ => e.path.clone(),
        };
        suites
            .entry(e.path.clone())
            .or_default()
            .errors
            .push(format!("{position}: {}", e.message));
    }
    for s in &report.skipped {
        let item = s.item.map(|i| format!(", item {i}")).unwrap_or_default();
        let text = format!(
            "{}:{}: document {}{item} skipped: {}",
            s.path, s.line, s.document, s.reason
        );
        suites.entry(s.path.clone()).or_default().log.push(text);
    }
    for n in &report.notices {
        let position = n
            .line
            .map_or_else(|| n.file.clone(), |l| format!("{}:{l}", n.file));
        suites
            .entry(n.file.clone())
            .or_default()
            .log
            .push(format!("{position}: {}: {}", n.kind, n.message));
    }
    suites
}

/// A finding that fails the scan: not waived, and at or above the threshold.
fn fails(f: &ReportFinding, fail_on: FailOn) -> bool {
    f.finding.waiver.is_none() && fail_on.fails(f.finding.severity)
}

fn failing(case: &Case<'_>, fail_on: FailOn) -> bool {
    case.findings.iter().any(|f| fails(f, fail_on))
}

/// A case with waived findings and nothing that fails is skipped.
fn skipped(case: &Case<'_>, fail_on: FailOn) -> bool {
    !failing(case, fail_on) && case.findings.iter().any(|f| f.finding.waiver.is_some())
}

fn write_suite(out: &mut String, path: &str, suite: &Suite<'_>, fail_on: FailOn) {
    let failures = suite.cases.iter().filter(|c| failing(c, fail_on)).count();
    let skipped = suite.cases.iter().filter(|c| skipped(c, fail_on)).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{name}\" file=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\" skipped=\"{skipped}\">",
        suite.cases.len() + suite.errors.len(),
        suite.errors.len(),
        name = escape_markup(path),
    );
    for case in &suite.cases {
        write_case(out, case, fail_on);
    }
    for error in &suite.errors {
        let _ = writeln!(
            out,
            "    <testcase name=\"input\" classname=\"{}\">\n      <error type=\"input-error\" message=\"{}\"/>\n    </testcase>",
            escape_markup(path),
            escape_markup(error)
        );
    }
    if !suite.log.is_empty() {
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>",
            escape_markup(&suite.log.join("\n"))
        );
    }
    out.push_str("  </testsuite>\n");
}

fn write_case(out: &mut String, case: &Case<'_>, fail_on: FailOn) {
    let _ = write!(
        out,
        "    <testcase name=\"{} {}\" classname=\"{}\"",
        escape_markup(case.rule.code),
        escape_markup(case.rule.name),
        escape_markup(&object_path(case.object))
    );
    if case.findings.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    let skipped = skipped(case, fail_on);
    for f in &case.findings {
        let finding = &f.finding;
        let at = match &f.location {
            Some(l) => format!("{l}, {}", finding.pointer),
            None => finding.pointer.clone(),
        };
        let body = || {
            format!(
                "{}\nhelp: {}\nobject: {}\nat: {at}",
                finding.message, finding.help, finding.object
            )
        };
        match &finding.waiver {
            None if fail_on.fails(finding.severity) => {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    finding.severity,
                    escape_markup(&finding.message),
                    escape_markup(&body())
                );
            }
            // Below the threshold: reported, not failing (see the module's comment).
            None => {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape_markup(&format!(
                        "{} finding below --fail-on {}: {}",
                        finding.severity,
                        fail_on.as_str(),
                        body()
                    ))
                );
            }
            // Only waived findings fail nothing in this case: it is skipped, with the reason.
            Some(waiver) if skipped => {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    escape_markup(&format!(
                        "waived: {} ({}; {at})",
                        waiver.reason, finding.message
                    ))
                );
            }
            // A waived finding beside failing ones: noted, not a failure.
            Some(waiver) => {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape_markup(&format!(
                        "waived: {} ({}; {at})",
                        waiver.reason, finding.message
                    ))
                );
            }
        }
    }
    out.push_str("    </testcase>\n");
}
