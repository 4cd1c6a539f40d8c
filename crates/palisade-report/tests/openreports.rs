//! OpenReports objects: one report per namespace and one for the cluster, pinned by a
//! snapshot, and bounded by result count and bytes whatever the audit found.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use palisade_report::{OpenReportsOptions, Report, openreports, render_openreports};
use serde_json::Value;

fn options(max_results: usize) -> OpenReportsOptions {
    OpenReportsOptions {
        max_results,
        timestamp: 1_767_225_600,
        ..OpenReportsOptions::default()
    }
}

/// The audit fixture with `n` more findings on workloads in `shop`, each message `size` bytes.
fn with_findings(n: usize, size: usize) -> Report {
    let mut report = common::audit_fixture();
    let template = report
        .findings
        .iter()
        .find(|f| f.finding.object.namespace.is_some())
        .cloned()
        .unwrap();
    for i in 0..n {
        let mut f = template.clone();
        f.finding.object.name = format!("web-{i}");
        f.finding.message = "x".repeat(size);
        report.findings.push(f);
    }
    report
}

fn kinds(reports: &[Value]) -> Vec<(String, Option<String>)> {
    reports
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["metadata"]["namespace"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn an_audit_as_openreports_yaml() {
    insta::assert_snapshot!(render_openreports(&common::audit_fixture(), &options(1000)));
}

#[test]
fn one_report_per_namespace_then_the_cluster_report() {
    let reports = openreports(&common::audit_fixture(), &options(1000));
    assert_eq!(
        kinds(&reports),
        [
            ("Report".to_string(), Some("shop".to_string())),
            ("ClusterReport".to_string(), None)
        ]
    );
    let cluster = &reports[1];
    assert_eq!(cluster["summary"]["error"], 1, "the gap is an error result");
    assert!(
        cluster["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["result"] == "error")
    );
    let shop = &reports[0];
    assert_eq!(shop["results"][0]["properties"]["pods"], "3");
    assert_eq!(shop["results"][0]["resources"][0]["kind"], "Deployment");

    let narrowed = openreports(
        &common::audit_fixture(),
        &OpenReportsOptions {
            cluster_report: false,
            ..options(1000)
        },
    );
    assert_eq!(
        kinds(&narrowed),
        [("Report".to_string(), Some("shop".to_string()))]
    );
}

#[test]
fn results_beyond_the_cap_are_counted_not_listed() {
    let reports = openreports(&with_findings(10, 20), &options(4));
    let shop = &reports[0];
    let results = shop["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "four results and the overflow");
    assert_eq!(shop["summary"]["fail"], 11, "every finding is counted");
    let overflow = results.last().unwrap();
    assert_eq!(overflow["policy"], "overflow");
    assert!(
        overflow["message"]
            .as_str()
            .unwrap()
            .starts_with("7 more findings (7 critical)"),
        "{overflow}"
    );
}

#[test]
fn a_report_stays_under_etcds_limit_whatever_the_messages() {
    // 40 findings of 100 KB each would be 4 MB of results.
    let reports = openreports(&with_findings(40, 100_000), &options(1000));
    let size = reports[0].to_string().len();
    assert!(size < 1_500_000, "{size} bytes");
    assert_eq!(reports[0]["summary"]["fail"], 41);
    let listed = reports[0]["results"].as_array().unwrap().len();
    assert!(listed < 41, "{listed} results listed");
}
