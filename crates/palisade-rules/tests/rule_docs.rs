//! `docs/rules/` must be exactly what the doc comments generate.

#![allow(clippy::expect_used, clippy::panic, reason = "a test fails loudly")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palisade_rules::RULES;
use palisade_rules::reference::{index_page, rule_page};

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

#[test]
fn rule_reference_is_current() {
    let dir = docs_dir();
    let mut expected: Vec<(String, String)> = RULES
        .iter()
        .map(|rule| (format!("{}.md", rule.name), rule_page(rule)))
        .collect();
    expected.push(("README.md".to_string(), index_page()));
    if std::env::var_os("UPDATE_RULE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for entry in std::fs::read_dir(&dir).expect("read docs/rules").flatten() {
            std::fs::remove_file(entry.path()).expect("remove stale page");
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).expect("write page");
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let wanted: BTreeSet<&str> = expected.iter().map(|(name, _)| name.as_str()).collect();
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    stale.extend(
        present
            .iter()
            .filter(|name| !wanted.contains(name.as_str()))
            .cloned(),
    );
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({}); regenerate with `UPDATE_RULE_DOCS=1 cargo test -p palisade-rules --test rule_docs`",
        stale.join(", ")
    );
}
