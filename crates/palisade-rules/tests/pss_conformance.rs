//! Conformance with upstream's Pod Security Standards fixtures: every fixture of
//! kubernetes/pod-security-admission `test/testdata` must be allowed or denied as its path says.
//!
//! The fixtures live outside the repository (`../shared/conformance/pss`, see its README for
//! provenance and for how an outcome is derived), or wherever `PALISADE_PSS_FIXTURES` points.
//! Without them the test says so and passes.

use std::path::{Path, PathBuf};

use palisade_model::loader::load_str;
use palisade_rules::{Engine, Finding, PssLevel, PssProfile, PssVersion, Settings};

/// File stem (lower-cased check ID) → upstream check ID and the reason substring upstream
/// requires in the denial message.
#[rustfmt::skip]
const STEMS: [(&str, &str, &str); 19] = [
    ("allowprivilegeescalation", "allowPrivilegeEscalation", "allowPrivilegeEscalation"),
    ("apparmorprofile", "appArmorProfile", "forbidden AppArmor profile"),
    ("capabilities_baseline", "capabilities_baseline", "capabilities"),
    ("capabilities_restricted", "capabilities_restricted", "unrestricted capabilities"),
    ("hostnamespaces", "hostNamespaces", "host namespaces"),
    ("hostpathvolumes", "hostPathVolumes", "hostPath"),
    ("hostports", "hostPorts", "hostPort"),
    ("hostprobesandhostlifecycle", "hostProbesAndHostLifecycle", "probe or lifecycle host"),
    ("privileged", "privileged", "privileged"),
    ("procmount", "procMount", "procMount"),
    ("procmount_restricted", "procMount_restricted", "procMount"),
    ("restrictedvolumes", "restrictedVolumes", "restricted volume types"),
    ("runasnonroot", "runAsNonRoot", "runAsNonRoot"),
    ("runasuser", "runAsUser", "runAsUser"),
    ("selinuxoptions", "seLinuxOptions", "seLinuxOptions"),
    ("seccompprofile_baseline", "seccompProfile_baseline", "seccompProfile"),
    ("seccompprofile_restricted", "seccompProfile_restricted", "seccompProfile"),
    ("sysctls", "sysctls", "forbidden sysctl"),
    ("windowshostprocess", "windowsHostProcess", "hostProcess"),
];

/// Upstream's overrides at the restricted level: (restricted check, baseline check, from minor).
/// Written out here rather than read from the registry, so that a wrong registry entry fails.
const OVERRIDES: [(&str, &str, u16); 4] = [
    ("restrictedVolumes", "hostPathVolumes", 0),
    ("seccompProfile_restricted", "seccompProfile_baseline", 19),
    ("capabilities_restricted", "capabilities_baseline", 22),
    ("procMount_restricted", "procMount", 35),
];

/// The upstream commit the fixtures were copied from, as their README records it, and the
/// number of fixture files there. A copy from another commit is judged file by file but not
/// counted.
const PINNED_COMMIT: &str = "8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8";
const EXPECTED_FILES: usize = 4_537;

fn fixture_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("PALISADE_PSS_FIXTURES") {
        return PathBuf::from(dir);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    workspace.join("../shared/conformance/pss")
}

/// Whether the fixtures are the pinned copy, whose file count is known.
fn is_pinned_copy(root: &Path) -> bool {
    std::fs::read_to_string(root.join("README.md"))
        .is_ok_and(|readme| readme.contains(PINNED_COMMIT))
}

