//! The server over real TLS on 127.0.0.1: HTTP/1.1 keep-alive and HTTP/2, certificate reload
//! without dropping connections, slow clients, the metrics port and graceful shutdown.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{TestCert, connector, get, http1, http2, post, read, sample, test_cert};
use palisade_rules::config::Config;
use palisade_webhook::tls::CertFiles;
use palisade_webhook::{Policy, Running, ServeOptions};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

struct Fixture {
    _dir: tempfile::TempDir,
    cert_path: PathBuf,
    key_path: PathBuf,
    cert: TestCert,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let cert = test_cert();
    let cert_path = dir.path().join("tls.crt");
    let key_path = dir.path().join("tls.key");
    cert.write(&cert_path, &key_path);
    Fixture {
        _dir: dir,
        cert_path,
        key_path,
        cert,
    }
}

async fn start(f: &Fixture, edit: impl FnOnce(&mut ServeOptions)) -> Running {
    let any = "127.0.0.1:0".parse().unwrap();
    let mut options = ServeOptions::new(
        any,
        any,
        CertFiles {
            cert: f.cert_path.clone(),
            key: f.key_path.clone(),
        },
    );
    options.reload_interval = Duration::from_millis(50);
    edit(&mut options);
    let policy = Policy::new(Config::default(), Some("palisade")).unwrap();
    palisade_webhook::start(options, policy).await.unwrap()
}

fn pod_review() -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/pod-create-privileged.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn metrics_text(running: &Running) -> String {
    let mut tcp = tokio::net::TcpStream::connect(running.metrics_addr)
        .await
        .unwrap();
    tcp.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    tcp.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test]
async fn http1_keep_alive_and_http2_both_answer_reviews() {
    let f = fixture();
    let running = start(&f, |_| {}).await;
    let mut h1 = http1(running.addr, &connector(&f.cert.der, false)).await;
    for _ in 0..3 {
        let (status, body) = read(
            h1.send_request(post("/validate", pod_review()))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        let answer: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(answer["response"]["allowed"], false);
    }
    let mut h2 = http2(running.addr, &connector(&f.cert.der, true)).await;
    let (status, _) = read(
        h2.send_request(post("/validate", pod_review()))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = read(h2.send_request(get("/readyz")).await.unwrap()).await;
    assert_eq!((status.as_u16(), &body[..]), (200, &b"ready"[..]));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rotated_certificate_is_served_without_dropping_connections() {
    let f = fixture();
    let running = start(&f, |_| {}).await;
    let old_client = connector(&f.cert.der, false);
    let mut kept = http1(running.addr, &old_client).await;
    assert_eq!(
        read(kept.send_request(get("/healthz")).await.unwrap())
            .await
            .0,
        200
    );

    let rotated = test_cert();
    rotated.write(&f.cert_path, &f.key_path);
    let new_client = connector(&rotated.der, false);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(tls) = common::tls_connect(running.addr, &new_client).await {
            let served = tls.get_ref().1.peer_certificates().unwrap()[0].clone();
            assert_eq!(served, rotated.der);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new certificate was never served"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The connection made with the old certificate still works.
    assert_eq!(
        read(
            kept.send_request(post("/validate", pod_review()))
                .await
                .unwrap()
        )
        .await
        .0,
        200
    );

    // A broken pair is refused and the good one stays.
    std::fs::write(&f.cert_path, "not a certificate").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sample(
        &metrics_text(&running).await,
        "palisade_webhook_certificate_reloads_total{result=\"failure\"}",
    )
    .is_none()
    {
        assert!(
            Instant::now() < deadline,
            "the broken certificate was never noticed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(common::tls_connect(running.addr, &new_client).await.is_ok());
    let text = metrics_text(&running).await;
    assert_eq!(
        sample(
            &text,
            "palisade_webhook_certificate_reloads_total{result=\"success\"}"
        ),
        Some(1.0)
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_metrics_port_is_plain_http_and_reports_certificate_expiry() {
    let f = fixture();
    let running = start(&f, |_| {}).await;
    let text = metrics_text(&running).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    // rcgen's default validity ends in 4096.
    let expiry = sample(
        &text,
        "palisade_webhook_certificate_expiry_timestamp_seconds",
    )
    .unwrap();
    assert!(expiry > 4.0e9, "{expiry}");
    assert!(text.contains("palisade_webhook_rules "));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_is_disconnected() {
    let f = fixture();
    let running = start(&f, |o| o.header_timeout = Duration::from_millis(300)).await;
    let mut tls = common::tls_connect(running.addr, &connector(&f.cert.der, false))
        .await
        .unwrap();
    tls.write_all(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf))
        .await
        .expect("not disconnected");
    // Either a 408 or a closed connection, well before the test's own limit.
    assert!(
        n.is_err()
            || n.as_ref()
                .is_ok_and(|n| *n == 0 || buf.starts_with(b"HTTP/1.1 408"))
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let f = fixture();
    let running = start(&f, |o| o.idle_timeout = Duration::from_millis(300)).await;
    let mut tls = common::tls_connect(running.addr, &connector(&f.cert.der, false))
        .await
        .unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = tls.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Kept alive, then closed once idle for longer than the idle timeout.
    let started = Instant::now();
    let n = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf))
        .await
        .expect("not closed");
    assert!(n.is_err() || n.is_ok_and(|n| n == 0));
    assert!(started.elapsed() >= Duration::from_millis(250));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_later_request_head_gets_the_header_timeout_not_the_idle_timeout() {
    let f = fixture();
    let running = start(&f, |o| {
        o.header_timeout = Duration::from_millis(300);
        o.idle_timeout = Duration::from_secs(30);
    })
    .await;
    let mut tls = common::tls_connect(running.addr, &connector(&f.cert.der, false))
        .await
        .unwrap();
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = tls.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Idle for longer than the header timeout: still open.
    tokio::time::sleep(Duration::from_millis(600)).await;
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let n = tls.read(&mut buf).await.unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "kept alive while idle"
    );
    // A head that starts and stalls is cut off after the header timeout.
    tls.write_all(b"POST /validate HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let n = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf))
        .await
        .expect("not disconnected");
    assert!(n.is_err() || n.is_ok_and(|n| n == 0));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_http2_body_over_the_limit_gets_413_with_its_message() {
    let f = fixture();
    let running = start(&f, |_| {}).await;
    let mut h2 = http2(running.addr, &connector(&f.cert.der, true)).await;
    let body = vec![b' '; 3 * 1024 * 1024 + 10];
    let response = h2.send_request(post("/validate", body)).await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 413);
    assert!(String::from_utf8_lossy(&body).contains("3 MiB"));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_stalls_in_its_body_gets_408() {
    let f = fixture();
    let running = start(&f, |o| o.request_timeout = Duration::from_millis(300)).await;
    let mut tls = common::tls_connect(running.addr, &connector(&f.cert.der, false))
        .await
        .unwrap();
    tls.write_all(b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_then_refuses_new_ones() {
    let f = fixture();
    let running = start(&f, |_| {}).await;
    let addr = running.addr;
    let body = pod_review();
    let mut tls = common::tls_connect(addr, &connector(&f.cert.der, false))
        .await
        .unwrap();
    // Headers and half the body: the request is in flight.
    let head = format!(
        "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(&body[..body.len() / 2]).await.unwrap();
    tls.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let app = running.app.clone();
    let shutdown = tokio::spawn(running.shutdown());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!app.is_ready(), "unready as soon as shutdown starts");
    assert!(!shutdown.is_finished(), "waits for the request in flight");

    tls.write_all(&body[body.len() / 2..]).await.unwrap();
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"allowed\":false"));
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
