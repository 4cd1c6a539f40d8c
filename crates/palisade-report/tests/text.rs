//! The terminal renderers (text and compact), pinned by snapshots.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::{TextOptions, render_compact, render_text};
use palisade_rules::Severity;

#[test]
fn fixture_report_as_text() {
    let text = render_text(&common::fixture(), TextOptions::default());
    insta::assert_snapshot!(text);
}

#[test]
fn fixture_report_as_verbose_text() {
    let options = TextOptions {
        color: false,
        verbose: true,
    };
    insta::assert_snapshot!(render_text(&common::fixture(), options));
}

#[test]
fn colour_is_only_added_when_asked_for() {
    let plain = render_text(&common::fixture(), TextOptions::default());
    assert!(!plain.contains('\x1b'), "{plain}");
    let options = TextOptions {
        color: true,
        verbose: false,
    };
    let coloured = render_text(&common::fixture(), options);
    assert!(coloured.contains("\x1b[1;35mcritical\x1b[0m"), "{coloured}");
}

#[test]
fn examples_as_text() {
    insta::assert_snapshot!(render_text(&common::examples(), TextOptions::default()));
}

#[test]
fn findings_on_one_line_share_one_quote_and_missing_fields_mark_their_parent() {
    let text = render_text(&common::quoted_fixture(), TextOptions::default());
    assert_eq!(
        text.matches("8 |   resources").count(),
        1,
        "the shared line is quoted once:\n{text}"
    );
    assert!(
        text.contains("field is missing in this list item"),
        "{text}"
    );
    assert!(text.contains("field is missing under this key"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn tables_show_the_top_ten_and_count_the_rest() {
    let text = render_text(&common::many_files(13), TextOptions::default());
    let files = text
        .split("Findings by file:\n")
        .nth(1)
        .expect("a file table");
    let rows: Vec<&str> = files.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 11, "{text}");
    // 13 files with 1, 2, 3, 1, 2, 3, … findings: the ten largest hold 3+3+3+3+2+2+2+2+1+1.
    assert_eq!(rows[10].trim(), "3  and 3 more files", "{text}");
    assert!(
        rows[0].trim_start().starts_with("3  deploy/f02.yaml"),
        "{text}"
    );
    let rules = text
        .split("Findings by rule:\n")
        .nth(1)
        .expect("a rule table");
    assert!(
        rules.starts_with("      13  TST001 privileged-container"),
        "{text}"
    );
}

#[test]
fn short_listings_have_no_tables() {
    let text = render_text(&common::many_files(2), TextOptions::default());
    assert!(!text.contains("Findings by rule"), "{text}");
}

#[test]
fn min_severity_hides_findings_and_says_how_many() {
    let mut report = common::fixture();
    report.hide_below(Severity::High);
    let text = render_text(&report, TextOptions::default());
    assert!(!text.contains("TST005"), "{text}");
    assert!(!text.contains("TST006"), "{text}");
    assert!(text.contains("TST001") && text.contains("TST004"), "{text}");
    assert!(
        text.contains(
            "; 2 below high hidden by --min-severity (still counted for --fail-on); 1 waived"
        ),
        "{text}"
    );
    let compact = render_compact(&report, TextOptions::default());
    assert_eq!(
        compact.lines().filter(|l| l.contains(": high [")).count(),
        2
    );
}

#[test]
fn fixture_report_as_compact() {
    let text = render_compact(&common::fixture(), TextOptions::default());
    let findings: Vec<&str> = text.lines().filter(|l| l.contains(" [TST")).collect();
    assert_eq!(findings.len(), 5, "one line per finding that is not waived");
    assert!(
        findings
            .contains(&"deploy/rbac.yaml:8:5: high [TST004 rbac-wildcard] rule 0 grants verbs [*]"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn an_audit_names_objects_by_cluster_path_and_counts_pods() {
    insta::assert_snapshot!(render_text(
        &common::audit_fixture(),
        TextOptions::default()
    ));
}

#[test]
fn many_unknown_kinds_fold_into_one_warning_unless_verbose() {
    let notice = |kind: &str, line| palisade_report::Notice {
        kind: "unknown-kind",
        file: "crs.yaml".to_string(),
        line: Some(line),
        message: format!(
            "{kind} (example.com/v1): not a kind Palisade knows, so no rule checked 1 object."
        ),
    };
    let mut report = palisade_report::Report {
        notices: ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
            .iter()
            .zip(1..)
            .map(|(kind, line)| notice(kind, line))
            .collect(),
        ..Default::default()
    };
    let folded = render_text(&report, TextOptions::default());
    assert!(
        folded.contains("crs.yaml:1: warning: 5 kinds Palisade does not know were not checked: Alpha (example.com/v1), Beta (example.com/v1), Gamma (example.com/v1) and 2 more"),
        "{folded}"
    );
    assert!(!folded.contains("Epsilon"), "{folded}");
    let verbose = TextOptions {
        color: false,
        verbose: true,
    };
    let listed = render_text(&report, verbose);
    assert_eq!(
        listed.matches("not a kind Palisade knows").count(),
        5,
        "{listed}"
    );

    report.notices.truncate(3);
    let few = render_text(&report, TextOptions::default());
    assert_eq!(few.matches("not a kind Palisade knows").count(), 3, "{few}");
}
