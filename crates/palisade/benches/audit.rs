//! `palisade audit` against a local HTTP server that replays paginated LIST responses as a
//! real API server sends them (`limit`/`continue`, items without `apiVersion` and `kind`,
//! Secrets without their values), filled with the real-world corpus replicated under distinct
//! names and namespaces to `PALISADE_AUDIT_OBJECTS` objects (default 100,000).
//!
//! Each sample runs the release binary as its own process, so the server's memory is not
//! counted in the audit's; after the samples, one verbose run prints where the time went
//! (reading, decoding, per-object rules, set rules) and the audit's peak memory, and
//! `/usr/bin/time` (when present) its CPU time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use criterion::{Criterion, criterion_group, criterion_main};
use palisade_cluster::WANTED;
use palisade_model::loader::{self, InputArg};
use serde_json::{Value, json};

const PAGE: usize = 500;

/// Collections by path, each as its pages of JSON; discovery documents by path.
#[derive(Default)]
struct Replay {
    pages: BTreeMap<String, Vec<Vec<u8>>>,
    documents: BTreeMap<String, Vec<u8>>,
    objects: usize,
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    dir.is_dir().then_some(dir)
}

fn group_version(group: &str) -> String {
    if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    }
}

const CLUSTER_SCOPED: [&str; 6] = [
    "Namespace",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
];

/// The corpus's objects of the kinds an audit lists, copied with `-N` suffixes on names and
/// namespaces until there are `target` of them, laid out as the API server pages them.
fn replay(dir: &Path, target: usize) -> Replay {
    let (sources, _) = loader::discover(&[InputArg::Path(dir.to_path_buf())]);
    let mut seed: Vec<(&'static str, Value)> = Vec::new();
    for source in &sources {
        for object in loader::load(source).objects {
            if let Some(wanted) = WANTED
                .iter()
                .find(|w| w.kind == object.kind && group_version(w.group) == object.api_version)
            {
                seed.push((wanted.kind, object.value));
            }
        }
    }
    let mut by_kind: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut total = 0;
    let mut copy = 0;
    while total < target && !seed.is_empty() {
        let mut namespaces = std::collections::BTreeSet::new();
        for (kind, value) in &seed {
            if total >= target {
                break;
            }
            let mut value = value.clone();
            let Some(map) = value.as_object_mut() else {
                continue;
            };
            map.remove("apiVersion");
            map.remove("kind");
            let metadata = map.entry("metadata").or_insert_with(|| json!({}));
            let name = metadata
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("x")
                .to_string();
            metadata["name"] = json!(format!("{name}-{copy}"));
            metadata["uid"] = json!(format!("{kind}-{name}-{copy}-{total}"));
            if !CLUSTER_SCOPED.contains(kind) {
                let ns = metadata
                    .get("namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("default");
                let ns = format!("{ns}-{copy}");
                metadata["namespace"] = json!(ns);
                namespaces.insert(ns);
            }
            if *kind == "Secret" {
                map.remove("data");
                map.remove("stringData");
            }
            by_kind.entry(kind).or_default().push(value);
            total += 1;
        }
        for ns in namespaces {
            by_kind.entry("Namespace").or_default().push(
                json!({"metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}}),
            );
            total += 1;
        }
        copy += 1;
    }
    let mut replay = Replay {
        objects: total,
        ..Replay::default()
    };
    let mut resources: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for wanted in WANTED {
        let gv = group_version(wanted.group);
        let namespaced = !CLUSTER_SCOPED.contains(&wanted.kind);
        resources.entry(gv.clone()).or_default().push(json!({
            "name": wanted.resource(), "kind": wanted.kind, "namespaced": namespaced,
            "verbs": ["get", "list", "watch"],
        }));
        let base = if wanted.group.is_empty() {
            "/api/v1".to_string()
        } else {
            format!("/apis/{gv}")
        };
        let items = by_kind.remove(wanted.kind).unwrap_or_default();
        let chunks: Vec<&[Value]> = if items.is_empty() {
            vec![&[][..]]
        } else {
            items.chunks(PAGE).collect()
        };
        let count = chunks.len();
        let pages = chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let metadata = if i + 1 < count {
                    json!({"resourceVersion": "100", "continue": format!("page-{}", i + 1)})
                } else {
                    json!({"resourceVersion": "100"})
                };
                let list = json!({"kind": format!("{}List", wanted.kind), "apiVersion": gv, "metadata": metadata, "items": chunk});
                serde_json::to_vec(&list).unwrap_or_default()
            })
            .collect();
        replay
            .pages
            .insert(format!("{base}/{}", wanted.resource()), pages);
    }
    let mut groups = Vec::new();
    for (gv, list) in resources {
        let path = if gv == "v1" {
            "/api/v1".to_string()
        } else {
            format!("/apis/{gv}")
        };
        if let Some((group, _)) = gv.split_once('/') {
            groups.push(json!({"name": group, "versions": [{"groupVersion": gv}], "preferredVersion": {"groupVersion": gv}}));
        }
        let document = json!({"kind": "APIResourceList", "groupVersion": gv, "resources": list});
        replay
            .documents
            .insert(path, serde_json::to_vec(&document).unwrap_or_default());
    }
    replay.documents.insert(
        "/apis".into(),
        serde_json::to_vec(&json!({"kind": "APIGroupList", "groups": groups})).unwrap_or_default(),
    );
    replay
        .documents
        .insert("/version".into(), br#"{"gitVersion":"v1.37.2"}"#.to_vec());
    replay
}

async fn handle(State(replay): State<Arc<Replay>>, request: Request) -> Response {
    let path = request.uri().path();
    if let Some(body) = replay.documents.get(path) {
        return ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response();
    }
    let page = request
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("continue=page-")))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    match replay.pages.get(path).and_then(|pages| pages.get(page)) {
        Some(body) => ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn serve(replay: Replay) -> Option<String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .ok()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .ok()?;
    let address = listener.local_addr().ok()?;
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new(replay));
    std::thread::spawn(move || runtime.block_on(async move { axum::serve(listener, app).await }));
    Some(format!("http://{address}"))
}

fn kubeconfig(url: &str) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().ok()?;
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: replay\nclusters:\n- name: replay\n  cluster:\n    server: {url}\ncontexts:\n- name: replay\n  context:\n    cluster: replay\n    user: reader\nusers:\n- name: reader\n  user:\n    token: replay\n"
    );
    std::fs::write(dir.path().join("kubeconfig"), text).ok()?;
    Some(dir)
}

