//! Every rule outside the Pod Security Standards (which the upstream conformance fixtures
//! cover) has fixtures in `tests/fixtures/<rule-name>/`: `fire/*.yaml` must make the rule report
//! (its output is snapshotted) and `pass/*.yaml` are near misses that must not.
//!
//! A fixture file is one input set (set rules see all its objects). A first line
//! `# settings: trusted-registries=a,b kube-version=1.25` adjusts the settings for that file.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly on a bad fixture"
)]

use std::path::{Path, PathBuf};

use palisade_model::loader::load_str;
use palisade_rules::{Category, Engine, Finding, RULES, RuleDef, Settings};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn settings_for(text: &str) -> Settings {
    // Every rule runs here, those that are off by default too.
    let mut settings = Settings {
        disabled: Default::default(),
        ..Settings::default()
    };
    let Some(line) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# settings:"))
    else {
        return settings;
    };
    for pair in line.split_whitespace() {
        match pair.split_once('=') {
            Some(("trusted-registries", list)) => {
                settings.trusted_registries = list.split(',').map(str::to_string).collect();
            }
            Some(("kube-version", v)) => {
                let (major, minor) = v.split_once('.').expect("kube-version is MAJOR.MINOR");
                settings.kube_version =
                    Some((major.parse().expect("major"), minor.parse().expect("minor")));
            }
            _ => panic!("unknown fixture setting {pair}"),
        }
    }
    settings
}

/// Findings of `rule` in one fixture file, as `line:col pointer: message (help)` lines.
fn findings_of(rule: &RuleDef, path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let file = load_str(&path.display().to_string(), &text);
    assert!(
        file.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        file.errors
    );
    let engine = Engine::new(settings_for(&text));
    let profile = engine.settings().pss;
    let mut located: Vec<(u32, u32, Finding)> = Vec::new();
    for object in &file.objects {
        for finding in engine.evaluate(object).findings_under(profile) {
            let at = object.resolve(&finding.pointer).location;
            located.push((at.line, at.column, finding));
        }
    }
    for (index, finding) in engine.evaluate_set(&file.objects) {
        let at = file.objects[index].resolve(&finding.pointer).location;
        located.push((at.line, at.column, finding));
    }
    located.sort_by(|a, b| (a.0, a.1, &a.2.pointer).cmp(&(b.0, b.1, &b.2.pointer)));
    located
        .into_iter()
        .filter(|(_, _, f)| f.rule.code == rule.code)
        .map(|(line, column, f)| {
            format!(
                "{line}:{column} [{}] {} {}: {}\n    help: {}",
                f.severity, f.object, f.pointer, f.message, f.help
            )
        })
        .collect()
}

fn catalog_rules() -> impl Iterator<Item = &'static RuleDef> {
    RULES
        .iter()
        .copied()
        .filter(|r| r.category != Category::PodSecurity)
}

#[test]
fn every_catalog_rule_has_firing_and_near_miss_fixtures() {
    for rule in catalog_rules() {
        let dir = fixtures_dir().join(rule.name);
        assert!(
            !yaml_files(&dir.join("fire")).is_empty(),
            "{} has no fixtures in {}/fire",
            rule.code,
            dir.display()
        );
        assert!(
            !yaml_files(&dir.join("pass")).is_empty(),
            "{} has no near misses in {}/pass",
            rule.code,
            dir.display()
        );
    }
}

#[test]
fn firing_fixtures_report_the_rule() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(fixtures_dir().join("../snapshots"));
    settings.bind(|| {
        for rule in catalog_rules() {
            for path in yaml_files(&fixtures_dir().join(rule.name).join("fire")) {
                let findings = findings_of(rule, &path);
                assert!(
                    !findings.is_empty(),
                    "{} did not fire on {}",
                    rule.code,
                    path.display()
                );
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("fixture");
                let shown = findings
                    .join("\n")
                    .replace(&format!("{}/", fixtures_dir().display()), "");
                insta::assert_snapshot!(format!("{}__{stem}", rule.name), shown);
            }
        }
    });
}

#[test]
fn near_misses_do_not_report_the_rule() {
    let mut failures = Vec::new();
    for rule in catalog_rules() {
        for path in yaml_files(&fixtures_dir().join(rule.name).join("pass")) {
            let findings = findings_of(rule, &path);
            if !findings.is_empty() {
                failures.push(format!(
                    "{} fired on near miss {}:\n  {}",
                    rule.code,
                    path.display(),
                    findings.join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
