//! The JSON renderer, pinned by snapshots; its schema is `docs/json-output.md`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::{JSON_SCHEMA_VERSION, render_json};

#[test]
fn fixture_report_as_json() {
    let text = render_json(&common::fixture(), "0.0.0-test");
    let value: serde_json::Value = serde_json::from_str(&text).expect("output is JSON");
    assert_eq!(value["schemaVersion"], JSON_SCHEMA_VERSION);
    insta::assert_snapshot!(text);
}

#[test]
fn examples_as_json() {
    insta::assert_snapshot!(render_json(&common::examples(), "0.0.0-test"));
}
