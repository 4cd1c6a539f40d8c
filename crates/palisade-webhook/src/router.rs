//! The HTTP surface: `/validate`, the probes and `/metrics`, with the limits every request
//! goes through.
//!
//! Evaluation usually takes microseconds, so small reviews are evaluated inline on the async
//! worker (handing them to a blocking pool would cost more than it saves); large ones go to the
//! blocking pool. How many are read and evaluated at once is bounded ([`limits`]).

mod body;
pub mod limits;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::decision::{self, Decision};
use crate::logging::{self, clip};
use crate::metrics::{Metrics, RequestSummary};
use crate::policy::Policy;
use crate::review;
use limits::Limits;

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
    limits: Limits,
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
            limits: Limits::new(),
        }
    }

    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
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

/// Wraps routes in a backstop timeout (408 for any route; `/validate` answers its own 408,
/// with a message, a second earlier) and the panic guard (500: a bug in one evaluation must not
/// take the server down).
pub fn guard(routes: Router, metrics: Arc<Metrics>, timeout: Duration) -> Router {
    routes
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout + Duration::from_secs(1),
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

/// `POST /validate`: the whole exchange, body included, within the request timeout; a slow
/// client gets a 408 that says why.
async fn validate(State(app): State<App>, request: Request) -> Response {
    let started = Instant::now();
    let timeout = app.request_timeout;
    match tokio::time::timeout(timeout, review_request(app.clone(), request, started)).await {
        Ok(response) => response,
        Err(_) => {
            app.metrics.failed("invalid", None);
            let message = format!(
                "the review was not received and answered within {} ms",
                timeout.as_millis()
            );
            rejected(StatusCode::REQUEST_TIMEOUT, &message)
        }
    }
}

async fn review_request(app: App, request: Request, started: Instant) -> Response {
    let Some(_receiving) = app.limits.body_slot().await else {
        return busy(&app);
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    // HTTP/1 can refuse a declared over-long body at once (the connection is closed after the
    // answer); HTTP/2 reads it, so that the stream ends cleanly with the 413.
    let too_large = declared.is_some_and(|n| n > MAX_BODY as u64);
    let body = if too_large && request.version() < Version::HTTP_2 {
        Err(body::BodyError::TooLarge)
    } else {
        body::read(request.into_body(), MAX_BODY).await
    };
    let body = match body {
        Ok(body) => body,
        Err(body::BodyError::TooLarge) => {
            app.metrics.failed("invalid", None);
            let message = format!(
                "request body is larger than {} MiB",
                MAX_BODY / (1024 * 1024)
            );
            return rejected(StatusCode::PAYLOAD_TOO_LARGE, &message);
        }
        Err(body::BodyError::Broken(message)) => {
            app.metrics.failed("invalid", None);
            return rejected(
                StatusCode::BAD_REQUEST,
                &format!("reading the body: {message}"),
            );
        }
    };
    let Some(_evaluating) = app.limits.evaluation_slot().await else {
        return busy(&app);
    };
    if body.len() <= limits::INLINE_EVALUATION_LIMIT {
        return evaluate(&app, &body, started);
    }
    let worker = app.clone();
    match tokio::task::spawn_blocking(move || evaluate(&worker, &body, started)).await {
        Ok(response) => response,
        // The evaluation panicked: answer as the panic guard does.
        Err(_) => {
            app.metrics.failed("error", None);
            tracing::error!("panic while evaluating a request; answered 500");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "internal error while evaluating the request",
            )
        }
    }
}

/// Parses and decides one review.
fn evaluate(app: &App, body: &[u8], started: Instant) -> Response {
    let request = match review::parse(body) {
        Ok(request) => request,
        Err(bad) => {
            app.metrics.failed("invalid", Some(started.elapsed()));
            return rejected(StatusCode::BAD_REQUEST, &bad.to_string());
        }
    };
    let summary = RequestSummary::of(&request);
    let decision = decision::decide(&app.policy, request, &palisade_rules::exceptions::today());
    let elapsed = started.elapsed();
    app.metrics.decided(&summary, &decision, elapsed);
    log(&summary, &decision, elapsed);
    json(StatusCode::OK, review::encode(decision.response))
}

/// A request turned away before a decision: logged (rate-limited, so that a flood of bad
/// requests cannot flood the log) and answered with the status and a message.
fn rejected(status: StatusCode, message: &str) -> Response {
    logging::rejected(status.as_u16(), message);
    error(status, reason(status), message)
}

/// Every slot is taken: 429 with `Retry-After`, which the API server treats as a failed call.
fn busy(app: &App) -> Response {
    app.metrics.failed("busy", None);
    logging::rejected(429, "too many reviews at once");
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "too many admission reviews are being evaluated at once; retry shortly",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// One structured line per decision, of bounded size: strings from the request are clipped,
/// and findings are summarised per rule and mode.
fn log(request: &RequestSummary, decision: &Decision, elapsed: Duration) {
    let mut counts: Vec<(&str, &str, usize)> = Vec::new();
    for (code, mode, count) in decision.tallies() {
        match counts.iter_mut().find(|(c, m, _)| (*c, *m) == (code, mode)) {
            Some(entry) => entry.2 += count,
            None => counts.push((code, mode, count)),
        }
    }
    let mut rules = String::new();
    for (code, mode, count) in counts {
        if !rules.is_empty() {
            rules.push(',');
        }
        rules.push_str(code);
        rules.push(':');
        rules.push_str(mode);
        if count > 1 {
            rules.push_str(&format!("x{count}"));
        }
    }
    tracing::info!(
        uid = %clip(&request.uid),
        kind = %clip(&request.kind),
        namespace = %clip(request.namespace.as_deref().unwrap_or("")),
        name = %clip(&request.name),
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
        StatusCode::TOO_MANY_REQUESTS => "TooManyRequests",
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
