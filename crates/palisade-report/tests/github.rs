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
