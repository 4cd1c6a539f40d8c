//! The answers as text for people; JSON is the answers' own serialisation.

use std::fmt::Write as _;

use palisade_rbac::{Grant, PolicyRule, Subject, WhoCan, covers, merge};
use serde::Serialize;

/// What a subject can do: merged rules by where they hold, and every grant behind them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanAnswer {
    subject: Subject,
    /// In `system:masters`: the API server allows everything before RBAC is asked.
    superuser: bool,
    /// Cluster-wide first, then each namespace with what it adds.
    scopes: Vec<Scope>,
    grants: Vec<Grant>,
}

#[derive(Debug, Serialize)]
struct Scope {
    /// Empty: cluster-wide (and so in every namespace).
    #[serde(skip_serializing_if = "String::is_empty")]
    namespace: String,
    rules: Vec<PolicyRule>,
}

impl CanAnswer {
    pub(crate) fn new(subject: &Subject, superuser: bool, grants: &[Grant]) -> Self {
        let rules_in = |namespace: &str| -> Vec<PolicyRule> {
            grants
                .iter()
                .filter(|g| g.namespace == namespace)
                .map(|g| g.rule.clone())
                .collect()
        };
        let cluster = merge(&rules_in(""));
        let mut namespaces: Vec<&str> = grants
            .iter()
            .map(|g| g.namespace.as_str())
            .filter(|ns| !ns.is_empty())
            .collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let mut scopes = vec![Scope {
            namespace: String::new(),
            rules: cluster.clone(),
        }];
        for namespace in namespaces {
            // What the namespace adds to what holds everywhere.
            let rules: Vec<PolicyRule> = merge(&rules_in(namespace))
                .into_iter()
                .filter(|r| !cluster.iter().any(|c| covers(c, r)))
                .collect();
            if !rules.is_empty() {
                scopes.push(Scope {
                    namespace: namespace.to_string(),
                    rules,
                });
            }
        }
        Self {
            subject: subject.clone(),
            superuser,
            scopes,
            grants: grants.to_vec(),
        }
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| if i.is_empty() { "\"\"" } else { i.as_str() })
        .collect::<Vec<_>>()
        .join(",")
}

fn describe_rule(rule: &PolicyRule) -> String {
    let mut out = list(&rule.verbs);
    if rule.resources.is_empty() {
        let _ = write!(out, " {}", list(&rule.non_resource_urls));
        return out;
    }
    let _ = write!(out, " {}", list(&rule.resources));
    let groups: Vec<String> = rule
        .api_groups
        .iter()
        .map(|g| {
            if g.is_empty() {
                "core".to_string()
            } else {
                g.clone()
            }
        })
        .collect();
    let _ = write!(out, " (groups: {})", groups.join(","));
    if !rule.resource_names.is_empty() {
        let _ = write!(out, " named {}", list(&rule.resource_names));
    }
    out
}

pub(crate) fn who_can(answer: &WhoCan) -> String {
    let mut out = String::new();
    let request = answer
        .request
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    let subjects: Vec<String> = answer
        .grants
        .iter()
        .filter_map(|g| g.subject.as_ref().map(ToString::to_string))
        .collect();
    let width = subjects.iter().map(String::len).max().unwrap_or(0);
    let _ = writeln!(out, "Who can {request}:");
    for grant in &answer.grants {
        let Some(subject) = &grant.subject else {
            continue;
        };
        let via = if grant.binding.kind.starts_with('(') {
            "the API server's superuser group: allowed before RBAC is asked".to_string()
        } else {
            let default = if grant.binding.default {
                " (Kubernetes default)"
            } else {
                ""
            };
            format!("{} → {}{default}", grant.binding, grant.role)
        };
        let _ = writeln!(out, "  {:width$}  {via}", subject.to_string());
    }
    let mut distinct = subjects;
    distinct.sort_unstable();
    distinct.dedup();
    let noun = if distinct.len() == 1 {
        "subject"
    } else {
        "subjects"
    };
    let _ = writeln!(out, "{} {noun}", distinct.len());
    out
}

pub(crate) fn can(answer: &CanAnswer) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "What {} can do:", answer.subject);
    if answer.superuser {
        let _ = writeln!(
            out,
            "  everything: system:masters is the API server's superuser group, allowed before RBAC is asked"
        );
    }
    for scope in &answer.scopes {
        let place = if scope.namespace.is_empty() {
            "cluster-wide (every namespace)".to_string()
        } else {
            format!("in namespace {}", scope.namespace)
        };
        let _ = writeln!(out, "  {place}:");
        if scope.rules.is_empty() {
            let _ = writeln!(out, "    nothing");
        }
        for rule in &scope.rules {
            let _ = writeln!(out, "    {}", describe_rule(rule));
        }
    }
    let mut bindings: Vec<String> = answer
        .grants
        .iter()
        .map(|g| format!("{} → {}", g.binding, g.role))
        .collect();
    bindings.sort_unstable();
    bindings.dedup();
    let _ = writeln!(out, "through {} bindings:", bindings.len());
    for binding in bindings {
        let _ = writeln!(out, "  {binding}");
    }
    out
}
