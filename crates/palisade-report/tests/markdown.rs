//! The Markdown summary, pinned by a snapshot.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::render_markdown;

#[test]
fn fixture_report_as_markdown() {
    let text = render_markdown(&common::fixture());
    insta::assert_snapshot!(text);
}

#[test]
fn long_reports_are_cut_to_a_comment_sized_table() {
    let mut report = common::fixture();
    let first = report.findings[0].clone();
    report.findings = vec![first; 250];
    let text = render_markdown(&report);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("| critical | `TST001`"))
            .count(),
        100
    );
    assert!(text.contains("… and 150 more"), "{text}");
    assert!(text.len() < 65_536, "fits a GitHub comment");
}
