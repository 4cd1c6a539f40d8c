//! Listeners and lifecycle: the TLS webhook port, the plain-HTTP metrics port, certificate
//! reload, readiness, and graceful shutdown on SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::head_timeout::HeadTimeoutAcceptor;
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::router::{self, App};
use crate::tls::{self, CertFiles, TlsError};

/// How the server runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The webhook's HTTPS address.
    pub listen: SocketAddr,
    /// The plain-HTTP address of `/metrics` (and the probes).
    pub metrics_listen: SocketAddr,
    pub tls: CertFiles,
    /// How often the certificate files are checked for a new pair.
    pub reload_interval: Duration,
    /// Longest time from a request's first byte to its answer; a client that sends its body
    /// slower gets 408.
    pub request_timeout: Duration,
    /// Longest time a request's headers may take from their first byte (and a new connection
    /// to send its first request's headers).
    pub header_timeout: Duration,
    /// Longest time a keep-alive connection may sit idle between requests (or take to send a
    /// later request's headers). Longer than the API server's own idle timeout (90 s), so that
    /// it is the API server that closes idle connections: a server closing one just as a
    /// request goes out on it would fail that request.
    pub idle_timeout: Duration,
    /// Longest TLS handshake.
    pub handshake_timeout: Duration,
    /// On shutdown, time between turning unready and closing the listener, so that the
    /// Service's endpoints drop the pod before it stops answering.
    pub shutdown_delay: Duration,
    /// On shutdown, how long in-flight requests may take before connections are closed.
    pub shutdown_grace: Duration,
    /// The metrics `/metrics` serves: shared with whoever adds to them (the continuous audit).
    pub metrics: Arc<Metrics>,
}

