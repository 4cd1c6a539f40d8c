//! Differential test against upstream's Pod Security Admission library: every record is a pod,
//! a level and a version, with the verdict of `k8s.io/pod-security-admission` (whether it is
//! allowed, and the IDs of the checks that forbid it). Palisade must reach the same verdict
//! with the same set of checks.
//!
//! The records come from `testenv/psa` (a seeded generator and the upstream oracle; its README
//! says how to run it). With `PALISADE_PSS_DIFFERENTIAL` pointing at a JSONL file, that file
//! is judged; otherwise the committed minimised regressions and a small generated sample in
//! `tests/fixtures/pss-differential/` are.

#![allow(clippy::expect_used, clippy::panic, reason = "a test fails loudly")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use palisade_model::loader::load_str;
use palisade_model::{Object, Origin};
use palisade_rules::{Engine, Finding, PssLevel, PssProfile, PssVersion, Settings};
use serde_json::Value;

/// How many disagreements a failure prints in full.
const SHOWN: usize = 12;

/// One judged record: the pod and what upstream decided for it.
struct Record {
    /// Where the record came from, `file:line`.
    at: String,
    pod: Value,
    level: PssLevel,
    version: PssVersion,
    /// The version as written in the record.
    version_text: String,
    allowed: bool,
    checks: BTreeSet<String>,
}

fn committed_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pss-differential");
    vec![dir.join("regressions.jsonl"), dir.join("sample.jsonl")]
}

fn parse_record(at: String, line: &str) -> Result<Record, String> {
    let fail = |why: &str| format!("{at}: {why}");
    let mut value: Value = serde_json::from_str(line).map_err(|e| fail(&e.to_string()))?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let level = text(&value, "level")
        .as_deref()
        .and_then(PssLevel::parse)
        .ok_or_else(|| fail("no level"))?;
    let version_text = text(&value, "version").ok_or_else(|| fail("no version"))?;
    let version = PssVersion::parse(&version_text).ok_or_else(|| fail("bad version"))?;
    let allowed = value
        .get("allowed")
        .and_then(Value::as_bool)
        .ok_or_else(|| fail("no upstream verdict (allowed); was the record judged?"))?;
    let checks = value
        .get("checks")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("no upstream checks"))?
        .iter()
        .map(|c| {
            c.as_str()
                .map(str::to_string)
                .ok_or_else(|| fail("bad check"))
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    let pod = value
        .get_mut("pod")
        .map(Value::take)
        .ok_or_else(|| fail("no pod"))?;
    Ok(Record {
        at,
        pod,
        level,
        version,
        version_text,
        allowed,
        checks,
    })
}

fn read_records(path: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| parse_record(format!("{name}:{}", i + 1), line))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("bad record: {e}"))
}

/// The upstream check a Palisade finding stands for under `profile`. At restricted, the
/// engine reports a field that a baseline check and its restricted override both flag once,
/// as the baseline finding; upstream runs only the overriding check then, so the finding
/// counts for that one. The override table is read from the rule definitions.
fn upstream_id(engine: &Engine, finding: &Finding, profile: PssProfile) -> String {
    let Some(check) = finding.rule.pss_check() else {
        return format!("<{} is not a PSS rule>", finding.rule.code);
    };
    if profile.level == PssLevel::Restricted {
        let overriding = engine
            .rules()
            .iter()
            .filter_map(|r| r.pss_check())
            .find(|r| {
                r.overrides
                    .is_some_and(|(id, from)| id == check.id && profile.version.at_least(from))
            });
        if let Some(overriding) = overriding {
            return overriding.id.to_string();
        }
    }
    check.id.to_string()
}

/// What identifies a finding, for comparing two evaluations.
fn keys(findings: &[Finding]) -> Vec<(&str, &str, &str)> {
    findings
        .iter()
        .map(|f| (f.rule.code, f.pointer.as_str(), f.message.as_str()))
        .collect()
}

