//! `palisade who-can` and `palisade can`: RBAC questions answered with the authorizer's exact
//! semantics, from manifests (`-f`, with a fresh cluster's defaults) or from a live cluster.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, ValueEnum};
use palisade_model::Object;
use palisade_model::loader::{self, InputArg};
use palisade_rbac::{Policy, Request, Subject};

use super::{EXIT_CLEAN, write_stdout};

mod paths;
mod render;

pub(crate) use paths::{PathsArgs, run as paths};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Where the roles and bindings come from.
#[derive(Debug, Args)]
pub(crate) struct PolicySource {
    /// Read roles and bindings from these manifests (files, directories, `-` for stdin),
    /// repeatable; a fresh cluster's defaults are added. Without it, the live cluster is read.
    #[arg(long, short = 'f', value_name = "PATH")]
    filename: Vec<String>,

    /// With `-f`: leave out the defaults of a fresh cluster (cluster-admin, admin/edit/view,
    /// the control plane's roles).
    #[arg(long)]
    no_defaults: bool,

    /// Kubeconfig file [default: `KUBECONFIG`, else `~/.kube/config`, else the pod's service
    /// account].
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,

    /// Kubeconfig context [default: the current context].
    #[arg(long, value_name = "NAME")]
    context: Option<String>,

    /// Seconds one request to the API server may take.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    request_timeout: u64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct WhoCanArgs {
    /// The verb: get, list, watch, create, update, patch, delete, deletecollection, or any
    /// other (`impersonate`, `bind`, `escalate`, `approve`, `*`).
    verb: String,

    /// `pods`, `pods/exec`, `deployments.apps`, `certificatesigningrequests.certificates.k8s.io/approval`,
    /// or a non-resource URL such as `/metrics`.
    resource: String,

    /// One object's name (a rule with resourceNames grants only those).
    name: Option<String>,

    /// The namespace of the request; without it the request is cluster-wide, which only
    /// ClusterRoleBindings grant.
    #[arg(long, short, value_name = "NAMESPACE")]
    namespace: Option<String>,

    #[command(flatten)]
    source: PolicySource,
}

#[derive(Debug, Args)]
pub(crate) struct CanArgs {
    /// `user:NAME`, `group:NAME` or `sa:NAMESPACE/NAME`.
    subject: String,

    /// Only what holds in this namespace (and cluster-wide); every namespace by default.
    #[arg(long, short, value_name = "NAMESPACE")]
    namespace: Option<String>,

    /// A group the user is in (repeatable), as `kubectl auth can-i --as-group` takes it: a
    /// user's groups come from the authenticator, not from RBAC, so only you can say them.
    #[arg(long, value_name = "GROUP")]
    as_group: Vec<String>,

    #[command(flatten)]
    source: PolicySource,
}

