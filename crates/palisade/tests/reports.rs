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
