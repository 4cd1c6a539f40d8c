//! Load benchmark: the webhook over TLS with keep-alive, driven at fixed request rates
//! (open loop) with real pod AdmissionReviews and the full rule set.
//!
//! The server runs in-process on its own two-thread runtime, as `palisade serve` does on two
//! cores; the load generator has one async thread plus a scheduler thread. Latency is measured
//! from when each request was *due*, not when it was sent, so a stalled server shows up in the
//! percentiles instead of slowing the load down (no coordinated omission).
//!
//! Environment: `PALISADE_LOAD_SECONDS` (per rate, default 10), `PALISADE_LOAD_RATES`
//! (default `1000,5000`), `PALISADE_LOAD_CONNECTIONS` (default 16), `PALISADE_LOAD_H2=1` for
//! one multiplexed HTTP/2 connection per worker instead of HTTP/1.1,
//! `PALISADE_LOAD_SERVER_THREADS` (default 2), `PALISADE_LOAD_LOG` (log filter, default `info`;
//! `off` to measure without logging).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "benchmark"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hyper::body::Bytes;
use palisade_rules::config::Config;
use palisade_webhook::tls::CertFiles;
use palisade_webhook::{Policy, ServeOptions};
use serde_json::Value;
use tokio::sync::{Mutex, mpsc};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with no such flag and
    // only wants to know it builds.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let seconds: u64 = env_or("PALISADE_LOAD_SECONDS", 10);
    let rates: Vec<u64> = std::env::var("PALISADE_LOAD_RATES")
        .unwrap_or_else(|_| "1000,5000".to_string())
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let connections: usize = env_or("PALISADE_LOAD_CONNECTIONS", 16);
    let h2 = std::env::var("PALISADE_LOAD_H2").is_ok_and(|v| v == "1");

    let dir = tempfile::tempdir().unwrap();
    let cert = common::test_cert();
    let (cert_path, key_path) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    cert.write(&cert_path, &key_path);

    // Logs are formatted as in production and written to /dev/null.
    let null = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .unwrap();
    let log_filter = std::env::var("PALISADE_LOAD_LOG").unwrap_or_else(|_| "info".to_string());
    palisade_webhook::logging::init(&log_filter, Arc::new(null)).unwrap();

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(env_or("PALISADE_LOAD_SERVER_THREADS", 2))
        .thread_name("server")
        .enable_all()
        .build()
        .unwrap();
    let any = "127.0.0.1:0".parse().unwrap();
    let options = ServeOptions::new(
        any,
        any,
        CertFiles {
            cert: cert_path,
            key: key_path,
        },
    );
    let policy = Policy::new(Config::default(), Some("palisade")).unwrap();
    let rules = policy.engine().rules().len();
    let running = server_rt
        .block_on(palisade_webhook::start(options, policy))
        .unwrap();
    let addr = running.addr;

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("client")
        .enable_all()
        .build()
        .unwrap();
    let bodies = Arc::new(bodies());
    let connector = common::connector(&cert.der, h2);
    println!(
        "palisade webhook load: {rules} rules, {} pod reviews ({} to {} bytes), {connections} {} connections over TLS, {seconds} s per rate",
        bodies.len(),
        bodies.iter().map(Bytes::len).min().unwrap_or(0),
        bodies.iter().map(Bytes::len).max().unwrap_or(0),
        if h2 { "HTTP/2" } else { "HTTP/1.1 keep-alive" },
    );
    println!("RSS at start: {:.1} MiB", rss_mib());
    // Warm up connections, caches and the allocator.
    client_rt.block_on(run_rate(
        addr,
        &connector,
        h2,
        connections,
        &bodies,
        1000,
        Duration::from_secs(2),
    ));
    println!("RSS after warm-up: {:.1} MiB", rss_mib());
    for rate in rates {
        let before = rss_mib();
        let cpu_before = cpu_seconds();
        let server_before = thread_cpu_seconds("server");
        let result = client_rt.block_on(run_rate(
            addr,
            &connector,
            h2,
            connections,
            &bodies,
            rate,
            Duration::from_secs(seconds),
        ));
        let cpu = cpu_seconds() - cpu_before;
        let server = thread_cpu_seconds("server") - server_before;
        let count = result.latencies_us.len().max(1) as f64;
        result.print(rate, before, rss_mib());
        println!(
            "  CPU per request: {:.0} us in the server's threads, {:.0} us in all (load generator included); {:.2} cores in all",
            server * 1e6 / count,
            cpu * 1e6 / count,
            cpu / seconds as f64
        );
    }
    server_rt.block_on(running.shutdown()).unwrap();
}

/// Real pod reviews: the fixtures' denied privileged pod and allowed restricted pod, each
/// with distinct uids.
fn bodies() -> Vec<Bytes> {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for name in ["pod-create-privileged.json", "pod-create-restricted.json"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let review: Value = serde_json::from_str(&text).unwrap();
        for i in 0..32 {
            let mut review = review.clone();
            review["request"]["uid"] = Value::String(format!("load-{name}-{i}"));
            out.push(Bytes::from(serde_json::to_vec(&review).unwrap()));
        }
    }
    out
}

/// A latency slot whose request got no answer.
const UNANSWERED: u64 = u64::MAX;

struct RateResult {
    latencies_us: Vec<u64>,
    errors: u64,
    elapsed: Duration,
    denied: u64,
    /// RSS sampled once a second during the run.
    rss_samples: Vec<f64>,
}

