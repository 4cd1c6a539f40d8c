//! What unit tests across the crate share.

#![allow(clippy::expect_used, reason = "a test fails loudly")]

use palisade_model::{Object, Origin};
use serde_json::Value;

/// An object as if it were the only document of `test.yaml`.
pub(crate) fn object(value: Value) -> Object {
    let origin = Origin {
        path: "test.yaml".into(),
        document: 0,
        item: None,
        template: None,
    };
    Object::detached(value, origin).expect("an object")
}
