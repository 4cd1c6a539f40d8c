//! The terminal renderer, pinned by snapshots.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::{TextOptions, render_text};

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