impl RateResult {
    fn print(mut self, rate: u64, rss_before: f64, rss_after: f64) {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        let pct = |p: f64| {
            if n == 0 {
                return 0.0;
            }
            let index = ((p / 100.0) * n as f64).ceil() as usize;
            self.latencies_us[index.clamp(1, n) - 1] as f64 / 1000.0
        };
        println!(
            "target {rate:>5} rps: achieved {:>7.0} rps, {n} ok, {} errors, {} denied | latency ms p50 {:.3} p99 {:.3} p99.9 {:.3} max {:.3} | RSS {:.1} -> {:.1} MiB (during the run: {:.1} first, {:.1} last, {:.1} max)",
            n as f64 / self.elapsed.as_secs_f64(),
            self.errors,
            self.denied,
            pct(50.0),
            pct(99.0),
            pct(99.9),
            pct(100.0),
            rss_before,
            rss_after,
            self.rss_samples.first().copied().unwrap_or(0.0),
            self.rss_samples.last().copied().unwrap_or(0.0),
            self.rss_samples.iter().copied().fold(0.0, f64::max),
        );
    }
}

/// Sends `rate` requests a second for `duration`, open loop, and collects latencies.
async fn run_rate(
    addr: std::net::SocketAddr,
    connector: &tokio_rustls::TlsConnector,
    h2: bool,
    connections: usize,
    bodies: &Arc<Vec<Bytes>>,
    rate: u64,
    duration: Duration,
) -> RateResult {
    let total = rate * duration.as_secs();
    // One latency slot per request, written before the run starts, so that recording
    // latencies does not grow the process while its memory is sampled.
    let slots: Arc<Vec<AtomicU64>> =
        Arc::new((0..total).map(|_| AtomicU64::new(UNANSWERED)).collect());
    let (tx, rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let rx = Arc::new(Mutex::new(rx));
    let errors = Arc::new(AtomicU64::new(0));
    let denied = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..connections {
        let client = Client::connect(addr, connector, h2).await;
        let (rx, bodies, errors, denied, slots) = (
            rx.clone(),
            bodies.clone(),
            errors.clone(),
            denied.clone(),
            slots.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut client = client;
            loop {
                let next = rx.lock().await.recv().await;
                let Some((i, due)) = next else { break };
                let index = usize::try_from(i).unwrap_or(0);
                let body = bodies[index % bodies.len()].clone();
                match client.send(body).await {
                    Some(answer) => {
                        let micros =
                            u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX - 1);
                        slots[index].store(micros, Ordering::Relaxed);
                        if answer.windows(15).any(|w| w == b"\"allowed\":false") {
                            denied.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    None => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    // The schedule runs on its own thread: request i is due at start + i / rate.
    let started = Instant::now();
    let scheduler = std::thread::spawn(move || {
        let interval = Duration::from_secs_f64(1.0 / rate as f64);
        let mut rss_samples =
            Vec::with_capacity(usize::try_from(duration.as_secs()).unwrap_or(0) + 1);
        for i in 0..total {
            if i % rate == 0 {
                rss_samples.push(rss_mib());
            }
            let due = started + interval.mul_f64(i as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if tx.send((i, due)).is_err() {
                break;
            }
        }
        rss_samples
    });
    for worker in workers {
        worker.await.unwrap();
    }
    let latencies_us = slots
        .iter()
        .map(|slot| slot.load(Ordering::Relaxed))
        .filter(|&micros| micros != UNANSWERED)
        .collect();
    let rss_samples = scheduler.join().unwrap();
    RateResult {
        rss_samples,
        latencies_us,
        errors: errors.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        denied: denied.load(Ordering::Relaxed),
    }
}

enum Client {
    H1(hyper::client::conn::http1::SendRequest<http_body_util::Full<Bytes>>),
    H2(hyper::client::conn::http2::SendRequest<http_body_util::Full<Bytes>>),
}

impl Client {
    async fn connect(
        addr: std::net::SocketAddr,
        connector: &tokio_rustls::TlsConnector,
        h2: bool,
    ) -> Self {
        if h2 {
            Self::H2(common::http2(addr, connector).await)
        } else {
            Self::H1(common::http1(addr, connector).await)
        }
    }

    /// Posts a review; the answer body when the status is 200.
    async fn send(&mut self, body: Bytes) -> Option<Bytes> {
        let request = common::post("/validate", body);
        let response = match self {
            Self::H1(sender) => {
                sender.ready().await.ok()?;
                sender.send_request(request).await.ok()?
            }
            Self::H2(sender) => {
                sender.ready().await.ok()?;
                sender.send_request(request).await.ok()?
            }
        };
        let (status, body) = common::read(response).await;
        (status == 200).then_some(body)
    }
}

/// User and system CPU time of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    stat_cpu_seconds(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

/// User and system CPU seconds from a `/proc/.../stat` line.
fn stat_cpu_seconds(stat: &str) -> f64 {
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; the clock
    // ticks 100 times a second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time of this process's threads whose name starts with `prefix`, in seconds.
fn thread_cpu_seconds(prefix: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm")).is_ok_and(|c| c.starts_with(prefix))
        })
        .map(|task| {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            stat_cpu_seconds(&stat)
        })
        .sum()
}

/// Resident memory of this process (server and load generator together).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
