//! Which cluster to read and as whom: kubeconfig (`--kubeconfig`, `KUBECONFIG`, `~/.kube/config`)
//! with an optional context, else the pod's own service account.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::ClusterError;

/// Where the cluster is and how long a request may take.
#[derive(Clone, Debug)]
pub struct Target {
    /// A kubeconfig file instead of `KUBECONFIG` or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// A context of the kubeconfig instead of its current one.
    pub context: Option<String>,
    /// How long one request may wait for the server to answer.
    pub request_timeout: Duration,
}

/// A client for the cluster and the name reports give it.
pub(crate) struct Connection {
    pub client: Client,
    /// The kubeconfig's name of the cluster (`in-cluster` inside a pod).
    pub name: String,
}

pub(crate) async fn connect(target: &Target) -> Result<Connection, ClusterError> {
    let (mut config, name) = config_for(target).await?;
    // Retries are the audit's own (bounded, per LIST page): kube's default policy waits up to
    // fifteen times with delays growing to minutes, which would hang a CI job on a sick server.
    config.default_retry = false;
    config.read_timeout = Some(target.request_timeout);
    config.connect_timeout = Some(target.request_timeout.min(Duration::from_secs(10)));
    let client = Client::try_from(config).map_err(|e| ClusterError::Client(e.to_string()))?;
    Ok(Connection { client, name })
}

async fn config_for(target: &Target) -> Result<(Config, String), ClusterError> {
    let options = KubeConfigOptions {
        context: target.context.clone(),
        ..KubeConfigOptions::default()
    };
    let kubeconfig = match &target.kubeconfig {
        Some(path) => Some(
            Kubeconfig::read_from(path)
                .map_err(|e| ClusterError::Kubeconfig(format!("{}: {e}", path.display())))?,
        ),
        None => match Kubeconfig::read() {
            Ok(kubeconfig) => Some(kubeconfig),
            // No kubeconfig at all: inside a pod, its service account is the identity.
            Err(_) if target.context.is_none() && in_a_pod() => None,
            Err(e) => return Err(ClusterError::Kubeconfig(describe_missing(&e))),
        },
    };
    match kubeconfig {
        Some(kubeconfig) => {
            let name = cluster_name(&kubeconfig, target.context.as_deref())?;
            let config = Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| ClusterError::Kubeconfig(e.to_string()))?;
            Ok((config, name))
        }
        None => {
            let config =
                Config::incluster().map_err(|e| ClusterError::Kubeconfig(e.to_string()))?;
            Ok((config, "in-cluster".to_string()))
        }
    }
}

fn in_a_pod() -> bool {
    std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

fn describe_missing(error: &kube::config::KubeconfigError) -> String {
    format!(
        "no kubeconfig could be read ({error}): set KUBECONFIG, pass --kubeconfig, or run inside a pod"
    )
}

/// The name of the cluster the chosen context points at.
fn cluster_name(kubeconfig: &Kubeconfig, context: Option<&str>) -> Result<String, ClusterError> {
    let wanted = context
        .or(kubeconfig.current_context.as_deref())
        .ok_or_else(|| {
            ClusterError::Kubeconfig(
                "the kubeconfig has no current context: pass --context".to_string(),
            )
        })?;
    let named = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == wanted)
        .ok_or_else(|| {
            let known: Vec<&str> = kubeconfig
                .contexts
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            ClusterError::Kubeconfig(format!(
                "the kubeconfig has no context `{wanted}` (it has: {})",
                known.join(", ")
            ))
        })?;
    Ok(named
        .context
        .as_ref()
        .map_or_else(|| wanted.to_string(), |c| c.cluster.clone()))
}
