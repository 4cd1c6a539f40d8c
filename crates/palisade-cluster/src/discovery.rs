//! Which version and resource name the server serves each wanted kind under.
//!
//! Legacy discovery (`/api/v1`, `/apis`, then one call per wanted group) asks only about the
//! groups the audit lists, whatever else the cluster serves.

use std::collections::BTreeSet;

use kube::Client;
use serde::Deserialize;

use crate::catalog::WantedKind;
use crate::request::{self, Failure};
use crate::{ClusterError, NotEvaluated, Scope};

/// A kind as this server serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub wanted: WantedKind,
    /// `v1`, `apps/v1`: the version the server prefers for the group.
    pub api_version: String,
    /// The plural resource name (`deployments`).
    pub plural: String,
    pub namespaced: bool,
}

impl ResourceType {
    /// `rolebindings.rbac.authorization.k8s.io`, `pods`: how kubectl names a resource type.
    pub fn display_name(&self) -> String {
        if self.wanted.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.wanted.group)
        }
    }

    /// The collection's path, across all namespaces or in one.
    pub(crate) fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.wanted.group.is_empty() {
            format!("/api/{}", self.api_version)
        } else {
            format!("/apis/{}", self.api_version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }
}

#[derive(Deserialize)]
struct ResourceList {
    #[serde(default)]
    resources: Vec<ApiResource>,
}

#[derive(Deserialize)]
struct ApiResource {
    name: String,
    kind: String,
    #[serde(default)]
    namespaced: bool,
    #[serde(default)]
    verbs: Vec<String>,
}

#[derive(Deserialize)]
struct GroupList {
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    name: String,
    #[serde(default)]
    versions: Vec<GroupVersion>,
    preferred_version: Option<GroupVersion>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct GroupVersion {
    group_version: String,
}

/// Resolves the wanted kinds. A built-in kind the server does not serve is a coverage record;
/// an add-on's kind is simply not there.
///
/// # Errors
/// When the server cannot be asked at all (unreachable, credentials refused).
pub(crate) async fn discover(
    client: &Client,
    wanted: &[WantedKind],
) -> Result<(Vec<ResourceType>, Vec<NotEvaluated>), ClusterError> {
    let core: ResourceList = get_json(client, "/api/v1").await.map_err(fatal)?;
    let groups: GroupList = get_json(client, "/apis").await.map_err(fatal)?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let wanted_groups: BTreeSet<&str> = wanted
        .iter()
        .map(|w| w.group)
        .filter(|g| !g.is_empty())
        .collect();
    let mut served = vec![("v1".to_string(), core)];
    for group_name in wanted_groups {
        let Some(group) = groups.groups.iter().find(|g| g.name == group_name) else {
            continue;
        };
        // The preferred version first, then the others, for a kind only an older one serves.
        let versions = group
            .preferred_version
            .iter()
            .chain(&group.versions)
            .map(|v| v.group_version.clone());
        let mut seen = BTreeSet::new();
        for version in versions.filter(|v| seen.insert(v.clone())) {
            match get_json::<ResourceList>(client, &format!("/apis/{version}")).await {
                Ok(list) => served.push((version, list)),
                Err(failure) if matches!(failure.status, None | Some(401)) => {
                    return Err(fatal(failure));
                }
                Err(failure) => missing.push(NotEvaluated {
                    resource: version.clone(),
                    scope: Scope::ClusterWide,
                    reason: format!("its discovery failed: {}", failure.describe()),
                    objects_read: 0,
                }),
            }
        }
    }
    for kind in wanted {
        match resolve(kind, &served) {
            Some(resource) => found.push(resource),
            None if kind.built_in => missing.push(NotEvaluated {
                resource: kind_name(kind),
                scope: Scope::ClusterWide,
                reason: "the server does not serve it".to_string(),
                objects_read: 0,
            }),
            None => {}
        }
    }
    Ok((found, missing))
}

fn kind_name(kind: &WantedKind) -> String {
    if kind.group.is_empty() {
        kind.kind.to_string()
    } else {
        format!("{}.{}", kind.kind, kind.group)
    }
}

fn resolve(kind: &WantedKind, served: &[(String, ResourceList)]) -> Option<ResourceType> {
    served.iter().find_map(|(version, list)| {
        let group = version.rsplit_once('/').map_or("", |(g, _)| g);
        if group != kind.group {
            return None;
        }
        let resource = list.resources.iter().find(|r| {
            r.kind == kind.kind && !r.name.contains('/') && r.verbs.iter().any(|v| v == "list")
        })?;
        Some(ResourceType {
            wanted: *kind,
            api_version: version.clone(),
            plural: resource.name.clone(),
            namespaced: resource.namespaced,
        })
    })
}

/// What stops an audit before it lists anything: no answer, or credentials refused, or an
/// error where every cluster answers.
pub(crate) fn fatal(failure: Failure) -> ClusterError {
    match failure.status {
        None => ClusterError::Unreachable(failure.describe()),
        Some(401) => ClusterError::Unauthorized(failure.describe()),
        Some(_) => ClusterError::Discovery(failure.describe()),
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
) -> Result<T, Failure> {
    let body = request::get(client, path, "application/json").await?;
    serde_json::from_slice(&body).map_err(|e| Failure {
        // Not a transport failure, but as final: the server is not a Kubernetes API.
        status: Some(200),
        message: format!("{path}: the answer is not a discovery document: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::WANTED;

    fn list(json: &str) -> ResourceList {
        serde_json::from_str(json).unwrap_or(ResourceList { resources: vec![] })
    }

    #[test]
    fn a_kind_resolves_to_the_first_version_that_lists_it() {
        let served = vec![
            (
                "v1".to_string(),
                list(
                    r#"{"resources":[
                    {"name":"pods","kind":"Pod","namespaced":true,"verbs":["list","get"]},
                    {"name":"pods/exec","kind":"PodExecOptions","namespaced":true,"verbs":["create"]},
                    {"name":"namespaces","kind":"Namespace","namespaced":false,"verbs":["list"]}]}"#,
                ),
            ),
            (
                "apps/v1".to_string(),
                list(
                    r#"{"resources":[{"name":"deployments","kind":"Deployment","namespaced":true,"verbs":["list"]}]}"#,
                ),
            ),
        ];
        let find = |kind: &str| {
            WANTED
                .iter()
                .find(|w| w.kind == kind)
                .and_then(|w| resolve(w, &served))
        };
        let pods = find("Pod");
        assert_eq!(
            pods.as_ref().map(|p| p.path(None)),
            Some("/api/v1/pods".to_string())
        );
        assert_eq!(
            find("Deployment").map(|d| (d.display_name(), d.path(Some("shop")))),
            Some((
                "deployments.apps".to_string(),
                "/apis/apps/v1/namespaces/shop/deployments".to_string()
            ))
        );
        assert_eq!(
            find("Namespace").map(|n| n.path(Some("shop"))),
            Some("/api/v1/namespaces".to_string())
        );
        assert_eq!(find("Ingress"), None);
    }
}
