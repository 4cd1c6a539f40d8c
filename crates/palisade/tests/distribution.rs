//! The ways Palisade is shipped (the container image, the GitHub Action) stay in step with the
//! binary: every flag they pass exists, and the image runs as the user the webhook expects.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::path::Path;

fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `--long-flags` in a text, in order of appearance.
fn long_flags(text: &str) -> Vec<String> {
    let mut flags = Vec::new();
    for (i, _) in text.match_indices("--") {
        let rest = &text[i + 2..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        let before = text[..i].chars().last();
        if name.len() > 1 && before.is_none_or(|c| c.is_whitespace() || c == '(' || c == '"') {
            flags.push(format!("--{name}"));
        }
    }
    flags
}

#[test]
fn the_action_passes_only_flags_palisade_scan_has() {
    let action: serde_json::Value = serde_saphyr::from_str(&repo_file("action.yml")).unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let scan = steps
        .iter()
        .find(|s| s["id"] == "scan")
        .and_then(|s| s["run"].as_str())
        .expect("a scan step");
    let help = common::run_in(
        common::palisade_bin(),
        &std::env::temp_dir(),
        &["scan", "--help"],
        None,
    );
    let help = String::from_utf8_lossy(&help.stdout);
    let used = long_flags(scan);
    assert!(used.contains(&"--baseline".to_string()), "{used:?}");
    for flag in used {
        assert!(
            help.contains(&flag),
            "the action passes {flag}, which palisade scan lacks"
        );
    }
    // Every input the scan step reads is declared.
    let inputs = action["inputs"].as_object().unwrap();
    for input in ["path", "fail-on", "config", "baseline", "args"] {
        assert!(inputs.contains_key(input), "{input}");
    }
}

#[test]
fn the_image_runs_as_the_user_the_webhook_expects() {
    let dockerfile = repo_file("Dockerfile");
    assert!(dockerfile.contains("\nUSER 65532:65532\n"), "{dockerfile}");
    assert!(dockerfile.contains("\nENTRYPOINT [\"/palisade\"]\n"));
    let manifests = common::run_in(
        common::palisade_bin(),
        &std::env::temp_dir(),
        &["install"],
        None,
    );
    let manifests = String::from_utf8_lossy(&manifests.stdout);
    assert!(manifests.contains("runAsUser: 65532"), "{manifests}");
}
