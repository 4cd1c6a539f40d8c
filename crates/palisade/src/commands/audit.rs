//! `palisade audit`: what is actually running, read from a live cluster and checked by the
//! same engine, configuration and exceptions as `scan`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use clap::Args;
use palisade::pipeline::{self, CheckedBatch, ScanContext};
use palisade_cluster::{Batch, Cluster, ReadOptions, Reading, Target};
use palisade_model::loader::WalkOptions;
use palisade_report::{InputError, OpenReportsOptions, Report};
use palisade_rules::{Engine, Severity, exceptions};
use rayon::iter::{ParallelBridge as _, ParallelIterator as _};

use super::check::{CheckArgs, Prepared};
use super::output::{now, write_outputs};
use super::report_file::write_report_file;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, is_broken_pipe};

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
        config.settings.kube_version = cluster.server_version().and_then(minor_version);
    }
    let engine = Engine::new(config.settings.clone());
    let context = ScanContext {
        engine: &engine,
        exceptions: &config.exceptions,
        today: exceptions::today(),
        walk: WalkOptions::default(),
        helm_values: Vec::new(),
    };
    let progress = progress::Progress::start();
    let started = Instant::now();
    let checking = AtomicU64::new(0);
    let (sender, receiver) = mpsc::channel::<Batch>();
    // Pages are checked on the worker threads while the next ones are read.
    let (reading, batches) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| {
            receiver
                .into_iter()
                .par_bridge()
                .map(|batch| {
                    let started = Instant::now();
                    let checked = pipeline::check_objects(batch.objects, &context);
                    let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                    checking.fetch_add(spent, Ordering::Relaxed);
                    checked
                })
                .collect::<Vec<CheckedBatch>>()
        });
        let sink = move |batch: Batch| {
            progress.read(&batch);
            // The receiver lives until every page is sent.
            let _ = sender.send(batch);
        };
        let reading = runtime.block_on(cluster.read(&options, &sink));
        drop(sink);
        (reading, checker.join())
    });
    let reading = reading.map_err(|e| anyhow!("{e}"))?;
    let batches = batches.map_err(|_| anyhow!("checking the cluster's objects failed"))?;
    let read_at = started.elapsed();
    let set_started = Instant::now();
    let mut report = pipeline::report_of(batches, &context);
    let timings = Timings {
        wall: Duration::ZERO,
        reading: read_at,
        decoding: reading.decoding,
        checking: Duration::from_nanos(checking.into_inner()),
        set_rules: set_started.elapsed(),
    };
    narrow(&mut report, &args.namespace);
    add_gaps(&mut report, &reading, cluster.name());
    report.pods = reading.pods.clone();
    report.cluster = Some(cluster.name().to_string());

    let failing = report
        .findings
        .iter()
        .any(|f| f.finding.waiver.is_none() && fail_on.fails(f.finding.severity));
    let code = if !report.errors.is_empty() && !args.allow_partial {
        EXIT_ERROR
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    match write_outputs(&outputs, &report, &write) {
        Err(error) if is_broken_pipe(&error) => {}
        result => result?,
    }
    if let Some(path) = &args.metrics_file {
        let text = palisade_report::render_metrics(&report, now());
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
        let timings = Timings {
            wall: started.elapsed(),
            ..timings
        };
        eprintln!("{timings}");
    }
    Ok(ExitCode::from(code))
}

/// Where an audit's time went, for `--verbose` and the benchmark.
struct Timings {
    /// From the first list to the last report written.
    wall: Duration,
    /// Until the last page was read (and checked, as pages are checked while others are read).
    reading: Duration,
    /// Turning pages into objects, summed over the lists in flight.
    decoding: Duration,
    /// The per-object rules, summed over the worker threads.
    checking: Duration,
    /// PSS by namespace, the set rules and the report, after the last page.
    set_rules: Duration,
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "palisade: timings: {:.3} s in all; reading {:.3} s (decoding {:.3} s); \
             per-object rules {:.3} s; set rules and report {:.3} s; peak memory {}",
            self.wall.as_secs_f64(),
            self.reading.as_secs_f64(),
            self.decoding.as_secs_f64(),
            self.checking.as_secs_f64(),
            self.set_rules.as_secs_f64(),
            peak_memory().map_or_else(|| "unknown".to_string(), |kb| format!("{} MB", kb / 1024)),
        )
    }
}

/// The process's peak resident set (`VmHWM`, in KiB), where Linux reports it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `1.37` of `v1.37.2`, `v1.30.4-eks-1234`.
fn minor_version(git_version: &str) -> Option<(u16, u16)> {
    let mut parts = git_version.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// With `--namespace`, only what is in those namespaces (and those Namespace objects) is
/// reported: cluster-scoped objects were read for context (bindings to ClusterRoles, the
/// namespaces' PSS labels), not to be judged.
fn narrow(report: &mut Report, namespaces: &[String]) {
    if namespaces.is_empty() {
        return;
    }
    let selected = |object: &palisade_model::ObjectRef| match &object.namespace {
        Some(ns) => namespaces.contains(ns),
        None => object.kind == "Namespace" && namespaces.contains(&object.name),
    };
    report.findings.retain(|f| selected(&f.finding.object));
    report.checked.retain(|c| selected(&c.object));
    // About cluster-scoped RBAC defaults, which are outside any namespace.
    report.notices.retain(|n| n.kind != "bootstrap-rbac");
    report.objects = report.checked.len();
}

/// What could not be read, in every report as an input that could not be read.
fn add_gaps(report: &mut Report, reading: &Reading, cluster: &str) {
    report
        .errors
        .extend(reading.not_evaluated.iter().map(|gap| InputError {
            path: cluster.to_string(),
            line: None,
            column: None,
            message: gap.to_string(),
        }));
}

/// The line on standard error after every audit: what was read and found, and what was not.
fn summary(report: &Report, reading: &Reading, cluster: &Cluster) -> String {
    let summary = report.summary();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let count = summary.by_severity.get(s).copied().unwrap_or(0);
            (count > 0).then(|| format!("{count} {s}"))
        })
        .collect();
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
        line.push_str(&format!(" ({})", by_severity.join(", ")));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minor_version_is_read_from_any_vendors_build() {
        assert_eq!(minor_version("v1.37.2"), Some((1, 37)));
        assert_eq!(minor_version("v1.30.4-eks-1234"), Some((1, 30)));
        assert_eq!(minor_version("v1.29+k3s1"), Some((1, 29)));
        assert_eq!(minor_version("unknown"), None);
    }
}