/// The check IDs whose finding satisfies a `fail` fixture named for `check`: the check itself,
/// at restricted the check that overrides it, and (because the engine reports a field flagged
/// by a baseline check and its override once, as the baseline finding) the baseline check a
/// restricted check overrides.
fn accepted_checks(check: &'static str, level: PssLevel, minor: u16) -> Vec<&'static str> {
    let mut ids = vec![check];
    if level == PssLevel::Restricted {
        for (restricted, baseline, from) in OVERRIDES {
            if from <= minor && baseline == check {
                ids.push(restricted);
            }
            if from <= minor && restricted == check {
                ids.push(baseline);
            }
        }
    }
    ids
}

fn reason_of(check: &str) -> Option<&'static str> {
    STEMS
        .iter()
        .find(|(_, id, _)| *id == check)
        .map(|(_, _, reason)| *reason)
}

fn check_id(finding: &Finding) -> &'static str {
    finding
        .rule
        .pss_check()
        .map_or("<not a PSS rule>", |c| c.id)
}

fn describe(findings: &[Finding]) -> String {
    let parts: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} [{}] at {}: {}",
                f.rule.name,
                check_id(f),
                f.pointer,
                f.message
            )
        })
        .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join("; ")
    }
}

/// One fixture's expectation, parsed from its path.
struct Fixture {
    path: PathBuf,
    level: PssLevel,
    minor: u16,
    pass: bool,
    stem: String,
}

fn parse_minor(dir: &str) -> Option<u16> {
    dir.strip_prefix("v1.")?.parse().ok()
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths
}

/// Every fixture under `test/testdata/<level>/v1.<N>/<pass|fail>/`, and any path that does not
/// fit that layout (reported as a mismatch, never skipped).
fn fixtures(root: &Path, mismatches: &mut Vec<String>) -> Vec<Fixture> {
    let mut out = Vec::new();
    let testdata = root.join("test/testdata");
    for level_dir in sorted_entries(&testdata).into_iter().filter(|p| p.is_dir()) {
        let level = match level_dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(PssLevel::parse)
        {
            Some(level) => level,
            None => {
                mismatches.push(format!("{}: not a level directory", level_dir.display()));
                continue;
            }
        };
        for version_dir in sorted_entries(&level_dir) {
            let Some(minor) = version_dir
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(parse_minor)
            else {
                mismatches.push(format!("{}: not a v1.<N> directory", version_dir.display()));
                continue;
            };
            for outcome_dir in sorted_entries(&version_dir) {
                let pass = match outcome_dir.file_name().and_then(|n| n.to_str()) {
                    Some("pass") => true,
                    Some("fail") => false,
                    _ => {
                        mismatches.push(format!("{}: not pass/ or fail/", outcome_dir.display()));
                        continue;
                    }
                };
                for path in sorted_entries(&outcome_dir) {
                    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                    let stem = stem
                        .trim_end_matches(|c: char| c.is_ascii_digit())
                        .to_string();
                    out.push(Fixture {
                        path,
                        level,
                        minor,
                        pass,
                        stem,
                    });
                }
            }
        }
    }
    out
}

/// Judges one fixture at each of the given versions (its own, and `latest` for the newest);
/// returns one line per version whose outcome is not as expected.
fn judge(engine: &Engine, fixture: &Fixture, versions: &[(PssVersion, String)]) -> Vec<String> {
    let text = match std::fs::read_to_string(&fixture.path) {
        Ok(text) => text,
        Err(e) => return vec![format!("{}: cannot read: {e}", fixture.path.display())],
    };
    let loaded = load_str(&fixture.path.display().to_string(), &text);
    if !loaded.errors.is_empty() || loaded.objects.len() != 1 {
        return vec![format!(
            "{}: expected one object, got {} and errors {:?}",
            fixture.path.display(),
            loaded.objects.len(),
            loaded.errors
        )];
    }
    let result = engine.evaluate(&loaded.objects[0]);
    versions
        .iter()
        .filter_map(|(version, label)| {
            let profile = PssProfile {
                level: fixture.level,
                version: *version,
            };
            let findings = result.pss_findings(profile);
            // The admission path evaluates only the revisions in force; it must agree.
            let under = engine
                .evaluate_under(&loaded.objects[0], profile)
                .pss_findings(profile);
            let problem = if keys(&under) == keys(&findings) {
                outcome_problem(fixture, &findings)?
            } else {
                format!(
                    "evaluate_under found {} but evaluate found {}",
                    describe(&under),
                    describe(&findings)
                )
            };
            Some(format!(
                "{} (at {} {label}): {problem}",
                fixture.path.display(),
                fixture.level
            ))
        })
        .collect()
}

