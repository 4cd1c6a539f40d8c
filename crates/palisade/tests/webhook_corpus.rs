//! The webhook and `scan` are one engine: on every object of the real-world corpus, the
//! findings the webhook decides on (the object sent as an AdmissionReview) equal the findings
//! `scan` reports for it, set rules aside (they need the whole input and do not run at
//! admission).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use palisade::pipeline;
use palisade_model::loader::{self, InputArg, Source};
use palisade_model::{Object, ObjectRef};
use palisade_rules::config::Config;
use palisade_rules::{Check, Engine, Finding, PssProfile, Settings};
use palisade_webhook::Policy;
use serde_json::{Value, json};

/// What identifies a finding in both outputs.
type Key = (String, String, String, String, bool);

fn key(finding: &Finding) -> Key {
    (
        finding.rule.code.to_string(),
        finding.pointer.clone(),
        finding.message.clone(),
        finding.severity.to_string(),
        finding.waiver.is_some(),
    )
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    dir.is_dir().then_some(dir)
}

#[test]
fn webhook_findings_equal_scan_findings_on_the_corpus() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: no corpus (set PALISADE_CORPUS or put it at ../shared/corpus)");
        return;
    };
    let engine = Engine::new(Settings::default());
    // No exemptions: every object is evaluated, kube-system's too.
    let mut config = Config::default();
    config.webhook.exempt_namespaces = Some(Vec::new());
    let policy = Policy::new(config, None).unwrap();
    let (sources, _) = loader::discover(&[InputArg::Path(corpus.clone())]);
    let (mut objects, mut with_findings) = (0, 0);
    for source in &sources {
        let Source::File(path) = source else { continue };
        let scan = scan_findings(path, &engine);
        let file = loader::load(source);
        let profiles = namespace_labels(&file.objects);
        let mut webhook: BTreeMap<ObjectRef, Vec<Key>> = BTreeMap::new();
        for (index, object) in file.objects.iter().enumerate() {
            objects += 1;
            let labels = object.namespace().and_then(|ns| profiles.get(ns));
            let found = webhook_findings(&policy, object, index, labels);
            with_findings += usize::from(!found.is_empty());
            webhook
                .entry(object.object_ref())
                .or_default()
                .extend(found);
        }
        webhook.retain(|_, keys| !keys.is_empty());
        for keys in webhook.values_mut() {
            keys.sort();
        }
        assert_eq!(webhook, scan, "{}", path.display());
    }
    eprintln!(
        "{} files, {objects} objects, {with_findings} with findings: webhook and scan agree",
        sources.len()
    );
    assert!(
        objects > 1000,
        "the corpus looks truncated: {objects} objects"
    );
}

/// What `scan` reports for one file, by object, without set-rule findings.
fn scan_findings(path: &Path, engine: &Engine) -> BTreeMap<ObjectRef, Vec<Key>> {
    let report = pipeline::scan(&[InputArg::Path(path.to_path_buf())], engine);
    let mut out: BTreeMap<ObjectRef, Vec<Key>> = BTreeMap::new();
    for found in &report.findings {
        if matches!(found.finding.rule.check, Check::Set { .. }) {
            continue;
        }
        out.entry(found.finding.object.clone())
            .or_default()
            .push(key(&found.finding));
    }
    for keys in out.values_mut() {
        keys.sort();
    }
    out
}

/// The labels of the Namespaces in a file that choose a PSS profile, as `scan` reads them
/// (the last such Namespace of a name wins).
fn namespace_labels(objects: &[Object]) -> HashMap<String, Value> {
    objects
        .iter()
        .filter(|o| o.kind == "Namespace" && o.group().is_empty())
        .filter_map(|o| {
            let labels = o.labels()?;
            PssProfile::from_namespace_labels(labels)?;
            Some((o.name().to_string(), Value::Object(labels.clone())))
        })
        .collect()
}

/// The object as the API server would send it, through the webhook's decoding and decision.
fn webhook_findings(
    policy: &Policy,
    object: &Object,
    index: usize,
    namespace_labels: Option<&Value>,
) -> Vec<Key> {
    let mut request = json!({
        "uid": format!("corpus-{index}"),
        "kind": {"group": object.group(), "version": object.version(), "kind": object.kind},
        "resource": {"group": object.group(), "version": object.version(), "resource": "objects"},
        "name": object.name(),
        "operation": "CREATE",
        "userInfo": {"username": "corpus", "groups": ["system:authenticated"]},
        "object": object.value,
        "oldObject": null,
        "dryRun": false,
    });
    if let Some(ns) = object.namespace() {
        request["namespace"] = json!(ns);
    }
    if let Some(labels) = namespace_labels {
        request["namespaceObject"] = json!({"metadata": {"labels": labels}});
    }
    let body = serde_json::to_vec(&json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": request,
    }))
    .unwrap();
    let request = palisade_webhook::parse(&body)
        .unwrap_or_else(|e| panic!("{} was refused: {e}", object.object_ref()));
    let decision = palisade_webhook::decide(policy, request, &palisade_rules::exceptions::today());
    let mut keys: Vec<Key> = decision.findings.iter().map(|j| key(&j.finding)).collect();
    keys.sort();
    keys
}
