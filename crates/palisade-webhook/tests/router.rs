//! The router called in-process with real AdmissionReview JSON: decisions, modes, bad
//! requests, limits, probes and metrics, with no network.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use palisade_rules::config::Config;
use palisade_webhook::metrics::Metrics;
use palisade_webhook::router::limits::Limits;
use palisade_webhook::router::{App, guard, metrics_router};
use palisade_webhook::{Policy, router};
use serde_json::{Value, json};
use tower::ServiceExt as _;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn app(config: &str) -> App {
    let policy = Policy::new(
        Config::parse("test.yaml", config).unwrap(),
        Some("palisade"),
    )
    .unwrap();
    let app = App::new(Arc::new(policy), Arc::new(Metrics::new()));
    app.set_ready(true);
    app
}

async fn call(app: &App, request: Request<Body>) -> (StatusCode, Bytes) {
    let response = router(app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

fn post(body: impl Into<Body>) -> Request<Body> {
    Request::post("/validate")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

/// Posts a review and returns its `response`.
async fn review(app: &App, review: &Value) -> Value {
    let (status, body) = call(app, post(serde_json::to_vec(review).unwrap())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(answer["kind"], "AdmissionReview");
    assert_eq!(answer["response"]["uid"], review["request"]["uid"]);
    answer["response"].clone()
}

async fn bad(app: &App, body: impl Into<Body>) -> (StatusCode, String) {
    let (status, body) = call(app, post(body)).await;
    let status_body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status_body["kind"], "Status");
    (status, status_body["message"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn privileged_pod_is_denied_naming_rule_container_and_field() {
    let response = review(&app(""), &fixture("pod-create-privileged.json")).await;
    assert_eq!(response["allowed"], false);
    assert_eq!(response["status"]["code"], 403);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Pod shop/debug-tools has "),
        "{message}"
    );
    let line = message
        .lines()
        .find(|l| l.contains("[PSS002 pss-privileged]"))
        .unwrap_or_else(|| panic!("{message}"));
    assert!(
        line.contains("\"shell\"")
            && line.contains("spec.containers[0].securityContext.privileged"),
        "{line}"
    );
}

#[tokio::test]
async fn restricted_pod_is_allowed() {
    let response = review(&app(""), &fixture("pod-create-restricted.json")).await;
    assert_eq!(response["allowed"], true, "{response:#}");
    assert!(response.get("warnings").is_none());
}

#[tokio::test]
async fn deployment_is_checked_through_its_pod_template() {
    // Denying on every severity, so that the medium latest-tag finding is in the denial.
    let strict = "webhook:\n  fail-on: info\n";
    let response = review(&app(strict), &fixture("deployment-create.json")).await;
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.starts_with("Deployment shop/web has "), "{message}");
    assert!(message.contains("[IMG001 image-latest-tag]"), "{message}");
    assert!(
        message.contains("spec.template.spec.containers[0]"),
        "{message}"
    );
}

#[tokio::test]
async fn cronjob_is_checked_through_its_job_template() {
    let response = review(&app(""), &fixture("cronjob-create.json")).await;
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("spec.jobTemplate.spec.template.spec.hostNetwork"),
        "{message}"
    );
    assert!(
        message.contains("pss-host-path-volumes") || message.contains("hostPath"),
        "{message}"
    );
}

#[tokio::test]
async fn roles_are_checked_by_per_object_rules_only() {
    // Role permissions are judged by set rules (RBAC across bindings), which need the whole
    // cluster and do not run in the webhook; a ClusterRoleBinding to cluster-admin is a
    // per-object finding.
    let role = review(&app(""), &fixture("role-create.json")).await;
    assert_eq!(role["allowed"], true, "{role:#}");
    let binding = review(&app(""), &fixture("clusterrolebinding-create.json")).await;
    assert_eq!(binding["allowed"], false);
    let message = binding["status"]["message"].as_str().unwrap();
    assert!(
        message.contains("[RBAC009 rbac-cluster-admin-binding]"),
        "{message}"
    );
}

#[tokio::test]
async fn updates_are_evaluated_and_deletes_are_not() {
    let app = app("");
    let update = review(&app, &fixture("pod-update.json")).await;
    assert_eq!(update["allowed"], false);
    let delete = review(&app, &fixture("pod-delete.json")).await;
    assert_eq!(delete["allowed"], true);
    assert!(delete.get("warnings").is_none());
}

#[tokio::test]
async fn warn_and_audit_modes_allow_with_warnings_and_annotations() {
    let app = app("webhook:\n  default-mode: warn\n  modes:\n    images: audit\n");
    let response = review(&app, &fixture("deployment-create.json")).await;
    assert_eq!(response["allowed"], true);
    let warnings = response["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty());
    assert!(
        warnings
            .iter()
            .all(|w| w.as_str().unwrap().starts_with('['))
    );
    assert!(
        !warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("[IMG001"))
    );
    let annotations = response["auditAnnotations"].as_object().unwrap();
    assert!(
        annotations.contains_key("image-latest-tag"),
        "{annotations:?}"
    );
}

#[tokio::test]
async fn exempt_namespaces_pass_unchecked() {
    let app = app("");
    for namespace in ["kube-system", "palisade"] {
        let mut review_json = fixture("pod-create-privileged.json");
        review_json["request"]["namespace"] = json!(namespace);
        review_json["request"]["object"]["metadata"]["namespace"] = json!(namespace);
        assert_eq!(review(&app, &review_json).await["allowed"], true);
    }
}

#[tokio::test]
async fn each_bad_request_gets_400_with_a_clear_message() {
    let app = app("");
    let with = |edit: fn(&mut Value)| {
        let mut v = fixture("pod-create-privileged.json");
        edit(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{\"apiVersion\": ".to_vec(), "malformed JSON"),
        (b"not json at all".to_vec(), "malformed JSON"),
        (
            with(|v| v["apiVersion"] = json!("admission.k8s.io/v1beta1")),
            "apiVersion is \"admission.k8s.io/v1beta1\"",
        ),
        (
            with(|v| v["kind"] = json!("ConversionReview")),
            "kind is \"ConversionReview\"",
        ),
        (
            with(|v| {
                v.as_object_mut().unwrap().remove("request");
            }),
            "has no request",
        ),
        (
            with(|v| {
                v["request"].as_object_mut().unwrap().remove("uid");
            }),
            "request.uid is missing",
        ),
        (
            with(|v| v["request"]["object"] = json!(null)),
            "request.object does not decode",
        ),
        (
            with(|v| v["request"]["object"] = json!([1, 2])),
            "request.object does not decode",
        ),
        (
            with(|v| {
                v["request"]["object"]
                    .as_object_mut()
                    .unwrap()
                    .remove("kind");
            }),
            "request.object does not decode: it has no kind",
        ),
        (
            with(|v| v["request"]["operation"] = json!("MERGE")),
            "not an AdmissionReview",
        ),
    ];
    for (body, expected) in cases {
        let (status, message) = bad(&app, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{message}");
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message:?}"
        );
    }
}

#[tokio::test]
async fn bodies_over_3_mib_get_413() {
    let app = app("");
    let mut review_json = fixture("pod-create-privileged.json");
    review_json["request"]["object"]["metadata"]["annotations"]["padding"] =
        json!("x".repeat(3 * 1024 * 1024));
    let (status, message) = bad(&app, serde_json::to_vec(&review_json).unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(message.contains("3 MiB"), "{message}");
    // Just under the limit is fine.
    review_json["request"]["object"]["metadata"]["annotations"]["padding"] =
        json!("x".repeat(2 * 1024 * 1024));
    assert_eq!(review(&app, &review_json).await["allowed"], false);
}

#[tokio::test]
async fn a_stalled_body_times_out_with_408() {
    let app = app("").with_request_timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let (status, body) = call(&app, post(Body::new(Stalled { sent: false }))).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The answer says why, as every other error does.
    let status_body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status_body["reason"], "Timeout");
    assert!(
        status_body["message"].as_str().unwrap().contains("200 ms"),
        "{status_body}"
    );
}

#[tokio::test]
async fn when_every_slot_is_taken_a_request_gets_429_with_retry_after() {
    let app = app("").with_limits(Limits::with_slots(1, 1));
    // A client that never finishes its body holds the only slot.
    let holder = tokio::spawn({
        let app = app.clone();
        async move { call(&app, post(Body::new(Stalled { sent: false }))).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let response = router(app.clone())
        .oneshot(post(
            serde_json::to_vec(&fixture("pod-create-restricted.json")).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    holder.abort();
}

#[tokio::test]
async fn a_pod_with_thousands_of_findings_gets_a_bounded_answer() {
    let mut review_json = fixture("pod-create-privileged.json");
    let container = review_json["request"]["object"]["spec"]["containers"][0].clone();
    let containers: Vec<Value> = (0..2_000)
        .map(|i| {
            let mut c = container.clone();
            c["name"] = json!(format!("c{i}"));
            c
        })
        .collect();
    review_json["request"]["object"]["spec"]["containers"] = json!(containers);

    let response = review(&app(""), &review_json).await;
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.len() <= 4096, "{} bytes", message.len());
    assert!(
        message.contains("more (palisade scan lists them all)"),
        "{message}"
    );
    assert!(message.lines().count() <= 22, "{message}");
    // The count covers findings beyond the engine's per-rule cap too: at least one per
    // privileged container, and the closing line accounts for all that are not listed.
    let total: usize = message
        .split(" has ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(total >= 2_000, "{message}");
    let listed = message.lines().filter(|l| l.starts_with("- [")).count();
    assert!(
        message.ends_with(&format!(
            "- and {} more (palisade scan lists them all)",
            total - listed
        )),
        "{message}"
    );

    let response = review(&app("webhook:\n  default-mode: warn\n"), &review_json).await;
    let warnings = response["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 21);
    assert!(
        warnings[20].as_str().unwrap().starts_with("and "),
        "{}",
        warnings[20]
    );

    let response = review(&app("webhook:\n  default-mode: audit\n"), &review_json).await;
    for (key, value) in response["auditAnnotations"].as_object().unwrap() {
        assert!(value.as_str().unwrap().len() < 2_200, "{key}");
    }
}

#[tokio::test]
async fn crafted_kinds_cannot_create_metric_series() {
    let app = app("");
    for i in 0..50 {
        let mut review_json = fixture("pod-create-restricted.json");
        review_json["request"]["kind"]["kind"] = json!(format!("Crafted{i}{}", "x".repeat(1_000)));
        review_json["request"]["uid"] = json!(format!("uid-{i}"));
        call(&app, post(serde_json::to_vec(&review_json).unwrap())).await;
    }
    let text = app.metrics.encode();
    assert!(!text.contains("Crafted"), "a crafted kind became a label");
    assert!(text.contains("kind=\"other\""), "{text}");
    assert!(text.len() < 20_000, "{} bytes of metrics", text.len());
}

/// A body that sends its first bytes and then nothing, as a stalled client does.
struct Stalled {
    sent: bool,
}

impl axum::body::HttpBody for Stalled {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if self.sent {
            return std::task::Poll::Pending;
        }
        self.sent = true;
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(Bytes::from_static(
            b"{\"apiVersion\":",
        )))))
    }
}

async fn boom() -> &'static str {
    panic!("evaluation bug")
}

#[tokio::test]
async fn a_panic_answers_500_and_the_server_goes_on() {
    let metrics = Arc::new(Metrics::new());
    let routes = Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/fine", axum::routing::get(|| async { "fine" }));
    let guarded = guard(routes, metrics.clone(), Duration::from_secs(1));
    let response = guarded
        .clone()
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = guarded
        .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(metrics.encode().contains("decision=\"error\""));
}

#[tokio::test]
async fn probes_follow_readiness() {
    let policy = Policy::new(Config::default(), None).unwrap();
    let app = App::new(Arc::new(policy), Arc::new(Metrics::new()));
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    assert_eq!(call(&app, get("/healthz")).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, get("/readyz")).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.set_ready(true);
    assert_eq!(call(&app, get("/readyz")).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, Request::get("/validate").body(Body::empty()).unwrap())
            .await
            .0,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn metrics_count_decisions_but_not_dry_run_violations() {
    let app = app("");
    review(&app, &fixture("pod-create-privileged.json")).await;
    let mut dry = fixture("pod-create-privileged.json");
    dry["request"]["dryRun"] = json!(true);
    dry["request"]["uid"] = json!("dry-1");
    let response = review(&app, &dry).await;
    assert_eq!(
        response["allowed"], false,
        "dry runs are evaluated like any request"
    );
    bad(&app, &b"{"[..]).await;

    let response = metrics_router(app.clone())
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let sample = |prefix: &str| common::sample(&text, prefix);
    assert_eq!(
        sample(
            "palisade_webhook_requests_total{decision=\"denied\",kind=\"Pod\",operation=\"CREATE\",dry_run=\"false\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            "palisade_webhook_requests_total{decision=\"denied\",kind=\"Pod\",operation=\"CREATE\",dry_run=\"true\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample("palisade_webhook_requests_total{decision=\"invalid\""),
        Some(1.0)
    );
    // One privileged finding counted, from the real request only.
    assert_eq!(
        sample("palisade_webhook_findings_total{rule=\"PSS002\",mode=\"enforce\",kind=\"Pod\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample("palisade_webhook_request_duration_seconds_count"),
        Some(3.0)
    );
    assert!(sample("palisade_webhook_rules").is_some_and(|n| n > 10.0));
    assert!(text.contains("# TYPE palisade_webhook_certificate_expiry_timestamp_seconds gauge"));
}
