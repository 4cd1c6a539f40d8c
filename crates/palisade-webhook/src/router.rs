//! The HTTP surface: `/validate`, the probes and `/metrics`, with the limits every request
//! goes through.
//!
//! Evaluation takes microseconds, so it runs inline on the async worker: handing it to a
//! blocking pool would cost more than it saves.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::decision::{self, Decision};
use crate::metrics::{Metrics, RequestSummary};
use crate::policy::Policy;
use crate::review;

/// Largest AdmissionReview body accepted. The API server caps objects at about 1.5 MiB and a
/// review carries the object twice on UPDATE.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// How long a request may take from its first byte to the answer, reading a slow body
/// included, unless configured otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct App {
    pub policy: Arc<Policy>,
    pub metrics: Arc<Metrics>,
    ready: Arc<AtomicBool>,
    request_timeout: Duration,
}

impl App {
    /// A new application, not ready until [`App::set_ready`].
    pub fn new(policy: Arc<Policy>, metrics: Arc<Metrics>) -> Self {
        metrics.set_rules(policy.engine().rules().len());
        Self {
            policy,
            metrics,
            ready: Arc::new(AtomicBool::new(false)),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Readiness: true once rules and certificates are loaded, false again while shutting
    /// down.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}

/// The webhook's routes (served over TLS): `POST /validate`, `GET /healthz`, `GET /readyz`.
pub fn router(app: App) -> Router {
    let timeout = app.request_timeout;
    let metrics = app.metrics.clone();
    let routes = Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app);
    guard(routes, metrics, timeout)
}

/// Wraps routes in the request timeout (408: covers a client that sends its body too slowly)
/// and the panic guard (500: a bug in one evaluation must not take the server down).
pub fn guard(routes: Router, metrics: Arc<Metrics>, timeout: Duration) -> Router {
    routes
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(move |_| {
            metrics.failed("error", None);
            tracing::error!("panic while handling a request; answered 500");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "internal error while evaluating the request",
            )
        }))
}

/// The metrics port's routes (plain HTTP): `GET /metrics` and the probes again, so that
/// kubelet can probe without TLS.
pub fn metrics_router(app: App) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(app)
}

async fn validate(State(app): State<App>, body: Result<Bytes, BytesRejection>) -> Response {
    let started = Instant::now();
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            app.metrics.failed("invalid", None);
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "request body is larger than {} MiB",
                    MAX_BODY / (1024 * 1024)
                )
            } else {
                rejection.body_text()
            };
            tracing::warn!(status = status.as_u16(), error = %message, "rejected request");
            return error(status, reason(status), &message);
        }
    };
    let request = match review::parse(&body) {
        Ok(request) => request,
        Err(bad) => {
            app.metrics.failed("invalid", Some(started.elapsed()));
            let message = bad.to_string();
            tracing::warn!(status = 400, error = %message, "rejected request");
            return error(StatusCode::BAD_REQUEST, "BadRequest", &message);
        }
    };
    let summary = RequestSummary::of(&request);
    let decision = decision::decide(&app.policy, request, &palisade_rules::exceptions::today());
    let elapsed = started.elapsed();
    app.metrics.decided(&summary, &decision, elapsed);
    log(&summary, &decision, elapsed);
    json(StatusCode::OK, review::encode(decision.response))
}

/// One structured line per decision.
fn log(request: &RequestSummary, decision: &Decision, elapsed: Duration) {
    let mut rules = String::new();
    for judged in &decision.findings {
        if !rules.is_empty() {
            rules.push(',');
        }
        rules.push_str(judged.finding.rule.code);
        rules.push(':');
        rules.push_str(judged.mode.map_or("waived", |m| m.as_str()));
    }
    tracing::info!(
        uid = %request.uid,
        kind = %request.kind,
        namespace = request.namespace.as_deref().unwrap_or(""),
        name = %request.name,
        operation = request.operation,
        dry_run = request.dry_run,
        decision = decision.outcome.as_str(),
        reason = decision.outcome.reason(),
        rules = %rules,
        duration_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        "admission decision"
    );
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<App>) -> Response {
    if app.is_ready() {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
    }
}

async fn metrics(State(app): State<App>) -> Response {
    let mut response = app.metrics.encode().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(prometheus_client::encoding::prometheus_text::CONTENT_TYPE),
    );
    response
}

fn reason(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "RequestEntityTooLarge",
        StatusCode::REQUEST_TIMEOUT => "Timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaType",
        _ => "BadRequest",
    }
}

fn error(status: StatusCode, reason: &str, message: &str) -> Response {
    json(status, review::error_body(status.as_u16(), reason, message))
}

fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