/// Palisade's verdict on one record, as the set of upstream check IDs that forbid the pod,
/// or a description of an inconsistency between Palisade's own paths.
fn palisade_checks(engine: &Engine, record: &Record) -> Result<BTreeSet<String>, String> {
    let profile = PssProfile {
        level: record.level,
        version: record.version,
    };
    let origin = Origin {
        path: Arc::from(record.at.as_str()),
        document: 0,
        item: None,
        template: None,
    };
    // The admission path: a JSON object as the webhook receives it.
    let object = Object::detached(record.pod.clone(), origin)
        .map_err(|(_, why)| format!("not an object: {why}"))?;
    let findings = engine.evaluate(&object).pss_findings(profile);
    let under = engine
        .evaluate_under(&object, profile)
        .pss_findings(profile);
    if keys(&under) != keys(&findings) {
        return Err("evaluate_under and evaluate disagree".to_string());
    }
    // The scan path: the same pod read from a file must be judged the same.
    let loaded = load_str(&record.at, &record.pod.to_string());
    let [scanned] = loaded.objects.as_slice() else {
        return Err(format!(
            "the loader read {} objects and errors {:?}",
            loaded.objects.len(),
            loaded.errors
        ));
    };
    if keys(&engine.evaluate(scanned).pss_findings(profile)) != keys(&findings) {
        return Err("the pod read from a file is judged differently".to_string());
    }
    Ok(findings
        .iter()
        .map(|f| upstream_id(engine, f, profile))
        .collect())
}

fn show(set: &BTreeSet<String>) -> String {
    let list: Vec<&str> = set.iter().map(String::as_str).collect();
    format!("[{}]", list.join(","))
}

/// One record Palisade judged differently: its report, and its class (the checks only
/// upstream found, and those only Palisade found).
struct Disagreement {
    report: String,
    class: String,
}

fn disagreement(engine: &Engine, record: &Record) -> Option<Disagreement> {
    let ours = match palisade_checks(engine, record) {
        Ok(ours) => ours,
        Err(problem) => {
            return Some(Disagreement {
                report: format!("{}: {problem}", record.at),
                class: problem,
            });
        }
    };
    if ours == record.checks && ours.is_empty() == record.allowed {
        return None;
    }
    let only_upstream: BTreeSet<String> = record.checks.difference(&ours).cloned().collect();
    let only_ours: BTreeSet<String> = ours.difference(&record.checks).cloned().collect();
    Some(Disagreement {
        report: format!(
            "{} {} {}: upstream {} {}, palisade {}\n    pod: {}",
            record.at,
            record.level,
            record.version_text,
            if record.allowed { "allows" } else { "denies" },
            show(&record.checks),
            show(&ours),
            record.pod
        ),
        class: format!(
            "only upstream {}, only palisade {}",
            show(&only_upstream),
            show(&only_ours)
        ),
    })
}

/// Judges every record on every core; returns the disagreements in record order.
fn disagreements(engine: &Engine, records: &[Record]) -> Vec<Disagreement> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = records.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|r| disagreement(engine, r))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a judging thread panicked"))
            .collect()
    })
}

/// How many disagreements fall in each class, most frequent first.
fn classes(found: &[Disagreement]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in found {
        *counts.entry(d.class.as_str()).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
        .iter()
        .map(|(class, n)| format!("  {n:>7}  {class}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn palisade_decides_pod_security_as_upstream_does() {
    let files = match std::env::var_os("PALISADE_PSS_DIFFERENTIAL") {
        Some(path) => vec![PathBuf::from(path)],
        None => committed_files(),
    };
    let records: Vec<Record> = files.iter().flat_map(|f| read_records(f)).collect();
    assert!(!records.is_empty(), "no records in {files:?}");
    let engine = Engine::new(Settings::default());
    let found = disagreements(&engine, &records);
    let allowed = records.iter().filter(|r| r.allowed).count();
    println!(
        "PSS differential: {} records ({allowed} allowed, {} denied by upstream), {} disagreements",
        records.len(),
        records.len() - allowed,
        found.len()
    );
    let shown: Vec<&str> = found
        .iter()
        .take(SHOWN)
        .map(|d| d.report.as_str())
        .collect();
    assert!(
        found.is_empty(),
        "{} of {} records judged differently from upstream.\nBy class:\n{}\nThe first {}:\n{}",
        found.len(),
        records.len(),
        classes(&found),
        shown.len(),
        shown.join("\n")
    );
}
