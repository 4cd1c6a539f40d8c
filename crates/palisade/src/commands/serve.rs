//! `palisade serve`: run the admission webhook (the server lives in `palisade-webhook`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::anyhow;
use clap::Args;
use palisade_rules::config::Config;
use palisade_webhook::tls::CertFiles;
use palisade_webhook::{Policy, ServeOptions};

use super::EXIT_CLEAN;

mod continuous;

pub(crate) use continuous::parse_interval;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address of the HTTPS webhook (`POST /validate`, `GET /healthz`, `GET /readyz`).
    #[arg(
        long,
        env = "PALISADE_LISTEN",
        value_name = "ADDR",
        default_value = "0.0.0.0:8443"
    )]
    listen: SocketAddr,

    /// Serving certificate chain (PEM). Reloaded when it changes on disk.
    #[arg(long, env = "PALISADE_TLS_CERT", value_name = "FILE")]
    tls_cert: PathBuf,

    /// Private key of the serving certificate (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "PALISADE_TLS_KEY", value_name = "FILE")]
    tls_key: PathBuf,

    /// Address of the plain-HTTP metrics port (`GET /metrics`, and the probes again).
    #[arg(
        long,
        env = "PALISADE_METRICS_LISTEN",
        value_name = "ADDR",
        default_value = "0.0.0.0:9090"
    )]
    metrics_listen: SocketAddr,

    /// Configuration file (`.palisade.yaml`): rules, exceptions and the `webhook` section
    /// [default: built-in defaults].
    #[arg(long, env = "PALISADE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// The namespace the webhook runs in; it is never checked, so the webhook can always be
    /// repaired.
    #[arg(long, env = "POD_NAMESPACE", value_name = "NAME")]
    namespace: Option<String>,

    /// Seconds between turning unready and closing the listener on SIGTERM, so that the
    /// Service stops sending requests first.
    #[arg(
        long,
        env = "PALISADE_SHUTDOWN_DELAY",
        value_name = "SECONDS",
        default_value_t = 0
    )]
    shutdown_delay: u64,

    /// Log filter (`info`, `debug`, `palisade_webhook=debug`, ...). Logs are JSON lines on
    /// standard output.
    #[arg(
        long,
        env = "PALISADE_LOG",
        value_name = "FILTER",
        default_value = "info"
    )]
    log: String,

    /// Audit the cluster in the background this often (`10m`, `1h`) with the webhook's service
    /// account: OpenReports objects updated in place (the CRDs must be installed), the counts
    /// on `/metrics` as `palisade_audit_*`.
    #[arg(long, env = "PALISADE_AUDIT_INTERVAL", value_name = "INTERVAL", value_parser = continuous::parse_interval)]
    audit_interval: Option<Duration>,
}

pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = load(args)?;
    // The audit's own copy: exceptions keep track of what they waived, per run.
    let audit_config = match args.audit_interval {
        Some(interval) => Some((load(args)?, interval)),
        None => None,
    };
    let policy = Policy::new(config, args.namespace.as_deref()).map_err(|e| anyhow!("{e}"))?;
    palisade_webhook::logging::init(&args.log, std::io::stdout)
        .map_err(|e| anyhow!("--log: {e}"))?;
    let mut options = ServeOptions::new(
        args.listen,
        args.metrics_listen,
        CertFiles {
            cert: args.tls_cert.clone(),
            key: args.tls_key.clone(),
        },
    );
    options.shutdown_delay = Duration::from_secs(args.shutdown_delay);
    if let Some((config, interval)) = audit_config {
        continuous::start(config, interval, options.metrics.clone());
    }
    palisade_webhook::run(options, policy)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

fn load(args: &ServeArgs) -> anyhow::Result<Config> {
    Ok(match &args.config {
        Some(path) => Config::load(path).map_err(|e| anyhow!("{e}"))?,
        None => Config::default(),
    })
}
