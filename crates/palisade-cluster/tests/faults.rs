//! The reader against a scripted API server on loopback: pagination, retries, and every way a
//! list can fail, each becoming a coverage record while the rest of the audit completes.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use palisade_cluster::{Batch, Cluster, ReadOptions, Scope, Target, WANTED};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Server {
    calls: Arc<Mutex<HashMap<String, usize>>>,
    accepts: Arc<Mutex<HashMap<String, String>>>,
}

fn item(name: &str, namespace: Option<&str>) -> Value {
    match namespace {
        Some(ns) => json!({"metadata": {"name": name, "namespace": ns, "uid": name}}),
        None => json!({"metadata": {"name": name, "uid": name}}),
    }
}

fn page(items: Vec<Value>, next: Option<&str>) -> Response {
    let metadata = next.map_or(json!({}), |t| json!({"continue": t}));
    json_response(
        StatusCode::OK,
        &json!({"kind": "List", "metadata": metadata, "items": items}),
    )
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn status(code: StatusCode, message: &str) -> Response {
    json_response(
        code,
        &json!({"kind": "Status", "status": "Failure", "message": message, "code": code.as_u16()}),
    )
}

fn resource(name: &str, kind: &str, namespaced: bool) -> Value {
    json!({"name": name, "kind": kind, "namespaced": namespaced, "verbs": ["get", "list", "watch"]})
}

async fn handle(State(server): State<Server>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or("").to_string();
    let call = {
        let mut calls = server.calls.lock().unwrap();
        let n = calls.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    if let Some(accept) = request.headers().get(header::ACCEPT) {
        server
            .accepts
            .lock()
            .unwrap()
            .insert(path.clone(), accept.to_str().unwrap_or("").to_string());
    }
    let continued = query.contains("continue=");
    match path.as_str() {
        "/version" => json_response(StatusCode::OK, &json!({"gitVersion": "v1.36.1"})),
        "/api/v1" => json_response(
            StatusCode::OK,
            &json!({"resources": [
                resource("namespaces", "Namespace", false),
                resource("pods", "Pod", true),
                resource("secrets", "Secret", true),
                resource("configmaps", "ConfigMap", true),
                resource("services", "Service", true),
            ]}),
        ),
        "/apis" => json_response(
            StatusCode::OK,
            &json!({"groups": [{
                "name": "apps",
                "versions": [{"groupVersion": "apps/v1"}],
                "preferredVersion": {"groupVersion": "apps/v1"},
            }]}),
        ),
        "/apis/apps/v1" => json_response(
            StatusCode::OK,
            &json!({"resources": [
                resource("deployments", "Deployment", true),
                resource("deployments/scale", "Scale", true),
                resource("replicasets", "ReplicaSet", true),
            ]}),
        ),
        // Busy once, then fine.
        "/api/v1/namespaces" if call == 1 => status(StatusCode::TOO_MANY_REQUESTS, "slow down"),
        "/api/v1/namespaces" => page(vec![item("shop", None), json!("not an object")], None),
        // Failing twice, then two pages.
        "/apis/apps/v1/deployments" if call <= 2 => {
            status(StatusCode::INTERNAL_SERVER_ERROR, "etcd leader changed")
        }
        "/apis/apps/v1/deployments" if !continued => {
            page(vec![item("web", Some("shop"))], Some("c+1/="))
        }
        "/apis/apps/v1/deployments" if query.contains("continue=c%2B1%2F%3D") => {
            page(vec![item("api", Some("shop"))], None)
        }
        "/apis/apps/v1/deployments" => status(StatusCode::BAD_REQUEST, "bad continue token"),
        "/apis/apps/v1/replicasets" => {
            (StatusCode::OK, "<html>proxy says hello</html>").into_response()
        }
        // One page, then the token has expired.
        "/api/v1/pods" if !continued => page(
            vec![item("a", Some("shop")), item("b", Some("shop"))],
            Some("t1"),
        ),
        "/api/v1/pods" => status(
            StatusCode::GONE,
            "The provided continue parameter is too old",
        ),
        // A full Secret if asked for one: the reader must not.
        "/api/v1/secrets" => page(
            vec![
                json!({"metadata": {"name": "db", "namespace": "shop"}, "data": {"password": "aHVudGVyMg=="}}),
            ],
            None,
        ),
        "/api/v1/configmaps" => status(
            StatusCode::FORBIDDEN,
            "configmaps is forbidden: User \"bob\" cannot list resource \"configmaps\"",
        ),
        // The connection breaks in the middle of the body, every time.
        "/api/v1/services" => {
            let chunks: Vec<Result<&'static str, std::io::Error>> =
                vec![Ok("{\"items\": ["), Err(std::io::Error::other("reset"))];
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap()
        }
        _ => status(StatusCode::NOT_FOUND, "not found"),
    }
}

async fn serve(server: Server) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(handle).with_state(server);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

fn kubeconfig(url: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake-cluster\n  cluster:\n    server: {url}\ncontexts:\n- name: fake\n  context:\n    cluster: fake-cluster\n    user: nobody\nusers:\n- name: nobody\n  user:\n    token: abc\n"
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_a_record_and_the_rest_is_read() {
    let server = Server::default();
    let url = serve(server.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let target = Target {
        kubeconfig: Some(kubeconfig(&url, dir.path())),
        context: None,
        request_timeout: Duration::from_secs(5),
    };
    let cluster = Cluster::connect(&target).await.unwrap();
    assert_eq!(
        (cluster.name(), cluster.server_version()),
        ("fake-cluster", Some("v1.36.1"))
    );

    let wanted = [
        "Namespace",
        "Deployment",
        "ReplicaSet",
        "Pod",
        "Secret",
        "ConfigMap",
        "Service",
        "NetworkPolicy",
    ];
    let options = ReadOptions {
        kinds: WANTED
            .iter()
            .filter(|k| wanted.contains(&k.kind))
            .copied()
            .collect(),
        namespaces: Vec::new(),
        concurrency: 3,
    };
    let batches: Mutex<Vec<Batch>> = Mutex::new(Vec::new());
    let sink = |batch: Batch| batches.lock().unwrap().push(batch);
    let reading = cluster.read(&options, &sink).await.unwrap();

    let objects: Vec<String> = batches
        .into_inner()
        .unwrap()
        .into_iter()
        .flat_map(|b| b.objects)
        .map(|o| o.origin.path.to_string())
        .collect();
    for expected in [
        "fake-cluster/Namespace/shop",
        "fake-cluster/shop/Deployment/web",
        "fake-cluster/shop/Deployment/api",
        "fake-cluster/shop/Pod/a",
        "fake-cluster/shop/Pod/b",
        "fake-cluster/shop/Secret/db",
    ] {
        assert!(
            objects.iter().any(|o| o == expected),
            "{expected} not read: {objects:?}"
        );
    }

    let gaps: HashMap<&str, (&Scope, &str, usize)> = reading
        .not_evaluated
        .iter()
        .map(|g| {
            (
                g.resource.as_str(),
                (&g.scope, g.reason.as_str(), g.objects_read),
            )
        })
        .collect();
    let reason = |resource: &str| gaps.get(resource).map(|g| g.1).unwrap_or("");
    assert!(
        reason("pods").contains("continue token expired after 2 objects (410 Gone)"),
        "{gaps:?}"
    );
    assert_eq!(gaps.get("pods").map(|g| g.2), Some(2));
    assert!(
        reason("configmaps").starts_with("403 Forbidden: configmaps is forbidden"),
        "{gaps:?}"
    );
    assert!(
        reason("replicasets.apps").contains("could not be decoded"),
        "{gaps:?}"
    );
    assert!(
        reason("services").contains("connection")
            && reason("services").contains("after 4 attempts"),
        "{gaps:?}"
    );
    assert_eq!(
        reason("NetworkPolicy.networking.k8s.io"),
        "the server does not serve it"
    );
    assert_eq!(
        reason("namespaces"),
        "1 of its items are not objects and were not checked"
    );
    assert_eq!(gaps.get("namespaces").map(|g| g.2), Some(1));
    assert_eq!(gaps.len(), 6, "{gaps:?}");
    assert!(gaps.values().all(|g| *g.0 == Scope::ClusterWide));

    let calls = server.calls.lock().unwrap();
    assert_eq!(
        calls.get("/api/v1/namespaces"),
        Some(&2),
        "one retry after 429"
    );
    assert_eq!(
        calls.get("/apis/apps/v1/deployments"),
        Some(&4),
        "two retries, then two pages"
    );
    assert_eq!(
        calls.get("/api/v1/configmaps"),
        Some(&1),
        "a refusal is not retried"
    );
    assert_eq!(calls.get("/api/v1/services"), Some(&4));
    let accepts = server.accepts.lock().unwrap();
    assert!(
        accepts
            .get("/api/v1/secrets")
            .is_some_and(|a| a.starts_with("application/json;as=PartialObjectMetadataList")),
        "{accepts:?}"
    );
    assert!(
        accepts
            .get("/api/v1/pods")
            .is_some_and(|a| a == "application/json")
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let target = Target {
        kubeconfig: Some(kubeconfig("http://127.0.0.1:9", dir.path())),
        context: None,
        request_timeout: Duration::from_secs(2),
    };
    let error = Cluster::connect(&target).await.unwrap_err().to_string();
    assert!(error.starts_with("cannot reach the cluster:"), "{error}");
}
