//! One GET against the API server, retried with backoff when the server is busy or the
//! connection fails, and its failure described in words a user can act on.

use std::time::Duration;

use http::{HeaderValue, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use kube::Client;
use kube::client::Body;

/// How many times a request is tried before its failure is reported.
pub(crate) const ATTEMPTS: u32 = 4;
const FIRST_DELAY: Duration = Duration::from_millis(250);
const LONGEST_DELAY: Duration = Duration::from_secs(4);

/// Why a GET gave no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The server's message or the transport error.
    pub message: String,
}

impl Failure {
    /// `403 Forbidden: user "bob" cannot list …`, or the transport error.
    pub fn describe(&self) -> String {
        match self.status {
            Some(code) => {
                let reason = StatusCode::from_u16(code)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                if self.message.is_empty() {
                    format!("{code} {reason}")
                } else {
                    format!("{code} {reason}: {}", self.message)
                }
            }
            None => self.message.clone(),
        }
    }
}

/// GETs a path (with its query) and returns the body, retrying 429, 5xx and transport errors.
pub(crate) async fn get(client: &Client, path: &str, accept: &str) -> Result<Vec<u8>, Failure> {
    send(
        client,
        &Call {
            method: http::Method::GET,
            path,
            accept,
            body: None,
        },
    )
    .await
}

/// A server-side apply of one object (`fieldManager=palisade`, conflicts forced: the object is
/// Palisade's own), retried as a GET is.
pub(crate) async fn apply(client: &Client, path: &str, object: &[u8]) -> Result<Vec<u8>, Failure> {
    let path = format!("{path}?fieldManager=palisade&force=true");
    let call = Call {
        method: http::Method::PATCH,
        path: &path,
        accept: "application/json",
        body: Some(("application/apply-patch+yaml", object)),
    };
    send(client, &call).await
}

/// One request: method, path with query, `Accept`, and a body with its content type.
struct Call<'a> {
    method: http::Method,
    path: &'a str,
    accept: &'a str,
    body: Option<(&'a str, &'a [u8])>,
}

async fn send(client: &Client, call: &Call<'_>) -> Result<Vec<u8>, Failure> {
    let mut delay = FIRST_DELAY;
    let mut attempt = 1;
    loop {
        match send_once(client, call).await {
            Ok(body) => return Ok(body),
            Err((failure, retry_after)) if attempt < ATTEMPTS && retryable(&failure) => {
                tracing::debug!(path = call.path, attempt, error = %failure.describe(), "retrying");
                tokio::time::sleep(retry_after.unwrap_or(delay).min(LONGEST_DELAY)).await;
                delay = (delay * 2).min(LONGEST_DELAY);
                attempt += 1;
            }
            Err((failure, _)) if attempt > 1 && retryable(&failure) => {
                return Err(Failure {
                    message: format!("{} (after {attempt} attempts)", failure.message),
                    ..failure
                });
            }
            Err((failure, _)) => return Err(failure),
        }
    }
}

/// Busy or failing servers and dropped connections are worth another try; a refusal is not.
fn retryable(failure: &Failure) -> bool {
    match failure.status {
        None => true,
        Some(code) => code == 429 || (500..600).contains(&code),
    }
}

async fn send_once(
    client: &Client,
    call: &Call<'_>,
) -> Result<Vec<u8>, (Failure, Option<Duration>)> {
    let transport = |message: String| {
        (
            Failure {
                status: None,
                message,
            },
            None,
        )
    };
    let body = call
        .body
        .map_or_else(Body::empty, |(_, bytes)| Body::from(bytes.to_vec()));
    let mut request = Request::builder()
        .method(call.method.clone())
        .uri(call.path)
        .body(body)
        .map_err(|e| transport(e.to_string()))?;
    if let Ok(value) = HeaderValue::from_str(call.accept) {
        request.headers_mut().insert(header::ACCEPT, value);
    }
    if let Some((content_type, _)) = call.body
        && let Ok(value) = HeaderValue::from_str(content_type)
    {
        request.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    let response = client
        .send(request)
        .await
        .map_err(|e| transport(describe_transport(&e)))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| {
            transport(format!(
                "the connection broke while reading the answer: {e}"
            ))
        })?
        .to_bytes()
        .to_vec();
    if status.is_success() {
        return Ok(body);
    }
    Err((
        Failure {
            status: Some(status.as_u16()),
            message: status_message(&body),
        },
        retry_after,
    ))
}

/// The `message` of a `metav1.Status` body, or the start of whatever else the server sent.
fn status_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Status {
        #[serde(default)]
        message: String,
    }
    match serde_json::from_slice::<Status>(body) {
        Ok(status) => status.message,
        Err(_) => String::from_utf8_lossy(body)
            .trim()
            .chars()
            .take(200)
            .collect(),
    }
}

/// A transport error with its causes, which is where TLS and DNS problems are named.
fn describe_transport(error: &kube::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_name_the_status_and_the_servers_message() {
        let forbidden = Failure {
            status: Some(403),
            message: status_message(br#"{"kind":"Status","message":"roles is forbidden"}"#),
        };
        assert_eq!(forbidden.describe(), "403 Forbidden: roles is forbidden");
        let html = Failure {
            status: Some(502),
            message: status_message(b"<html>bad gateway</html>\n"),
        };
        assert_eq!(html.describe(), "502 Bad Gateway: <html>bad gateway</html>");
        assert!(retryable(&html));
        assert!(!retryable(&forbidden));
        assert!(retryable(&Failure {
            status: None,
            message: "connection refused".into()
        }));
    }
}
