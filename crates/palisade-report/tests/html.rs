//! The HTML report: self-contained, escaped, small for large inputs, and pinned by a snapshot
//! (of everything but its stylesheet and script, which the browser test in `.ci/reports.sh`
//! exercises).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::sync::Arc;

use palisade_model::ObjectRef;
use palisade_report::{FileLocation, Report, render_html};

/// The page with the bodies of `<style>` and of the last `<script>` (the application) elided.
fn without_assets(page: &str) -> String {
    let (head, rest) = page.split_once("<style>").unwrap();
    let (_, rest) = rest.split_once("</style>").unwrap();
    let (body, script) = rest.rsplit_once("<script>").unwrap();
    let (_, tail) = script.split_once("</script>").unwrap();
    format!("{head}<style>…</style>{body}<script>…</script>{tail}")
}

#[test]
fn fixture_report_as_html() {
    let page = render_html(&common::fixture(), "0.0.0-test");
    insta::assert_snapshot!(without_assets(&page));
}

#[test]
fn nothing_is_loaded_from_the_network() {
    let page = render_html(&common::fixture(), "0.0.0-test");
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for needle in ["<script src", "<link", "<img", "url(", "@import", "<iframe"] {
        assert!(!page.contains(needle), "{needle}");
    }
}

#[test]
fn text_from_manifests_cannot_become_markup() {
    let page = render_html(&common::fixture(), "0.0.0-test");
    assert!(
        !page.contains("<script>alert"),
        "a message must not open a script element"
    );
    assert!(page.contains("\\u003cscript>alert(1)\\u003c/script>"));
    assert!(
        page.contains("It &lt;b&gt;is&lt;/b&gt;."),
        "raw HTML in rule docs is shown as text"
    );
}

#[test]
fn totals_and_waivers_are_in_the_page() {
    let page = render_html(&common::fixture(), "0.0.0-test");
    for (key, n) in [
        ("critical", 1),
        ("high", 2),
        ("medium", 0),
        ("low", 1),
        ("info", 1),
        ("waived", 1),
        ("errors", 2),
    ] {
        assert!(
            page.contains(&format!("data-total=\"{key}\">{n}<")),
            "{key}"
        );
    }
    assert!(page.contains("id=\"waived-table\""));
    assert!(
        page.contains("\"base image is rebuilt nightly & tested\""),
        "the reason travels with the data"
    );
    assert!(
        page.contains("id=\"rule-TST001\""),
        "documentation of each rule with a finding"
    );
}

/// 50,000 findings over 1,000 objects in 200 files and 50 namespaces: the page must stay a
/// file one can mail (a few megabytes).
fn large_report() -> Report {
    let template = common::fixture();
    let mut report = Report {
        files: 200,
        objects: 1_000,
        ..Report::default()
    };
    for i in 0..50_000_u32 {
        let mut f = template.findings[usize::try_from(i).unwrap() % 5].clone();
        let object = i / 50;
        f.finding.object = ObjectRef {
            api_version: "apps/v1".to_string(),
            kind: "Deployment".to_string(),
            namespace: Some(format!("team-{}", object % 50)),
            name: format!("app-{object}"),
        };
        f.finding.message = format!("container app-{} {}", i % 7, f.finding.message);
        f.location = Some(FileLocation {
            path: Arc::from(
                format!("deploy/team-{}/app-{}.yaml", object % 50, object / 5).as_str(),
            ),
            line: 10 + i % 50,
            column: 7,
            exact: true,
            quote: None,
        });
        report.findings.push(f);
    }
    report.sort();
    report
}

#[test]
fn fifty_thousand_findings_stay_a_few_megabytes() {
    let page = render_html(&large_report(), "0.0.0-test");
    let megabytes = page.len() as f64 / 1_048_576.0;
    assert!(megabytes < 4.0, "the page is {megabytes:.1} MB");
    assert!(page.contains("data-total=\"critical\">10,000<"));
}

#[test]
fn objects_without_a_namespace_are_cluster_scoped_only_by_kind() {
    let mut report = common::fixture();
    // A Deployment written without a namespace is not cluster-scoped: it lands wherever it is
    // applied.
    report.findings[0].finding.object.namespace = None;
    let page = render_html(&report, "0.0.0-test");
    let namespaces = page
        .split("<select name=\"namespace\">")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap();
    assert!(
        namespaces
            .contains("<option value=\"(namespace not set)\">(namespace not set) (1)</option>"),
        "{namespaces}"
    );
    assert!(
        namespaces.contains("<option value=\"(cluster-scoped)\">(cluster-scoped) (1)</option>"),
        "the ClusterRole: {namespaces}"
    );
    assert!(page.contains("[\"Deployment\",\"\",\"web\",\"(namespace not set)\"]"));
    assert!(page.contains("data-filter=\"namespace=(namespace not set)\""));
}

#[test]
fn the_file_filter_offers_every_file_with_findings() {
    let page = render_html(&common::fixture(), "0.0.0-test");
    let files = page
        .split("<select name=\"file\">")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap();
    for option in [
        "<option value=\"deploy/app.yaml\">deploy/app.yaml (3)</option>",
        "<option value=\"deploy/rbac.yaml\">deploy/rbac.yaml (1)</option>",
        "<option value=\"(no file)\">(no file) (1)</option>",
    ] {
        assert!(files.contains(option), "{files}");
    }
    assert!(
        page.contains("name=\"view\" value=\"objects\""),
        "the per-object view"
    );
}
