//! The catalog of listed kinds against the rules: a kind a rule reads that the audit never
//! lists would make that rule pass silently on every cluster.

use palisade_cluster::WANTED;
use palisade_rules::{Check, RULES};

#[test]
fn every_kind_a_rule_reads_is_listed() {
    let mut missing = Vec::new();
    for rule in RULES {
        let kinds: &[&str] = match &rule.check {
            Check::Object { kinds, .. } | Check::Set { kinds, .. } => kinds,
            Check::Pss(_) | Check::Pod(_) => &[],
        };
        // Custom resources in general are not listed: the audit sees the workloads operators
        // build from them.
        for kind in kinds
            .iter()
            .filter(|k| **k != palisade_rules::CUSTOM_RESOURCES)
        {
            if !WANTED.iter().any(|w| w.kind == *kind) {
                missing.push(format!("{} reads {kind}", rule.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in the audit's catalog: {missing:?}"
    );
}

#[test]
fn every_kind_that_runs_pods_is_listed() {
    for kind in [
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "ReplicationController",
        "PodTemplate",
    ] {
        assert!(WANTED.iter().any(|w| w.kind == kind), "{kind}");
    }
}
