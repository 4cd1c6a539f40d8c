//! End-to-end tests: the `palisade` binary run on fixture files, as a user runs it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs palisade in `dir` with `args`; stdin from `input` when given.
fn palisade_in(dir: &Path, args: &[&str], input: Option<&str>) -> Output {
    common::run_in(common::palisade_bin(), dir, args, input)
}

fn palisade(args: &[&str]) -> Output {
    palisade_in(&fixtures(), args, None)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON output parses")
}

#[test]
fn text_output_points_at_file_line_and_field() {
    let output = palisade(&["scan", "shop"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(
        text.contains("shop/app.yaml:26:11: PSS002 pss-privileged [critical]"),
        "{text}"
    );
    assert!(text.contains("26 |           privileged: yes"), "{text}");
    assert!(text.contains("= help: "), "{text}");
    assert!(
        text.contains("in 4 objects from 2 files; 1 document skipped."),
        "{text}"
    );
}

#[test]
fn json_output_has_one_record_per_finding_and_per_skipped_document() {
    let output = palisade(&["scan", "--format", "json", "shop"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["schemaVersion"], "1.1");
    assert_eq!(report["summary"]["objects"], 4);
    assert_eq!(report["skippedDocuments"].as_array().unwrap().len(), 1);
    let privileged = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "PSS002")
        .expect("the privileged container is reported");
    assert_eq!(privileged["file"], "shop/app.yaml");
    assert_eq!(privileged["line"], 26);
    assert_eq!(
        privileged["pointer"],
        "/spec/template/spec/containers/0/securityContext/privileged"
    );
    assert_eq!(privileged["object"]["kind"], "Deployment");
}

#[test]
fn namespace_labels_choose_the_level_for_their_objects() {
    let report = json(&palisade(&["scan", "--format", "json", "shop/app.yaml"]));
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["object"]["name"] != "old-worker"),
        "old-worker is judged at baseline"
    );
    let at_restricted = palisade_in(
        &fixtures(),
        &["scan", "--format", "json", "-"],
        Some(
            &std::fs::read_to_string(fixtures().join("shop/app.yaml"))
                .unwrap()
                .replace("enforce: baseline", "enforce: restricted"),
        ),
    );
    let findings = json(&at_restricted)["findings"].as_array().unwrap().clone();
    assert!(
        findings
            .iter()
            .any(|f| f["object"]["name"] == "old-worker" && f["rule"] == "pss-run-as-non-root")
    );
}

#[test]
fn pss_level_and_fail_on_change_the_outcome() {
    let baseline = json(&palisade(&[
        "scan",
        "--format",
        "json",
        "--pss-level",
        "baseline",
        "shop",
    ]));
    let rules: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"pss-privileged") && rules.contains(&"pss-capabilities-baseline"),
        "{rules:?}"
    );
    let privileged = palisade(&["scan", "--pss-level", "privileged", "shop"]);
    assert_eq!(privileged.status.code(), Some(0), "{}", stdout(&privileged));
    let only_critical = palisade(&[
        "scan",
        "--fail-on",
        "critical",
        "--pss-level",
        "baseline",
        "shop/jobs.json",
    ]);
    assert_eq!(
        only_critical.status.code(),
        Some(0),
        "a high finding does not fail --fail-on critical"
    );
}

