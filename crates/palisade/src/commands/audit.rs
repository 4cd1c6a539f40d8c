//! `palisade audit`: what is actually running, read from a live cluster and checked by the
//! same engine, configuration and exceptions as `scan`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use clap::Args;
use palisade::audit::{self, Audited};
use palisade::pipeline::ScanContext;
use palisade_cluster::{Cluster, ReadOptions, Reading, Target};
use palisade_report::{OpenReportsOptions, Report};
use palisade_rules::Engine;

use super::check::{CheckArgs, Prepared, severity_counts, verdict};
use super::output::{now, write_outputs};
use super::report_file::write_report_file;
use super::{EXIT_ERROR, is_broken_pipe};

mod progress;

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Kubeconfig file [default: `KUBECONFIG`, else `~/.kube/config`, else the pod's service
    /// account].
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,

    /// Kubeconfig context [default: the current context].
    #[arg(long, value_name = "NAME")]
    context: Option<String>,

    /// Read namespaced objects only in this namespace (repeatable); findings on other objects,
    /// cluster-scoped ones included, are left out.
    #[arg(long, short, value_name = "NAMESPACE")]
    namespace: Vec<String>,

    /// Read only these kinds (`deployments`, `Pod`, `rolebindings.rbac.authorization.k8s.io`),
    /// comma-separated or repeated [default: every kind the rules read].
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    kinds: Vec<String>,

    /// Exit by the findings even when part of the cluster could not be read (the gaps are still
    /// reported); without it a gap exits 2.
    #[arg(long)]
    allow_partial: bool,

    /// Write the results to the cluster as OpenReports objects (`openreports.io/v1alpha1`): a
    /// `Report` named `palisade` in each namespace and a `ClusterReport`, updated in place on
    /// every run (the CRDs must be installed). `--format openreports` writes them as YAML instead.
    #[arg(long)]
    emit_reports: bool,

    /// Results per OpenReports report; the rest are counted in the summary and one overflow
    /// result.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    reports_max_results: usize,

    /// Write the audit's counts (findings by rule, severity and namespace; objects; gaps) in
    /// the Prometheus text format to this file, e.g. for node-exporter's textfile collector.
    #[arg(long, value_name = "FILE")]
    metrics_file: Option<PathBuf>,

    /// Seconds one request to the API server may take.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    request_timeout: u64,

    /// Lists in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N", hide = true)]
    concurrency: usize,

    #[command(flatten)]
    check: CheckArgs,
}

pub(crate) fn run(args: &AuditArgs) -> anyhow::Result<ExitCode> {
    let kinds = palisade_cluster::select(&args.kinds).map_err(|unknown| {
        let known: Vec<&str> = palisade_cluster::WANTED.iter().map(|k| k.kind).collect();
        anyhow!(
            "--kinds: {} not read by any rule (the kinds are: {})",
            unknown.join(", "),
            known.join(", ")
        )
    })?;
    let Prepared {
        outputs,
        mut config,
        fail_on,
        mut write,
    } = args.check.prepare(&PathBuf::from("."))?;
    write.openreports.max_results = args.reports_max_results.max(1);
    // A narrowed audit did not judge cluster-scoped objects: it must not replace the cluster
    // report of a full one.
    write.openreports.cluster_report = args.namespace.is_empty();
    let target = Target {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
    };
    let options = ReadOptions {
        kinds,
        namespaces: args.namespace.clone(),
        concurrency: args.concurrency,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the network runtime")?;
    let cluster = runtime
        .block_on(Cluster::connect(&target))
        .map_err(|e| anyhow!("{e}"))?;
    // The cluster's own version decides version-aware rules unless one was asked for.
    if config.settings.kube_version.is_none() {
        config.settings.kube_version = cluster.server_version().and_then(audit::minor_version);
    }
    let engine = Engine::new(config.settings.clone());
    let context = ScanContext::for_cluster(&engine, &config.exceptions);
    let progress = progress::Progress::start();
    let audited = audit::audit(&runtime, &cluster, &options, &context, None, &|batch| {
        progress.read(batch);
    });
    drop(progress);
    let Audited {
        report,
        reading,
        timings,
    } = audited.map_err(|e| anyhow!("{e}"))?;

    let code = verdict(&report, fail_on, !args.allow_partial);
    match write_outputs(&outputs, &report, &write) {
        Err(error) if is_broken_pipe(&error) => {}
        result => result?,
    }
    if let Some(path) = &args.metrics_file {
        let text = palisade_report::render_metrics(&report, "palisade_audit", now());
        write_report_file(path, &text, "metrics", args.check.create_dirs)
            .with_context(|| format!("writing the metrics to {}", path.display()))?;
    }
    let mut code = code;
    if args.emit_reports {
        let options = OpenReportsOptions {
            timestamp: now(),
            ..write.openreports.clone()
        };
        let reports = palisade_report::openreports(&report, &options);
        let errors = runtime.block_on(cluster.apply_reports(&reports));
        for error in &errors {
            eprintln!("palisade: error: OpenReports: {error}");
        }
        if errors.is_empty() {
            eprintln!(
                "palisade: wrote {} OpenReports objects to {}",
                reports.len(),
                cluster.name()
            );
        } else {
            code = EXIT_ERROR;
        }
    }
    eprintln!("{}", summary(&report, &reading, &cluster));
    if args.check.verbose {
        let peak = audit::peak_memory()
            .map_or_else(|| "unknown".to_string(), |kb| format!("{} MB", kb / 1024));
        eprintln!("palisade: timings: {timings}; peak memory {peak}");
    }
    Ok(ExitCode::from(code))
}

/// The line on standard error after every audit: what was read and found, and what was not.
fn summary(report: &Report, reading: &Reading, cluster: &Cluster) -> String {
    let summary = report.summary();
    let by_severity = severity_counts(&summary);
    let read: usize = reading.listed.iter().map(|(_, n)| n).sum();
    let mut line = format!(
        "palisade: audited {} ({}): {} objects read, {} checked, {} finding{}",
        cluster.name(),
        cluster.server_version().unwrap_or("version unknown"),
        read,
        report.objects,
        summary.findings,
        if summary.findings == 1 { "" } else { "s" }
    );
    if !by_severity.is_empty() {
        line.push_str(&format!(" ({by_severity})"));
    }
    if summary.waived > 0 {
        line.push_str(&format!(", {} waived", summary.waived));
    }
    if !reading.not_evaluated.is_empty() {
        line.push_str(&format!(
            "; {} resource types not (wholly) read: the result is partial",
            reading.not_evaluated.len()
        ));
    }
    line
}