fn audit(kubeconfig: &Path, verbose: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_palisade"));
    command.args([
        "audit",
        "--no-config",
        "--format",
        "json",
        "--output",
        "/dev/null",
        "--kubeconfig",
    ]);
    command.arg(kubeconfig);
    if verbose {
        command.arg("--verbose");
    } else {
        command.stderr(std::process::Stdio::null());
    }
    command
}

fn bench(c: &mut Criterion) {
    let Some(dir) = corpus_dir() else {
        eprintln!("audit benchmark skipped: corpus not found (set PALISADE_CORPUS)");
        return;
    };
    let target = std::env::var("PALISADE_AUDIT_OBJECTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let replay = replay(&dir, target);
    let objects = replay.objects;
    let Some(url) = serve(replay) else { return };
    let Some(config) = kubeconfig(&url) else {
        return;
    };
    let kubeconfig = config.path().join("kubeconfig");

    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(objects as u64));
    group.bench_function(format!("replayed-{objects}-objects"), |b| {
        b.iter(|| {
            let status = audit(&kubeconfig, false).status();
            assert!(
                matches!(status.as_ref().map(|s| s.code()), Ok(Some(0 | 1))),
                "{status:?}"
            );
        });
    });
    group.finish();

    let mut timed = if Path::new("/usr/bin/time").exists() {
        let mut command = Command::new("/usr/bin/time");
        command.args([
            "-f",
            "palisade: /usr/bin/time: %e s wall, %U s user, %S s system, %M KB peak",
        ]);
        command.arg(env!("CARGO_BIN_EXE_palisade"));
        command.args(audit(&kubeconfig, true).get_args());
        command
    } else {
        audit(&kubeconfig, true)
    };
    if let Ok(output) = timed.output() {
        eprintln!(
            "{objects} objects replayed:\n{}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
