//! What is asked: a verb on a resource (with its group, subresource, namespace and name), or on
//! a non-resource URL, as the API server's request attributes carry it.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Request {
    Resource {
        verb: String,
        /// The API group, `""` for the core group.
        group: String,
        resource: String,
        /// `exec` of `pods/exec`; empty when none.
        subresource: String,
        /// Empty: cluster-scoped, or every namespace.
        namespace: String,
        /// Empty: any object, or a list or create.
        name: String,
    },
    NonResource {
        verb: String,
        path: String,
    },
}

impl Request {
    /// A request on a resource given as `resource`, `resource/subresource` or
    /// `resource.group` / `resource.group/subresource` (as kubectl writes them).
    pub fn resource(verb: &str, resource: &str, namespace: &str, name: &str) -> Self {
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        let (resource, group) = resource.split_once('.').unwrap_or((resource, ""));
        Self::Resource {
            verb: verb.to_string(),
            group: group.to_string(),
            resource: resource.to_string(),
            subresource: subresource.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// A request on a non-resource URL (`/healthz`, `/metrics`).
    pub fn non_resource(verb: &str, path: &str) -> Self {
        Self::NonResource {
            verb: verb.to_string(),
            path: path.to_string(),
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Self::Resource { verb, .. } | Self::NonResource { verb, .. } => verb,
        }
    }

    /// The namespace the request is in; empty for cluster-wide and non-resource requests.
    pub fn namespace(&self) -> &str {
        match self {
            Self::Resource { namespace, .. } => namespace,
            Self::NonResource { .. } => "",
        }
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Resource {
                verb,
                group,
                resource,
                subresource,
                namespace,
                name,
            } => {
                write!(f, "{verb} {resource}")?;
                if !group.is_empty() {
                    write!(f, ".{group}")?;
                }
                if !subresource.is_empty() {
                    write!(f, "/{subresource}")?;
                }
                if !name.is_empty() {
                    write!(f, " {name}")?;
                }
                if namespace.is_empty() {
                    write!(f, " (cluster-wide)")
                } else {
                    write!(f, " in namespace {namespace}")
                }
            }
            Self::NonResource { verb, path } => write!(f, "{verb} {path}"),
        }
    }
}