#[test]
fn standard_input_is_scanned_as_stdin() {
    let text = std::fs::read_to_string(fixtures().join("shop/app.yaml")).unwrap();
    let output = palisade_in(&fixtures().join("shop"), &["scan", "-"], Some(&text));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("<stdin>:26:11: PSS002 pss-privileged [critical]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn hostile_and_broken_inputs_each_give_one_error_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        laughs.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(", ")
        ));
    }
    std::fs::write(dir.path().join("1-laughs.yaml"), laughs).unwrap();
    let deep: String = (0..10_000)
        .map(|i| format!("{}- \n", " ".repeat(i * 2)))
        .collect();
    std::fs::write(dir.path().join("2-deep.yaml"), deep).unwrap();
    std::fs::write(
        dir.path().join("3-binary.yaml"),
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 0],
    )
    .unwrap();
    std::fs::write(
        dir.path().join("4-truncated.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"cut\n",
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("shop/app.yaml"),
        dir.path().join("5-good.yaml"),
    )
    .unwrap();

    let output = palisade_in(
        dir.path(),
        &["scan", "--no-config", "--format", "json", "."],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "input errors exit 2");
    let report = json(&output);
    let errors = report["inputErrors"].as_array().unwrap();
    let files: Vec<&str> = errors.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        [
            "./1-laughs.yaml",
            "./2-deep.yaml",
            "./3-binary.yaml",
            "./4-truncated.yaml"
        ],
        "{errors:#?}"
    );
    assert!(errors[2]["message"].as_str().unwrap().contains("binary"));
    assert!(
        errors[3]["line"].as_u64().is_some(),
        "a parse error has a line"
    );
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "./5-good.yaml" && f["rule"] == "pss-privileged")
    );
}

#[test]
fn config_exceptions_waive_expire_and_report_unused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("shop/app.yaml"),
        dir.path().join("app.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".palisade.yaml"),
        "select: [pod-security]\nexceptions:\n- rule: pss-privileged\n  kind: Deploy*\n  container: app\n  reason: node agent needs the host\n  owner: platform\n  expires: 2999-12-31\n- rules: [pss-host-namespaces]\n  name: web\n  reason: was fine once\n  expires: 2001-01-01\n- rule: pss-sysctls\n  reason: nothing has sysctls\n",
    )
    .unwrap();
    let output = palisade_in(dir.path(), &["scan", "--format", "json", "app.yaml"], None);
    let report = json(&output);
    let findings = report["findings"].as_array().unwrap();
    let privileged = findings
        .iter()
        .find(|f| f["rule"] == "pss-privileged")
        .expect("still reported");
    assert_eq!(privileged["waived"], true);
    assert_eq!(privileged["waiver"]["reason"], "node agent needs the host");
    assert_eq!(privileged["waiver"]["owner"], "platform");
    let host = findings
        .iter()
        .find(|f| f["rule"] == "pss-host-namespaces")
        .expect("reported");
    assert_eq!(
        host["waived"], false,
        "an expired exception no longer applies"
    );
    let notices: Vec<(&str, u64)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["type"].as_str().unwrap(), n["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        notices,
        [("expired-exception", 9), ("unused-exception", 13)]
    );
    assert_eq!(report["summary"]["waived"], 1);

    let text = stdout(&palisade_in(dir.path(), &["scan", "app.yaml"], None));
    assert!(text.contains("1 waived by exceptions"), "{text}");
    assert!(
        text.contains(".palisade.yaml:9: warning: exception 1 (PSS001) expired on 2001-01-01"),
        "{text}"
    );
    assert!(
        !text.contains("PSS002 pss-privileged"),
        "waived findings are not listed in text output:\n{text}"
    );
}

#[test]
fn inline_annotations_waive_unless_the_config_forbids_them() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\n  annotations:\n    palisade.dev/ignore: \"pss-host-namespaces, PSS002\"\n    palisade.dev/ignore-reason: monitoring agent\nspec:\n  hostPID: true\n  containers:\n  - name: a\n    image: registry.example.com/agent:1\n    securityContext: {privileged: true}\n";
    std::fs::write(dir.path().join("pod.yaml"), pod).unwrap();
    let scan = |config: &str| {
        std::fs::write(dir.path().join(".palisade.yaml"), config).unwrap();
        let report = json(&palisade_in(
            dir.path(),
            &[
                "scan",
                "--format",
                "json",
                "--pss-level",
                "baseline",
                "pod.yaml",
            ],
            None,
        ));
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["waived"].as_bool().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let allowed = scan("select: [pod-security]\n");
    assert_eq!(
        allowed,
        [
            ("pss-host-namespaces".to_string(), true),
            ("pss-privileged".to_string(), true)
        ]
    );
    let forbidden = scan("select: [pod-security]\nallow-inline-exceptions: false\n");
    assert!(forbidden.iter().all(|(_, waived)| !waived), "{forbidden:?}");
}

