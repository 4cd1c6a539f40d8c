//! What CI pipelines script against: exit codes, the summary line, baselines.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;
use std::process::Output;

fn scan(dir: &Path, args: &[&str]) -> Output {
    common::run_in(
        common::palisade_bin(),
        dir,
        &[&["scan", "--no-config"], args].concat(),
        None,
    )
}

const LATEST: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    image: registry.example.com/a:latest\n";

#[test]
fn fail_on_none_exits_0_with_findings_but_2_on_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), LATEST).unwrap();
    assert_eq!(scan(dir.path(), &["pod.yaml"]).status.code(), Some(1));
    assert_eq!(
        scan(dir.path(), &["--fail-on", "none", "pod.yaml"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(dir.path().join("broken.yaml"), "kind: [\n").unwrap();
    assert_eq!(
        scan(
            dir.path(),
            &["--fail-on", "none", "pod.yaml", "broken.yaml"]
        )
        .status
        .code(),
        Some(2)
    );
    std::fs::write(dir.path().join(".palisade.yaml"), "fail-on: none\n").unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "pod.yaml"],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "the config's fail-on: none");
}

#[test]
fn a_summary_line_goes_to_stderr_when_every_report_goes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), LATEST).unwrap();
    let output = scan(
        dir.path(),
        &["--format", "sarif=out.sarif,json=out.json", "pod.yaml"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("palisade: ") && lines[0].ends_with("; reports: out.sarif, out.json"),
        "{stderr}"
    );
    assert!(lines[0].contains("in 1 objects from 1 files"), "{stderr}");
    // A report on standard output is its own summary.
    let output = scan(dir.path(), &["--format", "json", "pod.yaml"]);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn rules_reported(dir: &Path, args: &[&str]) -> (Vec<String>, serde_json::Value, Option<i32>) {
    let output = scan(dir, &[&["--format", "json"], args].concat());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    (rules, report, output.status.code())
}

#[test]
fn a_baseline_leaves_out_known_findings_and_only_new_ones_fail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), LATEST).unwrap();
    let written = scan(
        dir.path(),
        &["--write-baseline", "baseline.json", "pod.yaml"],
    );
    assert_eq!(
        written.status.code(),
        Some(0),
        "writing a baseline accepts the findings"
    );
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    let recorded = baseline["findings"].as_array().unwrap().len();
    assert!(recorded > 0);
    assert!(
        baseline["findings"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .len()
            == 16
    );

    // Lines moved (a comment on top): the same findings, still known.
    std::fs::write(dir.path().join("pod.yaml"), format!("# moved\n\n{LATEST}")).unwrap();
    let (rules, report, code) =
        rules_reported(dir.path(), &["--baseline", "baseline.json", "pod.yaml"]);
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(code, Some(0));
    let notice = &report["notices"][0];
    assert_eq!(notice["type"], "baseline");
    assert_eq!(
        notice["message"],
        format!("{recorded} finding(s) recorded in the baseline are not reported")
    );

    // A new finding (a privileged container) is reported and fails; a fixed one is noticed.
    let changed = LATEST.replace(":latest", ":1.0") + "    securityContext: {privileged: true}\n";
    std::fs::write(dir.path().join("pod.yaml"), changed).unwrap();
    let (rules, report, code) =
        rules_reported(dir.path(), &["--baseline", "baseline.json", "pod.yaml"]);
    assert!(rules.contains(&"pss-privileged".to_string()), "{rules:?}");
    assert!(
        !rules.contains(&"image-latest-tag".to_string()),
        "{rules:?}"
    );
    assert_eq!(code, Some(1));
    let message = report["notices"][0]["message"].as_str().unwrap();
    // Two entries are gone: the latest tag, and the finding that pointed at where
    // readOnlyRootFilesystem belonged before the container had a securityContext (now it points
    // into that securityContext: another field, so another identity).
    assert!(
        message.contains("; 2 baseline entries matched nothing (fixed?)"),
        "{message}"
    );

    std::fs::write(
        dir.path().join("bad.json"),
        "{\"version\": 7, \"findings\": []}",
    )
    .unwrap();
    let output = scan(dir.path(), &["--baseline", "bad.json", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json: not a Palisade baseline: version 7"),
        "{stderr}"
    );
}

fn files_scanned(dir: &Path, args: &[&str]) -> Vec<String> {
    let output = scan(dir, &[&["--format", "json"], args].concat());
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut files: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().replace('\\', "/"))
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn gitignore_and_excludes_leave_paths_out_of_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    for path in [
        "app/pod.yaml",
        "app/generated/pod.yaml",
        "app/vendor/pod.yaml",
        "app/x.tmpl.yaml",
    ] {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, LATEST).unwrap();
    }
    std::fs::write(dir.path().join("app/.gitignore"), "generated/\n").unwrap();
    assert_eq!(
        files_scanned(dir.path(), &["app"]),
        ["app/pod.yaml", "app/vendor/pod.yaml", "app/x.tmpl.yaml"]
    );
    assert_eq!(
        files_scanned(dir.path(), &["--no-gitignore", "app"]).len(),
        4
    );
    assert_eq!(
        files_scanned(
            dir.path(),
            &["--exclude", "vendor/", "--exclude", "*.tmpl.yaml", "app"]
        ),
        ["app/pod.yaml"]
    );
    // A file named on the command line is read, ignored or not.
    assert_eq!(
        files_scanned(dir.path(), &["app/generated/pod.yaml"]),
        ["app/generated/pod.yaml"]
    );
    // The configuration's exclude list, and a bad glob.
    std::fs::write(dir.path().join(".palisade.yaml"), "exclude: [vendor/]\n").unwrap();
    let output = common::run_in(
        common::palisade_bin(),
        dir.path(),
        &["scan", "--format", "json", "app"],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(files, ["app/pod.yaml", "app/x.tmpl.yaml"]);
    let output = scan(dir.path(), &["--exclude", "a[", "app"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("`a[` is not a valid glob"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Kubernetes' own cluster-admin role and binding, as a cluster export holds them: one notice,
/// no findings; a look-alike binding that adds a subject is reported as any other.
#[test]
fn the_bootstrap_cluster_admin_is_one_notice_and_a_look_alike_is_not() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bootstrap-rbac.yaml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rbac.yaml"), &text).unwrap();
    let (rules, report, code) = rules_reported(dir.path(), &["rbac.yaml"]);
    assert!(rules.is_empty(), "{rules:?}");
    assert_eq!(code, Some(0));
    let notices = report["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:#?}");
    assert_eq!(notices[0]["type"], "bootstrap-rbac");
    assert_eq!(notices[0]["line"], 2);

    let widened = text.replace(
        "  name: system:masters\n",
        "  name: system:masters\n- kind: ServiceAccount\n  name: deployer\n  namespace: ci\n",
    );
    std::fs::write(dir.path().join("rbac.yaml"), widened).unwrap();
    let (rules, _, _) = rules_reported(dir.path(), &["rbac.yaml"]);
    assert!(
        rules.contains(&"rbac-cluster-admin-binding".to_string()),
        "{rules:?}"
    );
}
