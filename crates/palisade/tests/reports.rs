//! End to end: one scan writes every report format, each to its file, with text on stdout.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("palisade runs")
}

/// A fresh directory for one test's reports.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn one_scan_writes_every_format() {
    let dir = scratch("every-format");
    let formats = ["json", "sarif", "junit", "github", "markdown", "html"];
    let files: Vec<String> = formats
        .iter()
        .map(|f| format!("{f}={}", dir.join(format!("report.{f}")).display()))
        .collect();
    let spec = format!("text,{}", files.join(","));
    // The report directory is outside the working directory: it must be asked for.
    let output = palisade(&["scan", "shop", "--create-dirs", "--format", &spec]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("findings"),
        "text goes to standard output"
    );

    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("report.json"))).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&read(&dir.join("report.sarif"))).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        json["findings"].as_array().unwrap().len(),
        "every finding, waived ones too"
    );
    let open = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .count();
    assert_eq!(serde_json::json!(open), json["summary"]["findings"]);

    assert!(read(&dir.join("report.junit")).starts_with("<?xml"));
    assert!(
        read(&dir.join("report.github"))
            .lines()
            .any(|l| l.starts_with("::error file="))
    );
    assert!(read(&dir.join("report.markdown")).starts_with("## Palisade: "));
    let html = read(&dir.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("id=\"palisade-data\""));
}

#[test]
fn output_takes_a_single_format() {
    let dir = scratch("single-output");
    let path = dir.join("nested/report.sarif");
    let output = palisade(&[
        "scan",
        "shop",
        "--create-dirs",
        "--format",
        "sarif",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stdout.is_empty(),
        "the report goes to the file, not standard output"
    );
    assert!(read(&path).contains("\"version\": \"2.1.0\""));
}

#[test]
fn a_bad_output_spec_is_a_usage_error() {
    for (format, message) in [
        ("text,json", "only one report can go to standard output"),
        ("pdf", "is not a report format"),
        ("sarif=", "needs a file"),
    ] {
        let output = palisade(&["scan", "shop", "--format", format]);
        assert_eq!(output.status.code(), Some(2), "--format {format}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "--format {format}: {stderr}");
    }
}

/// The shipped examples, scanned without a configuration: 94 findings of every severity.
fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .display()
        .to_string()
}

fn json_findings(json: &serde_json::Value) -> Vec<&serde_json::Value> {
    json["findings"].as_array().unwrap().iter().collect()
}

#[test]
fn min_severity_filters_every_listing_but_not_the_exit_code() {
    let dir = scratch("min-severity");
    let json_path = dir.join("report.json");
    let spec = format!("compact,json={}", json_path.display());
    let examples = examples();
    let args = [
        "scan",
        &examples,
        "--no-config",
        "--create-dirs",
        "--min-severity",
        "critical",
        "--fail-on",
        "low",
        "--format",
        &spec,
    ];
    let output = palisade(&args);
    // Only low findings and above fail the scan, and the hidden ones are among them.
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(" [")).collect();
    assert!(!lines.is_empty(), "{stdout}");
    assert!(lines.iter().all(|l| l.contains(": critical [")), "{stdout}");
    assert!(
        stdout.contains("below critical hidden by --min-severity"),
        "{stdout}"
    );

    let json: serde_json::Value = serde_json::from_str(&read(&json_path)).unwrap();
    let listed = json_findings(&json);
    assert_eq!(listed.len(), lines.len());
    assert!(listed.iter().all(|f| f["severity"] == "critical"));
    let total = json["summary"]["findings"].as_u64().unwrap();
    assert!(
        total > listed.len() as u64,
        "the summary still counts every finding"
    );

    // The same filter with a threshold it hides entirely: nothing listed fails, the exit
    // code does not change.
    let quiet = palisade(&[
        "scan",
        &examples,
        "--no-config",
        "--min-severity",
        "critical",
        "--fail-on",
        "medium",
        "--format",
        "compact",
    ]);
    assert_eq!(quiet.status.code(), Some(1));
}

#[test]
fn compact_prints_one_line_per_finding() {
    let examples = examples();
    let output = palisade(&["scan", &examples, "--no-config", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let findings = stdout.lines().filter(|l| l.contains(" [")).count();
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.starts_with(&format!("{findings} findings (")),
        "{summary}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.ends_with("high [PSS009 pss-proc-mount] procMount: container \"report\" must not set securityContext.procMount to \"Unmasked\"")
                && l.contains("shop.yaml:84:15: ")),
        "{stdout}"
    );
}

#[test]
fn junit_failures_follow_fail_on() {
    let dir = scratch("junit-fail-on");
    let (junit, json) = (dir.join("report.xml"), dir.join("report.json"));
    let spec = format!("junit={},json={}", junit.display(), json.display());
    let examples = examples();
    let output = palisade(&[
        "scan",
        &examples,
        "--no-config",
        "--create-dirs",
        "--fail-on",
        "high",
        "--format",
        &spec,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    let failing = json_findings(&json)
        .iter()
        .filter(|f| {
            f["waived"] == false && (f["severity"] == "critical" || f["severity"] == "high")
        })
        .count();
    let xml = read(&junit);
    assert_eq!(xml.matches("<failure ").count(), failing);
    assert!(xml.contains("finding below --fail-on high: "), "{xml}");
}

#[test]
fn github_annotations_are_capped_with_a_notice() {
    let examples = examples();
    let output = palisade(&["scan", &examples, "--no-config", "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 51, "{stdout}");
    assert!(
        commands[..50]
            .iter()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "the fifty most severe (critical, high, medium) are errors and warnings"
    );
    assert!(
        commands[50].starts_with("::notice title=palisade%3A 47 more not annotated::"),
        "{}",
        commands[50]
    );
}