#[test]
fn a_bad_config_is_an_error_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".palisade.yaml"), "pss:\n  level: strict\n").unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let output = palisade_in(dir.path(), &["scan", "a.yaml"], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".palisade.yaml:2:10: pss.level: `strict`"),
        "{stderr}"
    );
}

#[test]
fn verbose_lists_skipped_documents() {
    let text = stdout(&palisade(&["scan", "--verbose", "shop"]));
    assert!(
        text.contains("shop/app.yaml:43: skipped document 3: it has no apiVersion"),
        "{text}"
    );
    assert!(text.contains("1 document skipped"), "{text}");
}

#[test]
fn init_writes_a_config_that_scan_accepts_and_does_not_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    assert!(palisade_in(dir.path(), &["init"], None).status.success());
    assert!(dir.path().join(".palisade.yaml").is_file());
    let again = palisade_in(dir.path(), &["init"], None);
    assert_eq!(again.status.code(), Some(2));
    std::fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let scan = palisade_in(dir.path(), &["scan", "a.yaml"], None);
    assert_ne!(
        scan.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
}

#[test]
fn rules_and_explain_describe_the_catalog() {
    let listed = json(&palisade(&["rules", "--format", "json"]));
    let privileged = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "PSS002")
        .expect("listed");
    assert_eq!(privileged["name"], "pss-privileged");
    assert_eq!(privileged["pssCheck"], "privileged");
    let explained = stdout(&palisade(&["explain", "pss-privileged"]));
    assert!(explained.starts_with("# PSS002 pss-privileged"));
    assert!(explained.contains("## Why is this bad?"));
    let unknown = palisade(&["explain", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn a_closed_pipe_keeps_the_findings_exit_code() {
    // `palisade scan dir | head` under `pipefail` must not turn findings into success.
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .current_dir(fixtures())
        .args(["scan", "shop"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_report_is_never_written_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("precious.txt");
    std::fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("out.sarif")).unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("reports")).unwrap();
    let shop = fixtures().join("shop");
    let shop = shop.to_str().unwrap();
    for report in ["sarif=out.sarif", "json=reports/palisade.json"] {
        let output = palisade_in(dir.path(), &["scan", "--format", report, shop], None);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{report}: {stderr}");
        assert!(stderr.contains("is a symbolic link"), "{report}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(!dir.path().join("real/palisade.json").exists());
}

#[test]
fn report_directories_are_created_only_inside_the_working_directory_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let shop = fixtures().join("shop");
    let shop = shop.to_str().unwrap();

    let inside = palisade_in(
        &work,
        &["scan", "--format", "sarif=out/a/r.sarif", shop],
        None,
    );
    assert_eq!(
        inside.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&inside.stderr)
    );
    assert!(work.join("out/a/r.sarif").is_file());

    let outside = palisade_in(
        &work,
        &["scan", "--format", "sarif=../elsewhere/r.sarif", shop],
        None,
    );
    let stderr = String::from_utf8_lossy(&outside.stderr);
    assert_eq!(outside.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--create-dirs"), "{stderr}");
    assert!(!dir.path().join("elsewhere").exists());

    let asked = palisade_in(
        &work,
        &[
            "scan",
            "--create-dirs",
            "--format",
            "sarif=../elsewhere/r.sarif",
            shop,
        ],
        None,
    );
    assert_eq!(
        asked.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
    assert!(dir.path().join("elsewhere/r.sarif").is_file());
}

/// The whole text report of a scan, quoted source lines and carets included.
#[test]
fn text_report_snapshot() {
    let output = palisade(&["scan", "--verbose", "shop"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

/// The whole JSON report of a scan; the tool version is masked so releases do not move it.
#[test]
fn json_report_snapshot() {
    let output = palisade(&["scan", "--format", "json", "shop"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output).replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[version]\"",
    );
    insta::assert_snapshot!(text);
}
