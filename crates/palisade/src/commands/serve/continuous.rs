//! The webhook's continuous audit (`palisade serve --audit-interval`): every interval, the
//! cluster is read with the webhook's own service account and checked by the same engine; the
//! OpenReports objects are updated in place and the counts served on `/metrics`.
//!
//! It runs on a thread of its own with one worker for the rules, so that an audit takes at most
//! one core from the admission decisions.

use std::sync::Arc;
use std::time::{Duration, Instant};

use palisade::audit;
use palisade::pipeline::ScanContext;
use palisade_cluster::{Cluster, ReadOptions, Target, WANTED};
use palisade_report::{OpenReportsOptions, render_metrics};
use palisade_rules::Engine;
use palisade_rules::config::Config;
use palisade_webhook::metrics::Metrics;

/// Starts the loop on a thread of its own; the first audit runs `first_after` after start.
pub(crate) fn start(config: Config, interval: Duration, metrics: Arc<Metrics>) {
    let spawned = std::thread::Builder::new()
        .name("palisade-audit".to_string())
        .spawn(move || run(&config, interval, &metrics));
    if let Err(error) = spawned {
        tracing::error!(%error, "the continuous audit could not start");
    }
}

fn run(config: &Config, interval: Duration, metrics: &Metrics) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "the continuous audit could not start its runtime");
            return;
        }
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "palisade-audit-rules".to_string())
        .build()
    {
        Ok(pool) => pool,
        Err(error) => {
            tracing::error!(%error, "the continuous audit could not start its worker");
            return;
        }
    };
    // A short pause first: the webhook is serving before the first audit adds its load.
    std::thread::sleep(interval.min(Duration::from_secs(5)));
    loop {
        let started = Instant::now();
        once(&runtime, &pool, config, metrics);
        std::thread::sleep(interval.saturating_sub(started.elapsed()));
    }
}

/// One audit: read, check, write the reports, update the metrics; everything that goes wrong
/// is logged and the next round tries again.
fn once(
    runtime: &tokio::runtime::Runtime,
    pool: &rayon::ThreadPool,
    config: &Config,
    metrics: &Metrics,
) {
    // Connected each round: the service account's token is rotated.
    let target = Target {
        kubeconfig: None,
        context: None,
        request_timeout: Duration::from_secs(30),
    };
    let cluster = match runtime.block_on(Cluster::connect(&target)) {
        Ok(cluster) => cluster,
        Err(error) => {
            tracing::warn!(%error, "continuous audit: cannot read the cluster");
            return;
        }
    };
    let mut settings = config.settings.clone();
    if settings.kube_version.is_none() {
        settings.kube_version = cluster.server_version().and_then(audit::minor_version);
    }
    let engine = Engine::new(settings);
    let context = ScanContext::for_cluster(&engine, &config.exceptions);
    let options = ReadOptions {
        // Not Secrets: the service account is not granted them (see `palisade install`).
        kinds: WANTED
            .iter()
            .filter(|k| !k.metadata_only)
            .copied()
            .collect(),
        namespaces: Vec::new(),
        concurrency: 2,
    };
    let audited = match audit::audit(runtime, &cluster, &options, &context, Some(pool), &|_| {}) {
        Ok(audited) => audited,
        Err(error) => {
            tracing::warn!(%error, "continuous audit: cannot read the cluster");
            return;
        }
    };
    let report = &audited.report;
    let now = super::super::output::now();
    metrics.set_audit(render_metrics(report, "palisade_audit", now));
    let reports = palisade_report::openreports(
        report,
        &OpenReportsOptions {
            timestamp: now,
            ..OpenReportsOptions::default()
        },
    );
    let errors = runtime.block_on(cluster.apply_reports(&reports));
    let summary = report.summary();
    for gap in &report.errors {
        tracing::warn!(gap = %gap.message, "continuous audit: part of the cluster was not read");
    }
    for error in &errors {
        tracing::warn!(%error, "continuous audit: an OpenReports object was not written");
    }
    tracing::info!(
        objects = report.objects,
        findings = summary.findings,
        waived = summary.waived,
        not_evaluated = report.errors.len(),
        reports_written = reports.len() - errors.len().min(reports.len()),
        seconds = audited.timings.wall.as_secs_f64(),
        "continuous audit finished"
    );
}

/// `10m`, `30s`, `1h`, `90` (seconds): the interval between audits, at least a minute apart in
/// production but any length for tests.
pub(crate) fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |at| text.split_at(at));
    let count: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an interval such as 30s, 10m or 1h"))?;
    let seconds = match unit {
        "s" => count,
        "m" => count.saturating_mul(60),
        "h" => count.saturating_mul(3600),
        _ => {
            return Err(format!(
                "`{text}` is not an interval such as 30s, 10m or 1h"
            ));
        }
    };
    if seconds == 0 {
        return Err("the audit interval must be longer than zero".to_string());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_people_write_them() {
        assert_eq!(parse_interval("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_interval("90"), Ok(Duration::from_secs(90)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("ten minutes").is_err());
        assert!(parse_interval("5d").is_err());
    }
}
