//! OpenReports (`openreports.io/v1alpha1`): an audit's results as Kubernetes objects that
//! dashboards and policy tools already read. One `Report` per namespace and one `ClusterReport`
//! for cluster-scoped objects and for what could not be read — never one per object, and each
//! bounded well under etcd's object size limit.

use std::collections::BTreeMap;

use palisade_model::ObjectRef;
use palisade_rules::Severity;
use serde_json::{Map, Value, json};

use crate::model::{Report, ReportFinding};

const API_VERSION: &str = "openreports.io/v1alpha1";
/// A report's results stop growing at this many bytes of JSON: etcd refuses objects over
/// 1.5 MiB by default, and the rest of the object and the API server's own overhead need room.
const MAX_RESULT_BYTES: usize = 1_000_000;

/// How reports are named and bounded.
#[derive(Clone, Debug)]
pub struct OpenReportsOptions {
    /// The name of every report (`palisade`): the same name each run, so a report is updated
    /// in place, not duplicated.
    pub name: String,
    /// At most this many results per report; the rest are counted in one overflow result.
    pub max_results: usize,
    /// When the audit ran, in seconds since the epoch (every result's timestamp).
    pub timestamp: i64,
    /// Whether to write the `ClusterReport` (not when only some namespaces were audited).
    pub cluster_report: bool,
}

impl Default for OpenReportsOptions {
    fn default() -> Self {
        Self {
            name: "palisade".to_string(),
            max_results: 1000,
            timestamp: 0,
            cluster_report: true,
        }
    }
}

/// The reports of an audit: one per namespace that was read (including namespaces with no
/// findings, so that a fixed problem's old result is replaced), then the cluster report with
/// cluster-scoped objects and what could not be read.
pub fn openreports(report: &Report, options: &OpenReportsOptions) -> Vec<Value> {
    let mut scopes: BTreeMap<Option<&str>, Scope<'_>> = BTreeMap::new();
    scopes.entry(None).or_default();
    for checked in &report.checked {
        let scope = scopes
            .entry(checked.object.namespace.as_deref())
            .or_default();
        scope.checked += 1;
        if checked.object.kind == "Namespace" && checked.object.namespace.is_none() {
            scopes.entry(Some(&checked.object.name)).or_default();
        }
    }
    for finding in &report.findings {
        scopes
            .entry(finding.finding.object.namespace.as_deref())
            .or_default()
            .findings
            .push(finding);
    }
    let mut out: Vec<Value> = Vec::with_capacity(scopes.len());
    let cluster_scope = scopes.remove(&None).unwrap_or_default();
    for (namespace, scope) in &scopes {
        out.push(one_report(report, *namespace, scope, &[], options));
    }
    if options.cluster_report {
        let gaps: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
        out.push(one_report(report, None, &cluster_scope, &gaps, options));
    }
    out
}

/// A multi-document YAML stream of [`openreports`], for `kubectl apply -f`.
pub fn render_openreports(report: &Report, options: &OpenReportsOptions) -> String {
    let mut out = String::new();
    for object in openreports(report, options) {
        out.push_str("---\n");
        match serde_saphyr::to_string(&object) {
            Ok(yaml) => out.push_str(&yaml),
            // JSON is YAML too: a value the YAML writer refuses is still written.
            Err(_) => {
                out.push_str(&object.to_string());
                out.push('\n');
            }
        }
    }
    out
}

#[derive(Default)]
struct Scope<'a> {
    checked: usize,
    findings: Vec<&'a ReportFinding>,
}

