//! Prometheus metrics, served in the text format on the plain-HTTP metrics port.
//!
//! Label values come only from closed sets: the kinds Palisade checks (anything else is
//! `other`), the rule registry, and fixed words. A request's body is unauthenticated input, so
//! nothing in it may create a new series.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::decision::Decision;
use crate::review::Request;

/// The labels of `palisade_webhook_requests_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// allowed, denied, exempt, skipped, invalid (HTTP 4xx), busy (HTTP 429) or error (HTTP 500).
    decision: &'static str,
    kind: &'static str,
    operation: &'static str,
    dry_run: &'static str,
}

/// The labels of `palisade_webhook_findings_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FindingLabels {
    rule: &'static str,
    /// enforce, warn, audit or waived.
    mode: &'static str,
    kind: &'static str,
}

/// The labels of `palisade_webhook_certificate_reloads_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: &'static str,
}

/// Every metric the webhook exports.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    findings: Family<FindingLabels, Counter>,
    duration: Histogram,
    certificate_expiry: Gauge,
    certificate_reloads: Family<ReloadLabels, Counter>,
    rules: Gauge,
    /// The exposition of the last continuous audit, served after the webhook's own metrics.
    audit: std::sync::RwLock<String>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("palisade_webhook");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Admission requests by decision, object kind, operation and dry run",
            requests.clone(),
        );
        let findings = Family::<FindingLabels, Counter>::default();
        registry.register(
            "findings",
            "Findings on admitted objects by rule, mode and kind (dry-run requests excluded)",
            findings.clone(),
        );
        // 25 µs to about 1.6 s: evaluation is microseconds, the API server's timeout is seconds.
        let duration = Histogram::new(exponential_buckets(0.000_025, 2.0, 17));
        registry.register_with_unit(
            "request_duration",
            "Time from receiving an AdmissionReview body to having the answer",
            Unit::Seconds,
            duration.clone(),
        );
        let certificate_expiry = Gauge::default();
        registry.register(
            "certificate_expiry_timestamp_seconds",
            "When the serving certificate in use expires (Unix time)",
            certificate_expiry.clone(),
        );
        let certificate_reloads = Family::<ReloadLabels, Counter>::default();
        registry.register(
            "certificate_reloads",
            "Certificate reloads after the files changed, by result",
            certificate_reloads.clone(),
        );
        let rules = Gauge::default();
        registry.register("rules", "Rules the engine runs", rules.clone());
        Self {
            registry,
            requests,
            findings,
            duration,
            certificate_expiry,
            certificate_reloads,
            rules,
            audit: std::sync::RwLock::new(String::new()),
        }
    }

    /// Counts a decided request and, unless it is a dry run, its findings.
    pub fn decided(&self, request: &RequestSummary, decision: &Decision, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                decision: decision.outcome.as_str(),
                kind: metric_kind(&request.kind),
                operation: request.operation,
                dry_run: if request.dry_run { "true" } else { "false" },
            })
            .inc();
        self.duration.observe(elapsed.as_secs_f64());
        if request.dry_run {
            return;
        }
        for (rule, mode, count) in decision.tallies() {
            self.findings
                .get_or_create(&FindingLabels {
                    rule,
                    mode,
                    kind: metric_kind(&request.kind),
                })
                .inc_by(u64::try_from(count).unwrap_or(u64::MAX));
        }
    }

    /// Counts a request that got an HTTP error (`invalid` for 4xx, `error` for 500).
    pub fn failed(&self, decision: &'static str, elapsed: Option<Duration>) {
        self.requests
            .get_or_create(&RequestLabels {
                decision,
                kind: "",
                operation: "",
                dry_run: "false",
            })
            .inc();
        if let Some(elapsed) = elapsed {
            self.duration.observe(elapsed.as_secs_f64());
        }
    }

    pub fn set_certificate_expiry(&self, unix_seconds: i64) {
        self.certificate_expiry.set(unix_seconds);
    }

    pub fn certificate_reloaded(&self, ok: bool) {
        self.certificate_reloads
            .get_or_create(&ReloadLabels {
                result: if ok { "success" } else { "failure" },
            })
            .inc();
    }

    pub fn set_rules(&self, count: usize) {
        self.rules.set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// Replaces the continuous audit's counts (already in the text format, under names of
    /// their own) served with these metrics.
    pub fn set_audit(&self, exposition: String) {
        if let Ok(mut audit) = self.audit.write() {
            *audit = exposition;
        }
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        if let Ok(audit) = self.audit.read() {
            out.push_str(&audit);
        }
        out
    }
}

/// Kinds that get a label value of their own: those Palisade's rules read.
const KNOWN_KINDS: [&str; 27] = [
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
    "Namespace",
    "Service",
    "Ingress",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "ResourceQuota",
    "LimitRange",
    "ValidatingWebhookConfiguration",
];

/// The `kind` label for a request's kind: itself when known, else `other`.
pub fn metric_kind(kind: &str) -> &'static str {
    KNOWN_KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("other")
}

/// What metrics and logs keep of a request once it has been handed to the decision.
#[derive(Clone, Debug)]
pub struct RequestSummary {
    pub uid: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub operation: &'static str,
    pub dry_run: bool,
}

impl RequestSummary {
    pub fn of(request: &Request) -> Self {
        use kube_core::admission::Operation;
        let name = match &request.object {
            Some(object) if request.name.is_empty() => object.name().to_string(),
            _ => request.name.clone(),
        };
        Self {
            uid: request.uid.clone(),
            kind: request.kind.clone(),
            namespace: request.namespace.clone(),
            name,
            operation: match request.operation {
                Operation::Create => "CREATE",
                Operation::Update => "UPDATE",
                Operation::Delete => "DELETE",
                Operation::Connect => "CONNECT",
            },
            dry_run: request.dry_run,
        }
    }
}
