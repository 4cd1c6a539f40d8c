//! `palisade install`: print the manifests that run Palisade as an admission webhook.
//!
//! The output is what `kubectl apply -f -` needs and nothing more: a namespace of its own held
//! to the restricted Pod Security Standard (only when install creates it: a namespace someone
//! else owns is never relabelled), a ServiceAccount without RBAC (the webhook reads nothing
//! from the API server), two replicas behind a PodDisruptionBudget, a NetworkPolicy over
//! Palisade's own pods that admits only the webhook and metrics ports, and the
//! ValidatingWebhookConfiguration with its certificate, from cert-manager by default or
//! generated here with `--generate-certs`. The same objects come from the Helm chart in
//! `charts/palisade`; both are scanned by the tests.

mod audit_rbac;
mod certs;
mod manifests;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, ValueEnum};
use palisade_rules::config::{self, Config};

use self::certs::CertSource;
use self::manifests::{ExtraCheck, Install};

/// This version's release image. A tag, not a digest: a digest is not known until the image is
/// built, so the default install carries the `image-not-digest-pinned` info finding; pass
/// `--image REPO@sha256:...` to pin it.
const DEFAULT_IMAGE: &str = concat!("ghcr.io/palisade-dev/palisade:", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Args)]
pub(crate) struct InstallArgs {
    /// Namespace to run in; the webhook never checks it. The default, `palisade`, is created
    /// and labelled for the restricted Pod Security Standard; a namespace named here must
    /// exist and is left as it is, unless `--create-namespace` [default: palisade].
    #[arg(long, value_parser = parse_namespace)]
    namespace: Option<String>,

    /// Create the namespace named by `--namespace`, labelled for the restricted Pod Security
    /// Standard, with a quota on its pods. Only for a namespace that holds nothing but Palisade.
    #[arg(long)]
    create_namespace: bool,

    /// Install into a system namespace (kube-system, kube-public, kube-node-lease, default)
    /// all the same. Everything in Palisade's namespace is exempt from the webhook.
    #[arg(long)]
    force: bool,

    /// Container image; `REPO@sha256:DIGEST` pins it [default: this version's release image].
    #[arg(long, default_value = DEFAULT_IMAGE, hide_default_value = true, value_parser = parse_image)]
    image: String,

    /// What the API server does when Palisade cannot answer: `Fail` rejects the request, so
    /// nothing unchecked gets in; `Ignore` lets it through, so an outage of Palisade never
    /// blocks deployments.
    #[arg(long, value_enum, default_value_t = FailurePolicy::Fail)]
    failure_policy: FailurePolicy,

    /// Seconds the API server waits for Palisade's answer (1 to 30).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=30))]
    timeout_seconds: u8,

    /// Generate a CA and a serving certificate now and print them as a Secret and the
    /// webhook's caBundle, instead of asking cert-manager for them. Nothing renews them:
    /// run `palisade install --generate-certs` again before they expire.
    #[arg(long)]
    generate_certs: bool,

    /// Days the generated certificates are valid.
    #[arg(long, default_value_t = 365, requires = "generate_certs",
          value_parser = clap::value_parser!(u16).range(1..=3650))]
    cert_days: u16,

    /// A Palisade configuration file (see `palisade init`) to ship as a ConfigMap; its
    /// `webhook` section sets modes and exemptions.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// The cluster's Kubernetes version (e.g. `1.27`). Before 1.28 the webhook's
    /// `matchConditions` are left out, as those API servers reject or drop them.
    #[arg(long, value_parser = parse_kube_version)]
    kube_version: Option<(u16, u16)>,

    /// Also send these to the webhook: `rbac` (Roles, ClusterRoles and their bindings) and
    /// `configmaps`. Off by default: operators and controllers create such objects all the
    /// time, and their rules deny what they routinely need.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    check: Vec<ExtraCheck>,

    /// Also audit the whole cluster this often (`10m`, `1h`) and write OpenReports objects:
    /// grants the ServiceAccount read-only access (get, list) to what the rules read and write
    /// access to OpenReports, mounts its token, and allows egress to the API server's ports.
    #[arg(long, value_name = "INTERVAL", value_parser = check_interval)]
    audit_interval: Option<String>,
}

