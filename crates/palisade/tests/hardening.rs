//! Hostile and careless input: secrets never reach a report, long lines never make a report
//! big, terminal escapes from a manifest never reach the terminal.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const FORMATS: [&str; 7] = [
    "text", "json", "sarif", "junit", "github", "markdown", "html",
];

fn secrets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets")
}

fn scan(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["scan", "--no-config"];
    all.extend_from_slice(args);
    common::run_in(common::palisade_bin(), dir, &all, None)
}

fn secret_values() -> Vec<String> {
    std::fs::read_to_string(secrets_dir().join("values.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// (fixture, rule, findings of that rule: one per secret in the fixture)
const FIXTURES: [(&str, &str, usize); 4] = [
    ("secret-in-env-literal.yaml", "SEC001", 8),
    ("secret-in-env-literal.json", "SEC001", 8),
    ("secret-in-configmap.yaml", "SEC002", 4),
    ("secret-in-configmap.json", "SEC002", 4),
];

#[test]
fn every_secret_is_found() {
    for (fixture, rule, expected) in FIXTURES {
        let output = scan(&secrets_dir(), &["--format", "json", fixture]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let found = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == rule)
            .count();
        assert_eq!(found, expected, "{fixture}");
    }
}

#[test]
fn no_report_format_prints_a_secret() {
    let secrets = secret_values();
    assert_eq!(secrets.len(), 10);
    for (fixture, _, _) in FIXTURES {
        for format in FORMATS {
            let output = scan(&secrets_dir(), &["--format", format, fixture]);
            assert_eq!(output.status.code(), Some(1), "{fixture} {format}");
            let text = String::from_utf8_lossy(&output.stdout);
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{fixture} as {format} shows {secret}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn the_text_report_says_where_a_value_was_redacted() {
    let output = scan(&secrets_dir(), &["secret-in-env-literal.yaml"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("value: [redacted]"), "{text}");
}

#[test]
fn a_long_line_is_quoted_as_a_window() {
    // A minified List of many privileged pods is one line; every finding quotes it.
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"},"spec":{"containers":[{"name":"c","image":"r.example.com/i:1","securityContext":{"privileged":true}}]}}"#;
    let items = vec![pod; 2_000].join(",");
    let list = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{items}]}}"#);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.json"), &list).unwrap();
    for format in ["text", "sarif"] {
        let output = scan(dir.path(), &["--format", format, "list.json"]);
        assert_eq!(output.status.code(), Some(1));
        let findings = if format == "text" {
            String::from_utf8_lossy(&output.stdout)
                .matches(" PSS")
                .count()
        } else {
            String::from_utf8_lossy(&output.stdout)
                .matches("\"ruleId\"")
                .count()
        };
        assert!(findings >= 2_000, "{format}: {findings} findings");
        // Each finding quotes at most a window of the line, never the line.
        let per_finding = output.stdout.len() / findings;
        assert!(
            per_finding < 2_000,
            "{format}: {per_finding} bytes per finding for a {} byte line",
            list.len()
        );
    }
}

#[test]
fn terminal_escapes_in_a_manifest_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"evil\\e]0;pwned\\a\\e[2J\"\n  namespace: n\nspec:\n  containers:\n  - name: \"c\\e[31m\"\n    image: r.example.com/i:1\n    securityContext: {privileged: true}\n";
    std::fs::write(dir.path().join("pod.yaml"), manifest).unwrap();
    let output = scan(dir.path(), &["pod.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(!text.contains('\u{7}'), "{text}");
    assert!(text.contains("\\u{1b}"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_directory_walk_does_not_follow_links_out_of_the_tree_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&tree).unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n  - {name: c, image: r.example.com/i:1, securityContext: {privileged: true}}\n";
    std::fs::write(outside.join("pod.yaml"), pod).unwrap();
    std::os::unix::fs::symlink(&outside, tree.join("linked")).unwrap();

    let output = scan(dir.path(), &["--format", "json", "tree"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["findings"], 0, "{report}");
    let notices = report["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n["type"] == "skipped-link"
            && n["file"].as_str().unwrap().ends_with("linked")),
        "{notices:?}"
    );
    // Named on the command line, the link is read.
    let output = scan(dir.path(), &["--format", "json", "tree/linked"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report["summary"]["findings"].as_u64().unwrap() > 0,
        "{report}"
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_with_a_clear_error() {
    let output = scan(Path::new("/"), &["/dev/zero"]);
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("not a regular file"), "{shown}");
}