fn one_report(
    report: &Report,
    namespace: Option<&str>,
    scope: &Scope<'_>,
    gaps: &[&str],
    options: &OpenReportsOptions,
) -> Value {
    let mut findings = scope.findings.clone();
    // The most severe first, so that a capped report keeps what matters.
    findings.sort_by(|a, b| {
        let (a, b) = (&a.finding, &b.finding);
        b.severity
            .cmp(&a.severity)
            .then(a.rule.code.cmp(b.rule.code))
            .then(a.object.cmp(&b.object))
    });
    let failing_objects: std::collections::HashSet<&ObjectRef> = findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .map(|f| &f.finding.object)
        .collect();
    let fail = findings
        .iter()
        .filter(|f| f.finding.waiver.is_none())
        .count();
    let skip = findings.len() - fail;
    let mut results = Vec::new();
    let mut bytes = 0;
    for gap in gaps {
        results.push(json!({
            "source": "palisade",
            "policy": "coverage",
            "result": "error",
            "timestamp": { "seconds": options.timestamp, "nanos": 0 },
            "message": gap,
        }));
    }
    let mut left_out: BTreeMap<Severity, usize> = BTreeMap::new();
    for finding in &findings {
        let result = result_of(finding, report, options.timestamp);
        let size = result.to_string().len();
        if results.len() >= options.max_results || bytes + size > MAX_RESULT_BYTES {
            *left_out.entry(finding.finding.severity).or_default() += 1;
            continue;
        }
        bytes += size;
        results.push(result);
    }
    if !left_out.is_empty() {
        results.push(overflow(&left_out, options));
    }
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(options.name));
    if let Some(ns) = namespace {
        metadata.insert("namespace".into(), json!(ns));
    }
    metadata.insert(
        "labels".into(),
        json!({ "app.kubernetes.io/managed-by": "palisade" }),
    );
    json!({
        "apiVersion": API_VERSION,
        "kind": if namespace.is_some() { "Report" } else { "ClusterReport" },
        "metadata": metadata,
        "source": "palisade",
        "configuration": { "limits": { "maxResults": options.max_results } },
        "summary": {
            // Objects checked in the scope with no open finding.
            "pass": scope.checked.saturating_sub(failing_objects.len()),
            "fail": fail,
            "warn": usize::from(!left_out.is_empty()),
            "error": gaps.len(),
            "skip": skip,
        },
        "results": results,
    })
}

fn result_of(f: &ReportFinding, report: &Report, timestamp: i64) -> Value {
    let finding = &f.finding;
    let object = &finding.object;
    let mut resource = Map::new();
    resource.insert("apiVersion".into(), json!(object.api_version));
    resource.insert("kind".into(), json!(object.kind));
    if let Some(ns) = &object.namespace {
        resource.insert("namespace".into(), json!(ns));
    }
    resource.insert("name".into(), json!(object.name));
    let mut properties = BTreeMap::new();
    properties.insert("pointer", finding.pointer.clone());
    properties.insert("help", finding.help.clone());
    if let Some(pods) = report.pods.get(object) {
        properties.insert("pods", pods.to_string());
    }
    if let Some(waiver) = &finding.waiver {
        properties.insert("waiver", waiver.reason.clone());
    }
    json!({
        "source": "palisade",
        "policy": finding.rule.name,
        "rule": finding.rule.code,
        "category": finding.rule.category.as_str(),
        "severity": finding.severity.as_str(),
        "timestamp": { "seconds": timestamp, "nanos": 0 },
        "result": if finding.waiver.is_some() { "skip" } else { "fail" },
        "scored": true,
        "resources": [resource],
        "message": finding.message,
        "properties": properties,
    })
}

/// One result standing for those left out, with their counts by severity.
fn overflow(left_out: &BTreeMap<Severity, usize>, options: &OpenReportsOptions) -> Value {
    let total: usize = left_out.values().sum();
    let counts: Vec<String> = left_out
        .iter()
        .rev()
        .map(|(severity, n)| format!("{n} {severity}"))
        .collect();
    json!({
        "source": "palisade",
        "policy": "overflow",
        "result": "warn",
        "timestamp": { "seconds": options.timestamp, "nanos": 0 },
        "message": format!(
            "{total} more findings ({}) are counted in the summary but not listed: a report holds at most {} results; \
             see the audit's JSON or SARIF output for all of them",
            counts.join(", "),
            options.max_results
        ),
    })
}