fn check_interval(text: &str) -> Result<String, String> {
    super::serve::parse_interval(text).map(|_| text.to_string())
}

/// The webhook's `failurePolicy`, spelled as the API spells it.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "PascalCase")]
pub(crate) enum FailurePolicy {
    Fail,
    Ignore,
}

impl FailurePolicy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "Fail",
            Self::Ignore => "Ignore",
        }
    }
}

/// A namespace name must be a DNS-1123 label, as the API server requires.
fn parse_namespace(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= 63
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a namespace name: lowercase letters, digits and `-`, at most 63"
        ))
    }
}

fn parse_image(text: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{text}` is not an image reference"));
    }
    Ok(text.to_string())
}

fn parse_kube_version(text: &str) -> Result<(u16, u16), String> {
    config::parse_kube_version(text)
        .ok_or_else(|| format!("`{text}` is not a Kubernetes version such as 1.29"))
}

/// The namespace used when none is named: Palisade's own, so install creates it.
const DEFAULT_NAMESPACE: &str = "palisade";

/// Namespaces the cluster itself uses: exempting one from the webhook, or relabelling it, has
/// consequences far beyond Palisade.
fn is_system_namespace(name: &str) -> bool {
    name == "default" || name.starts_with("kube-")
}

pub(crate) fn run(args: &InstallArgs) -> anyhow::Result<ExitCode> {
    let namespace = args.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
    if is_system_namespace(namespace) && !args.force {
        bail!(
            "--namespace {namespace}: a system namespace. Everything in Palisade's namespace is exempt from the webhook, so every pod in {namespace} would be admitted unchecked; use a namespace of Palisade's own, or pass --force"
        );
    }
    let create_namespace =
        (args.namespace.is_none() || args.create_namespace) && !is_system_namespace(namespace);
    let config = args.config.as_deref().map(read_config).transpose()?;
    let certs = if args.generate_certs {
        certs::generate(namespace, args.cert_days).context("generating certificates")?
    } else {
        CertSource::CertManager
    };
    let install = Install {
        namespace,
        create_namespace,
        image: &args.image,
        failure_policy: args.failure_policy.as_str(),
        timeout_seconds: args.timeout_seconds,
        match_conditions: args.kube_version.is_none_or(|version| version >= (1, 28)),
        config: config.as_ref(),
        certs: &certs,
        extra_checks: &args.check,
        audit_interval: args.audit_interval.as_deref(),
    };
    let text = manifests::render(&install).map_err(|e| anyhow!("writing YAML: {e}"))?;
    super::write_stdout(&text).context("writing the manifests")?;
    Ok(ExitCode::SUCCESS)
}

/// The configuration to ship: its text, and what it says about exempt namespaces. It is
/// validated here, so a mistake shows now and not as pods that fail to start.
fn read_config(path: &std::path::Path) -> anyhow::Result<manifests::ShippedConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    // A ConfigMap holds at most 1 MiB, the whole object included.
    if text.len() > 512 * 1024 {
        bail!("{} is larger than a ConfigMap should hold", path.display());
    }
    let parsed = Config::parse(&path.display().to_string(), &text).map_err(|e| anyhow!("{e}"))?;
    for name in parsed.webhook.exempt_namespaces.iter().flatten() {
        check_exemption(name)
            .map_err(|e| anyhow!("{}: webhook.exempt-namespaces: {e}", path.display()))?;
    }
    Ok(manifests::ShippedConfig {
        text,
        exempt_namespaces: parsed.webhook.exempt_namespaces.clone(),
        modes: parsed.webhook.describe(),
    })
}

/// An exempt namespace is a name (it goes into the webhook's namespaceSelector, where the API
/// server accepts only label values) or a glob (honoured by the webhook itself).
fn check_exemption(text: &str) -> Result<(), String> {
    if manifests::is_glob(text) {
        return palisade_rules::exceptions::Pattern::new(text).map(|_| ());
    }
    parse_namespace(text).map(|_| ())
}
