//! One entry of a role's `rules`, and whether it allows a request, exactly as upstream's
//! `rbac/v1` helpers (`VerbMatches`, `APIGroupMatches`, `ResourceMatches`,
//! `ResourceNameMatches`, `NonResourceURLMatches`) decide.

use serde::Serialize;
use serde_json::Value;

use crate::request::Request;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
}

const ALL: &str = "*";

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

impl PolicyRule {
    /// Reads a rule as the API server decodes it: a list that is absent or not a list of
    /// strings is empty (and an empty `verbs` allows nothing).
    pub fn from_value(value: &Value) -> Self {
        Self {
            verbs: strings(value.get("verbs")),
            api_groups: strings(value.get("apiGroups")),
            resources: strings(value.get("resources")),
            resource_names: strings(value.get("resourceNames")),
            non_resource_urls: strings(value.get("nonResourceURLs")),
        }
    }

    /// Whether the rule allows the request (upstream's `RuleAllows`).
    pub fn allows(&self, request: &Request) -> bool {
        match request {
            Request::Resource {
                verb,
                group,
                resource,
                subresource,
                name,
                ..
            } => {
                self.verb_matches(verb)
                    && self.group_matches(group)
                    && self.resource_matches(resource, subresource)
                    && self.name_matches(name)
            }
            Request::NonResource { verb, path } => {
                self.verb_matches(verb) && self.url_matches(path)
            }
        }
    }

    fn verb_matches(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == ALL || v == verb)
    }

    fn group_matches(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| g == ALL || g == group)
    }

    /// `*` is every resource and subresource; `pods` is not `pods/exec`; `*/exec` is the
    /// `exec` subresource of any resource.
    fn resource_matches(&self, resource: &str, subresource: &str) -> bool {
        self.resources.iter().any(|r| {
            if r == ALL {
                return true;
            }
            let exact = if subresource.is_empty() {
                r == resource
            } else {
                r.len() == resource.len() + 1 + subresource.len()
                    && r.starts_with(resource)
                    && r[resource.len()..].starts_with('/')
                    && r.ends_with(subresource)
            };
            exact
                || (!subresource.is_empty()
                    && r.len() == subresource.len() + 2
                    && r.starts_with("*/")
                    && r.ends_with(subresource))
        })
    }

    /// No `resourceNames` is every name; with some, only those (so never a list or a create,
    /// which carry no name).
    fn name_matches(&self, name: &str) -> bool {
        self.resource_names.is_empty() || self.resource_names.iter().any(|n| n == name)
    }

    /// `*` is every URL; `/apis/*` every URL that starts with `/apis/` (all trailing stars go).
    fn url_matches(&self, path: &str) -> bool {
        self.non_resource_urls.iter().any(|url| {
            url == ALL
                || url == path
                || (url.ends_with('*') && path.starts_with(url.trim_end_matches('*')))
        })
    }

    /// Whether the rule grants everything: every verb on every resource of every group.
    pub fn is_everything(&self) -> bool {
        self.verbs.iter().any(|v| v == ALL)
            && self.api_groups.iter().any(|g| g == ALL)
            && self.resources.iter().any(|r| r == ALL)
            && self.resource_names.is_empty()
    }
}
