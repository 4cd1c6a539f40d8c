//! GitHub workflow commands, pinned by a snapshot.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::render_github;

#[test]
fn fixture_report_as_workflow_commands() {
    let text = render_github(&common::fixture());
    // One command per input error, notice and finding that is not waived, then the summary.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("::")).count(),
        2 + 1 + 5
    );
    assert!(
        text.lines()
            .all(|l| !l.starts_with("::") || l.matches("::").count() == 2),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn annotations_stop_at_fifty_the_most_severe_first() {
    // 30 critical, 20 high and 10 low findings.
    let text = render_github(&common::many_files(30));
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        commands.len(),
        51,
        "fifty annotations and one summary notice"
    );
    assert_eq!(
        commands[..50]
            .iter()
            .filter(|l| l.starts_with("::error") && l.contains("(critical)"))
            .count(),
        30
    );
    assert!(
        commands[..50].iter().all(|l| !l.contains("(low)")),
        "the least severe are the ones left out"
    );
    let notice = commands[50];
    assert!(
        notice.starts_with("::notice title=palisade%3A 10 more not annotated::"),
        "{notice}"
    );
    assert!(notice.contains("--format text"), "{notice}");
}

#[test]
fn a_report_under_the_cap_has_no_summary_notice() {
    assert!(!render_github(&common::many_files(3)).contains("more not annotated"));
}