pub(crate) fn who_can(args: &WhoCanArgs) -> anyhow::Result<ExitCode> {
    let namespace = args.namespace.as_deref().unwrap_or("");
    let request = if args.resource.starts_with('/') {
        if args.name.is_some() || args.namespace.is_some() {
            bail!("a non-resource URL has no name and no namespace");
        }
        Request::non_resource(&args.verb, &args.resource)
    } else {
        Request::resource(
            &args.verb,
            &args.resource,
            namespace,
            args.name.as_deref().unwrap_or(""),
        )
    };
    let policy = load_policy(&args.source)?;
    let answer = policy.who_can(&request);
    let text = match args.source.format {
        Format::Json => serde_json::to_string_pretty(&answer)? + "\n",
        Format::Text => render::who_can(&answer),
    };
    write_stdout(&text)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

pub(crate) fn can(args: &CanArgs) -> anyhow::Result<ExitCode> {
    let subject = Subject::parse(&args.subject).map_err(|e| anyhow!("{e}"))?;
    let mut user = subject.user_info();
    for group in &args.as_group {
        if !user.groups.contains(group) {
            user.groups.push(group.clone());
        }
    }
    let policy = load_policy(&args.source)?;
    let grants = policy.grants_to(&user, args.namespace.as_deref());
    let superuser = user
        .groups
        .iter()
        .any(|g| g == palisade_rbac::SUPERUSER_GROUP);
    let answer = render::CanAnswer::new(&subject, superuser, &grants);
    let text = match args.source.format {
        Format::Json => serde_json::to_string_pretty(&answer)? + "\n",
        Format::Text => render::can(&answer),
    };
    write_stdout(&text)?;
    Ok(ExitCode::from(EXIT_CLEAN))
}

/// The policy of the manifests given, or of the live cluster.
fn load_policy(source: &PolicySource) -> anyhow::Result<Policy> {
    let (objects, defaults) = load_objects(source, &[])?;
    Ok(Policy::from_objects(&objects, defaults))
}

/// The RBAC objects, and the objects of `more` kinds (plural resource names), of the manifests
/// given or of the live cluster; and whether the defaults of a fresh cluster apply.
fn load_objects(source: &PolicySource, more: &[&str]) -> anyhow::Result<(Vec<Object>, bool)> {
    if source.filename.is_empty() {
        if source.no_defaults {
            bail!("--no-defaults applies to manifests (-f); a live cluster has its own");
        }
        return Ok((read_cluster(source, more)?, false));
    }
    let inputs: Vec<InputArg> = source
        .filename
        .iter()
        .map(|p| {
            if p == "-" {
                InputArg::Stdin
            } else {
                InputArg::Path(PathBuf::from(p))
            }
        })
        .collect();
    let (sources, errors) = loader::discover(&inputs);
    let mut problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let mut objects: Vec<Object> = Vec::new();
    for source in &sources {
        let file = loader::load(source);
        problems.extend(file.errors.iter().map(ToString::to_string));
        objects.extend(
            file.objects
                .into_iter()
                .filter(|o| o.group() == "rbac.authorization.k8s.io" || !more.is_empty()),
        );
    }
    // An unreadable file could hold the binding that answers the question: no answer then.
    if !problems.is_empty() {
        bail!("cannot read every input:\n  {}", problems.join("\n  "));
    }
    Ok((objects, !source.no_defaults))
}

/// The Roles, ClusterRoles and bindings of the live cluster; any that cannot be listed is an
/// error, since a missing binding would change the answer.
fn read_cluster(source: &PolicySource, more: &[&str]) -> anyhow::Result<Vec<Object>> {
    let mut names: Vec<String> = [
        "roles.rbac.authorization.k8s.io",
        "clusterroles.rbac.authorization.k8s.io",
        "rolebindings.rbac.authorization.k8s.io",
        "clusterrolebindings.rbac.authorization.k8s.io",
    ]
    .iter()
    .chain(more)
    .map(|k| (*k).to_string())
    .collect();
    names.dedup();
    let kinds = palisade_cluster::select(&names)
        .map_err(|unknown| anyhow!("the audit catalog lacks {}", unknown.join(", ")))?;
    let target = palisade_cluster::Target {
        kubeconfig: source.kubeconfig.clone(),
        context: source.context.clone(),
        request_timeout: Duration::from_secs(source.request_timeout.max(1)),
    };
    let options = palisade_cluster::ReadOptions {
        kinds,
        namespaces: Vec::new(),
        concurrency: 4,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the network runtime")?;
    let objects = std::sync::Mutex::new(Vec::new());
    let reading = runtime.block_on(async {
        let cluster = palisade_cluster::Cluster::connect(&target)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        cluster
            .read(&options, &|batch| {
                if let Ok(mut objects) = objects.lock() {
                    objects.extend(batch.objects);
                }
            })
            .await
            .map_err(|e| anyhow!("{e}"))
    })?;
    if !reading.not_evaluated.is_empty() {
        let gaps: Vec<String> = reading
            .not_evaluated
            .iter()
            .map(ToString::to_string)
            .collect();
        bail!(
            "cannot read all of the cluster's RBAC:\n  {}",
            gaps.join("\n  ")
        );
    }
    objects
        .into_inner()
        .map_err(|_| anyhow!("a reading thread stopped"))
}
