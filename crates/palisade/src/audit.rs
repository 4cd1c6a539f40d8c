//! An audit of a live cluster: its pages checked on worker threads while the next ones are
//! read, then the set rules and the report, as `scan` makes it. Shared by `palisade audit` and
//! the webhook's continuous audit.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use palisade_cluster::{Batch, Cluster, ClusterError, ReadOptions, Reading};
use palisade_report::{InputError, Report};
use rayon::iter::{ParallelBridge as _, ParallelIterator as _};

use crate::pipeline::{self, CheckedBatch, ScanContext};

/// Why an audit gave no report.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The cluster could not be read at all.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The thread checking the pages stopped: no finding can be trusted to be complete.
    #[error("checking the cluster's objects failed; no report was made")]
    Checking,
}

/// An audit's report and what was read.
#[derive(Debug)]
pub struct Audited {
    /// Findings located at `cluster/namespace/Kind/name`, the gaps as input errors.
    pub report: Report,
    pub reading: Reading,
    pub timings: Timings,
}

/// Where an audit's time went.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// From the first list to the report.
    pub wall: Duration,
    /// Until the last page was read (pages are checked while others are read).
    pub reading: Duration,
    /// Turning pages into objects, summed over the lists in flight.
    pub decoding: Duration,
    /// The per-object rules, summed over the worker threads.
    pub checking: Duration,
    /// PSS by namespace, the set rules and the report, after the last page.
    pub set_rules: Duration,
}

/// Reads the cluster and checks it. `pool` runs the per-object rules (the global pool when
/// `None`); `on_page` sees each page as it arrives (a progress display).
///
/// # Errors
/// When discovery fails, or the checking thread stops; gaps after that are input errors in the
/// report.
pub fn audit(
    runtime: &tokio::runtime::Runtime,
    cluster: &Cluster,
    options: &ReadOptions,
    context: &ScanContext<'_>,
    pool: Option<&rayon::ThreadPool>,
    on_page: &(dyn Fn(&Batch) + Sync),
) -> Result<Audited, AuditError> {
    let started = Instant::now();
    let checking = AtomicU64::new(0);
    let (sender, receiver) = mpsc::channel::<Batch>();
    let check_all = || {
        receiver
            .into_iter()
            .par_bridge()
            .map(|batch| {
                let started = Instant::now();
                let checked = pipeline::check_objects(batch.objects, context);
                let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                checking.fetch_add(spent, Ordering::Relaxed);
                checked
            })
            .collect::<Vec<CheckedBatch>>()
    };
    let (reading, batches) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| match pool {
            Some(pool) => pool.install(check_all),
            None => check_all(),
        });
        let sink = move |batch: Batch| {
            on_page(&batch);
            // The receiver lives until every page is sent.
            let _ = sender.send(batch);
        };
        let reading = runtime.block_on(cluster.read(options, &sink));
        drop(sink);
        (reading, checker.join())
    });
    let reading = reading?;
    // An empty report here would be a silent pass.
    let batches = batches.map_err(|_| AuditError::Checking)?;
    let read_at = started.elapsed();
    let set_started = Instant::now();
    let mut report = pipeline::report_of(batches, context);
    let set_rules = set_started.elapsed();
    narrow(&mut report, &options.namespaces);
    report
        .errors
        .extend(reading.not_evaluated.iter().map(|gap| InputError {
            path: cluster.name().to_string(),
            line: None,
            column: None,
            message: gap.to_string(),
        }));
    report.pods = reading.pods.clone();
    report.cluster = Some(cluster.name().to_string());
    let timings = Timings {
        wall: started.elapsed(),
        reading: read_at,
        decoding: reading.decoding,
        checking: Duration::from_nanos(checking.into_inner()),
        set_rules,
    };
    Ok(Audited {
        report,
        reading,
        timings,
    })
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
    report.objects = report.checked.len();
    // About cluster-scoped RBAC defaults, which are outside any namespace.
    report.notices.retain(|n| n.kind != "bootstrap-rbac");
}

/// `1.37` of `v1.37.2`, `v1.30.4-eks-1234`.
pub fn minor_version(git_version: &str) -> Option<(u16, u16)> {
    let mut parts = git_version.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// The process's peak resident set (`VmHWM`, in KiB), where Linux reports it.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.3} s in all; reading {:.3} s (decoding {:.3} s); per-object rules {:.3} s; set \
             rules and report {:.3} s",
            self.wall.as_secs_f64(),
            self.reading.as_secs_f64(),
            self.decoding.as_secs_f64(),
            self.checking.as_secs_f64(),
            self.set_rules.as_secs_f64(),
        )
    }
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