impl ServeOptions {
    /// Options with the defaults for everything but the addresses and files.
    pub fn new(listen: SocketAddr, metrics_listen: SocketAddr, tls: CertFiles) -> Self {
        Self {
            listen,
            metrics_listen,
            tls,
            reload_interval: Duration::from_secs(5),
            request_timeout: router::DEFAULT_REQUEST_TIMEOUT,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            handshake_timeout: Duration::from_secs(10),
            shutdown_delay: Duration::ZERO,
            shutdown_grace: Duration::from_secs(25),
            metrics: Arc::new(Metrics::new()),
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The certificate or key cannot be used.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// An address could not be bound.
    #[error("cannot listen on {addr} ({what}): {source}")]
    Bind {
        what: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The async runtime could not be built.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A server loop failed.
    #[error("the {what} server failed: {message}")]
    Server { what: &'static str, message: String },
}

/// A started server.
#[derive(Debug)]
pub struct Running {
    /// Where the webhook listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    pub app: App,
    handle: Handle<SocketAddr>,
    webhook: JoinHandle<std::io::Result<()>>,
    metrics: JoinHandle<std::io::Result<()>>,
    stop_metrics: oneshot::Sender<()>,
    watcher: JoinHandle<()>,
    shutdown_delay: Duration,
    shutdown_grace: Duration,
}

/// Loads the certificate, binds both ports and starts serving; ready when it returns.
pub async fn start(options: ServeOptions, policy: Policy) -> Result<Running, ServeError> {
    let metrics = options.metrics.clone();
    let loaded = options.tls.load()?;
    if let Some(not_after) = loaded.not_after {
        metrics.set_certificate_expiry(not_after);
    }
    let rustls = RustlsConfig::from_config(loaded.config.clone());
    let app =
        App::new(Arc::new(policy), metrics.clone()).with_request_timeout(options.request_timeout);

    let bind_error = |what, addr| move |source| ServeError::Bind { what, addr, source };
    let listener = std::net::TcpListener::bind(options.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(bind_error("webhook", options.listen))?;
    let addr = listener
        .local_addr()
        .map_err(bind_error("webhook", options.listen))?;
    let metrics_listener = tokio::net::TcpListener::bind(options.metrics_listen)
        .await
        .map_err(bind_error("metrics", options.metrics_listen))?;
    let metrics_addr = metrics_listener
        .local_addr()
        .map_err(bind_error("metrics", options.metrics_listen))?;

    let handle = Handle::new();
    let mut server = axum_server::tls_rustls::from_tcp_rustls(listener, rustls.clone())
        .map_err(bind_error("webhook", options.listen))?
        // Without TCP_NODELAY, a response written in more than one segment (HTTP/2 frames)
        // waits for the client's delayed ACK: 40 ms added to some requests.
        .map(|acceptor| {
            HeadTimeoutAcceptor::new(
                acceptor
                    .handshake_timeout(options.handshake_timeout)
                    .acceptor(NoDelayAcceptor::new()),
                options.header_timeout,
            )
        })
        .first_request_timeout(options.header_timeout)
        .handle(handle.clone());
    // hyper starts this timer as soon as it waits for a request's head, so on a keep-alive
    // connection it is the idle timeout; the head itself gets `header_timeout` from its first
    // byte (HeadTimeoutAcceptor).
    server
        .http_builder()
        .http1()
        .keep_alive(true)
        .header_read_timeout(Some(options.idle_timeout));
    // Pings find API servers that went away without closing their HTTP/2 connections.
    server
        .http_builder()
        .http2()
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(Duration::from_secs(10));
    let webhook = tokio::spawn(server.serve(router::router(app.clone()).into_make_service()));

    let (stop_metrics, stopped) = oneshot::channel::<()>();
    let metrics_server = axum::serve(metrics_listener, router::metrics_router(app.clone()))
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
    let metrics_task = tokio::spawn(async move { metrics_server.await });

    let watcher = tokio::spawn(tls::watch(
        options.tls.clone(),
        rustls,
        loaded,
        metrics,
        options.reload_interval,
    ));
    app.set_ready(true);
    Ok(Running {
        addr,
        metrics_addr,
        app,
        handle,
        webhook,
        metrics: metrics_task,
        stop_metrics,
        watcher,
        shutdown_delay: options.shutdown_delay,
        shutdown_grace: options.shutdown_grace,
    })
}

impl Running {
    /// Resolves if the webhook server stops on its own (it should not).
    pub async fn stopped(&mut self) -> ServeError {
        let message = match (&mut self.webhook).await {
            Ok(Ok(())) => "stopped".to_string(),
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        ServeError::Server {
            what: "webhook",
            message,
        }
    }

    /// Stops gracefully: unready first, then (after the shutdown delay) no new connections,
    /// in-flight requests answered, idle keep-alive connections closed.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        self.app.set_ready(false);
        tokio::time::sleep(self.shutdown_delay).await;
        self.handle.graceful_shutdown(Some(self.shutdown_grace));
        let webhook = self.webhook.await;
        let _ = self.stop_metrics.send(());
        let metrics = self.metrics.await;
        self.watcher.abort();
        for (what, result) in [("webhook", webhook), ("metrics", metrics)] {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    return Err(ServeError::Server {
                        what,
                        message: e.to_string(),
                    });
                }
                Err(e) => {
                    return Err(ServeError::Server {
                        what,
                        message: e.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Runs the server until SIGTERM or SIGINT, then shuts down gracefully. Builds its own
/// runtime, so the caller needs none.
pub fn run(options: ServeOptions, policy: Policy) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let rules = policy.engine().rules().len();
        let exempt: Vec<String> = policy.exempt_namespaces().map(str::to_string).collect();
        let inline: Vec<String> = if policy.honours_inline_exceptions() {
            policy
                .inline_exception_namespaces()
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        let modes = policy.describe_modes().join("; ");
        let mut running = start(options, policy).await?;
        tracing::info!(
            listen = %running.addr,
            metrics = %running.metrics_addr,
            rules,
            exempt_namespaces = %exempt.join(","),
            inline_exceptions_in = %if inline.is_empty() { "none".to_string() } else { inline.join(",") },
            modes = %modes,
            "palisade webhook serving"
        );
        tokio::select! {
            signal = shutdown_signal() => {
                tracing::info!(signal, "shutting down; finishing in-flight requests");
            }
            error = running.stopped() => return Err(error),
        }
        running.shutdown().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Waits for SIGTERM (what kubelet sends) or SIGINT (Ctrl-C).
async fn shutdown_signal() -> &'static str {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => "SIGINT",
        () = terminate => "SIGTERM",
    }
}
