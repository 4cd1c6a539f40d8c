//! Reading a live cluster for `palisade audit`: the connection, discovery, one paginated LIST
//! per resource type across all namespaces, pods folded onto their workloads, and a record of
//! everything that could not be read, so that a gap is never mistaken for a pass.
//!
//! The objects come out as `palisade_model::Object`s, page by page, for the same engine `scan`
//! runs; nothing here knows about rules or reports.

mod catalog;
mod connect;
mod discovery;
mod list;
mod owners;
mod reports;
mod request;

use std::collections::HashMap;
use std::sync::Mutex;

use futures_util::StreamExt as _;
use palisade_model::{Object, ObjectRef};

pub use catalog::{WANTED, WantedKind, select};
pub use connect::Target;
pub use discovery::ResourceType;
pub use list::object_path;

use discovery::fatal;

use owners::{Fate, Owners};

/// Why an audit could not start.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The kubeconfig could not be read or names nothing usable.
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
    /// The client could not be built from the configuration (a bad certificate, say).
    #[error("cannot set up a client for the cluster: {0}")]
    Client(String),
    /// The server did not answer (refused connection, timeout, TLS failure).
    #[error("cannot reach the cluster: {0}")]
    Unreachable(String),
    /// The server refused the credentials.
    #[error(
        "the cluster refused the credentials ({0}): log in again, or check the kubeconfig's user"
    )]
    Unauthorized(String),
    /// The server answered discovery with an error.
    #[error("discovery failed: {0}")]
    Discovery(String),
}

/// Where a list was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    ClusterWide,
    Namespace(String),
}

/// A resource type, or part of one, that was not (or not wholly) read: a result in its own
/// right, shown in every report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotEvaluated {
    /// `rolebindings.rbac.authorization.k8s.io`.
    pub resource: String,
    pub scope: Scope,
    /// `403 Forbidden: …`, `the server does not serve it`.
    pub reason: String,
    /// How many objects of it were read before the failure.
    pub objects_read: usize,
}

impl std::fmt::Display for NotEvaluated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scope = match &self.scope {
            Scope::ClusterWide => "cluster-wide".to_string(),
            Scope::Namespace(ns) => format!("in namespace {ns}"),
        };
        write!(
            f,
            "not evaluated: cannot list {} {scope} ({})",
            self.resource, self.reason
        )?;
        if self.objects_read > 0 {
            write!(f, "; {} read before that were checked", self.objects_read)?;
        }
        Ok(())
    }
}

/// What to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub kinds: Vec<WantedKind>,
    /// Namespaces to read namespaced kinds in; all when empty.
    pub namespaces: Vec<String>,
    /// Lists in flight at once.
    pub concurrency: usize,
}

/// One page of objects, as it arrives.
#[derive(Debug)]
pub struct Batch {
    /// The resource type (`deployments.apps`).
    pub resource: String,
    /// The objects to check: pods a listed workload owns are left out (and counted).
    pub objects: Vec<Object>,
}

/// What an audit read, besides the objects.
#[derive(Debug, Default)]
pub struct Reading {
    /// Objects read, by resource type (including those folded onto their owners).
    pub listed: Vec<(String, usize)>,
    pub not_evaluated: Vec<NotEvaluated>,
    /// Running pods by the workload they are reported on.
    pub pods: HashMap<ObjectRef, usize>,
    /// Time spent decoding pages (JSON to objects), summed over the lists in flight.
    pub decoding: std::time::Duration,
}