/// What identifies a finding, for comparing two evaluations.
fn keys(findings: &[Finding]) -> Vec<(&str, &str, &str)> {
    findings
        .iter()
        .map(|f| (f.rule.code, f.pointer.as_str(), f.message.as_str()))
        .collect()
}

/// `None` when the findings are what the fixture's path says they must be.
fn outcome_problem(fixture: &Fixture, findings: &[Finding]) -> Option<String> {
    if fixture.pass {
        return (!findings.is_empty())
            .then(|| format!("expected allowed, got {}", describe(findings)));
    }
    let Some(&(_, check, _)) = STEMS.iter().find(|(stem, _, _)| *stem == fixture.stem) else {
        return Some(format!("unknown fixture stem {:?}", fixture.stem));
    };
    let accepted = accepted_checks(check, fixture.level, fixture.minor);
    // A finding counts when it comes from an accepted check and carries that check's
    // upstream reason, as upstream's own fixture test requires of the denial message.
    let denied_for_it = findings.iter().any(|f| {
        let id = check_id(f);
        accepted.contains(&id) && reason_of(id).is_some_and(|reason| f.message.contains(reason))
    });
    (!denied_for_it).then(|| {
        format!(
            "expected denial by {accepted:?} with its reason in the message, got {}",
            describe(findings)
        )
    })
}

#[test]
fn every_upstream_fixture_outcome_is_reproduced() {
    let root = fixture_root();
    if !root.join("test/testdata").is_dir() {
        println!(
            "PSS conformance skipped: fixtures not found at {}",
            root.display()
        );
        return;
    }
    let engine = Engine::new(Settings::default());
    let mut mismatches = Vec::new();
    let fixtures = fixtures(&root, &mut mismatches);
    let passes = fixtures.iter().filter(|f| f.pass).count();
    let fails = fixtures.len() - passes;
    // The newest fixture version is what `latest` means at the fixtures' commit.
    let newest = fixtures.iter().map(|f| f.minor).max().unwrap_or(0);
    let latest = PssVersion::parse("latest").unwrap_or(PssVersion::LATEST);
    let latest_runs = fixtures.iter().filter(|f| f.minor == newest).count();
    let versions_of = |fixture: &Fixture| {
        let mut versions = vec![(
            PssVersion::new(fixture.minor),
            format!("v1.{}", fixture.minor),
        )];
        if fixture.minor == newest {
            versions.push((latest, "latest".to_string()));
        }
        versions
    };
    // Thousands of small files: judge them on every core, keeping the report in path order.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = fixtures.len().div_ceil(threads).max(1);
    let results: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = fixtures
            .chunks(chunk)
            .map(|part| {
                let (engine, versions_of) = (&engine, &versions_of);
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|f| judge(engine, f, &versions_of(f)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a judging thread panicked".to_string()])
            })
            .collect()
    });
    mismatches.extend(results.into_iter().flatten());
    println!(
        "PSS conformance: {} fixtures ({passes} pass, {fails} fail), {latest_runs} also run as latest, {} mismatches",
        fixtures.len(),
        mismatches.len()
    );
    assert!(
        !fixtures.is_empty(),
        "no fixtures found under {}",
        root.display()
    );
    assert!(
        mismatches.is_empty(),
        "{} PSS fixture mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    if is_pinned_copy(&root) {
        assert_eq!(
            fixtures.len(),
            EXPECTED_FILES,
            "fixture count at the pinned upstream commit"
        );
    }
}
