//! The per-rule cap on kept findings: the rest are counted, per rule, under the profile.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use palisade_model::{Object, Origin};
use palisade_rules::{Engine, PssLevel, PssProfile, PssVersion, Settings};
use serde_json::json;

fn pod(containers: usize) -> Object {
    let containers: Vec<_> = (0..containers)
        .map(|i| json!({"name": format!("c{i}"), "image": "r.example.com/i:1", "securityContext": {"privileged": true}}))
        .collect();
    Object::detached(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {"containers": containers}}),
        Origin { path: "test".into(), document: 0, item: None, template: None },
    )
    .unwrap()
}

#[test]
fn findings_beyond_the_cap_are_counted_per_rule() {
    let profile = PssProfile {
        level: PssLevel::Baseline,
        version: PssVersion::parse("latest").unwrap(),
    };
    let object = pod(7);
    let all = Engine::new(Settings::default()).evaluate_under(&object, profile);
    let capped = Engine::new(Settings {
        max_findings_per_rule: Some(2),
        ..Settings::default()
    })
    .evaluate_under(&object, profile);

    let count = |findings: &[palisade_rules::Finding], code: &str| {
        findings.iter().filter(|f| f.rule.code == code).count()
    };
    let full = all.findings_under(profile);
    let kept = capped.findings_under(profile);
    assert_eq!(count(&full, "PSS002"), 7);
    assert_eq!(count(&kept, "PSS002"), 2);
    let omitted = capped.omitted_under(profile);
    assert!(
        omitted
            .iter()
            .any(|(rule, n)| rule.code == "PSS002" && *n == 5),
        "{omitted:?}"
    );
    // Kept plus counted is everything, rule by rule.
    let total_kept = kept.len() + omitted.iter().map(|(_, n)| n).sum::<usize>();
    assert_eq!(total_kept, full.len());
    assert!(all.omitted_under(profile).is_empty());
}