/// A cluster the audit can read.
pub struct Cluster {
    connection: connect::Connection,
    version: Option<String>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("name", &self.connection.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Connects, and asks the server its version: the first request, so that an unreachable
    /// server or refused credentials are known before anything else.
    ///
    /// # Errors
    /// When the configuration cannot be used, the server does not answer, or it refuses the
    /// credentials.
    pub async fn connect(target: &Target) -> Result<Self, ClusterError> {
        let connection = connect::connect(target).await?;
        let version = server_version(&connection.client).await?;
        Ok(Self {
            connection,
            version,
        })
    }

    /// The kubeconfig's name for the cluster.
    pub fn name(&self) -> &str {
        &self.connection.name
    }

    /// `v1.37.2`, when the server says.
    pub fn server_version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Writes OpenReports objects (`Report`, `ClusterReport`) by server-side apply; returns one
    /// message per report that could not be written (or one saying the CRDs are missing).
    pub async fn apply_reports(&self, reports: &[serde_json::Value]) -> Vec<String> {
        reports::apply_all(&self.connection.client, reports).await
    }

    /// Reads the cluster, handing each page to `sink` as it arrives.
    ///
    /// # Errors
    /// When discovery fails; anything after that is a [`NotEvaluated`] record in the
    /// [`Reading`].
    pub async fn read(
        &self,
        options: &ReadOptions,
        sink: &(dyn Fn(Batch) + Sync),
    ) -> Result<Reading, ClusterError> {
        read(&self.connection, options, sink).await
    }
}

async fn read(
    connection: &connect::Connection,
    options: &ReadOptions,
    sink: &(dyn Fn(Batch) + Sync),
) -> Result<Reading, ClusterError> {
    let client = &connection.client;
    let cluster = connection.name.as_str();
    let (resources, mut not_evaluated) = discovery::discover(client, &options.kinds).await?;
    let owners = Mutex::new(Owners::default());
    let decoding = std::sync::atomic::AtomicU64::new(0);
    let mut listed = Vec::new();
    let all_namespaces = [None];
    let named: Vec<Option<&str>> = options
        .namespaces
        .iter()
        .map(|n| Some(n.as_str()))
        .collect();
    for phase in 0..3 {
        let jobs = resources
            .iter()
            .filter(|r| owners::phase(r.wanted.kind) == phase)
            .flat_map(|resource| {
                let scopes: &[Option<&str>] = if resource.namespaced && !named.is_empty() {
                    &named
                } else {
                    &all_namespaces
                };
                scopes.iter().map(move |scope| (resource, *scope))
            });
        let results: Vec<_> = futures_util::stream::iter(jobs)
            .map(|(resource, namespace)| {
                let owners = &owners;
                let decoding = &decoding;
                async move {
                    let mut hand_on = |objects: Vec<Object>| {
                        let objects = match owners.lock() {
                            Ok(mut owners) => objects
                                .into_iter()
                                .filter(|o| owners.place(o) == Fate::Checked)
                                .collect(),
                            Err(_) => objects,
                        };
                        sink(Batch {
                            resource: resource.display_name(),
                            objects,
                        });
                    };
                    let result =
                        list::list(client, resource, namespace, cluster, decoding, &mut hand_on)
                            .await;
                    (resource.display_name(), result)
                }
            })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        for (name, result) in results {
            let count = match result {
                Ok(count) => count,
                Err(gap) => {
                    let count = gap.objects_read;
                    not_evaluated.push(gap);
                    count
                }
            };
            match listed.iter_mut().find(|(n, _)| *n == name) {
                Some((_, total)) => *total += count,
                None => listed.push((name, count)),
            }
        }
    }
    let pods = owners.into_inner().map(|o| o.pods).unwrap_or_default();
    Ok(Reading {
        decoding: std::time::Duration::from_nanos(decoding.into_inner()),
        listed,
        not_evaluated,
        pods,
    })
}

/// The server's `gitVersion`; `None` when it will not say (a 403 is no reason to stop).
async fn server_version(client: &kube::Client) -> Result<Option<String>, ClusterError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Info {
        git_version: String,
    }
    match request::get(client, "/version", "application/json").await {
        Ok(body) => Ok(serde_json::from_slice::<Info>(&body)
            .ok()
            .map(|i| i.git_version)),
        Err(failure) if matches!(failure.status, None | Some(401)) => Err(fatal(failure)),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_says_what_where_and_why() {
        let gap = NotEvaluated {
            resource: "rolebindings.rbac.authorization.k8s.io".into(),
            scope: Scope::ClusterWide,
            reason: "403 Forbidden".into(),
            objects_read: 0,
        };
        assert_eq!(
            gap.to_string(),
            "not evaluated: cannot list rolebindings.rbac.authorization.k8s.io cluster-wide (403 Forbidden)"
        );
        let partial = NotEvaluated {
            scope: Scope::Namespace("shop".into()),
            objects_read: 500,
            ..gap
        };
        assert!(partial.to_string().contains("in namespace shop"));
        assert!(
            partial
                .to_string()
                .ends_with("; 500 read before that were checked")
        );
    }
}
