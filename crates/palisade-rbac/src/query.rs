//! The questions: is a request allowed, who may make it, and what may a subject do.

use serde::Serialize;

use crate::SUPERUSER_GROUP;
use crate::policy::{Binding, BindingSubject, Policy, Role};
use crate::request::Request;
use crate::rule::PolicyRule;
use crate::subject::{Subject, UserInfo};

/// One way a request is allowed: a subject of a binding, the role it grants and the rule of
/// the role that covers the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// `None` for a subject entry that names nothing the authorizer matches (an unknown kind,
    /// a service account without a namespace).
    pub subject: Option<Subject>,
    pub binding: Named,
    pub role: Named,
    pub rule: PolicyRule,
    /// Where the grant holds: the RoleBinding's namespace, or empty for everywhere.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

/// A role or binding, by kind, namespace and name; `default` for Kubernetes' own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// Everyone who may make a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WhoCan {
    pub request: Option<Request>,
    /// Every subject entry of a binding whose role allows the request.
    pub grants: Vec<Grant>,
}

/// [`Policy::grant_for`] over the bindings [`Policy::bindings_of`] found for the user.
pub fn grant_among(
    bindings: &[(&Binding, &BindingSubject, &Role)],
    superuser: bool,
    request: &Request,
) -> Option<Grant> {
    if superuser {
        return Some(Grant::superuser());
    }
    let namespace = request.namespace();
    bindings.iter().find_map(|(binding, subject, role)| {
        let counts = binding.kind == "ClusterRoleBinding"
            || (!namespace.is_empty() && binding.namespace == namespace);
        let rule = role.rules.iter().find(|r| counts && r.allows(request))?;
        Some(Grant::new(subject, binding, role, rule))
    })
}

impl Grant {
    /// What the API server grants `system:masters` before RBAC is asked: everything.
    fn superuser() -> Self {
        let all = || vec!["*".to_string()];
        Self {
            subject: Some(Subject::Group {
                name: SUPERUSER_GROUP.to_string(),
            }),
            binding: Named {
                kind: "(API server)".to_string(),
                namespace: String::new(),
                name: "superuser group".to_string(),
                default: true,
            },
            role: Named {
                kind: "(everything)".to_string(),
                namespace: String::new(),
                name: String::new(),
                default: true,
            },
            rule: PolicyRule {
                verbs: all(),
                api_groups: all(),
                resources: all(),
                resource_names: Vec::new(),
                non_resource_urls: all(),
            },
            namespace: String::new(),
        }
    }

    fn new(subject: &BindingSubject, binding: &Binding, role: &Role, rule: &PolicyRule) -> Self {
        Self {
            subject: subject.subject(&binding.namespace),
            binding: named_binding(binding),
            role: named_role(role),
            rule: rule.clone(),
            namespace: binding.namespace.clone(),
        }
    }
}

fn named_binding(binding: &Binding) -> Named {
    Named {
        kind: binding.kind.to_string(),
        namespace: binding.namespace.clone(),
        name: binding.name.clone(),
        default: binding.is_default,
    }
}

fn named_role(role: &Role) -> Named {
    Named {
        kind: role.kind.to_string(),
        namespace: role.namespace.clone(),
        name: role.name.clone(),
        default: role.is_default,
    }
}

impl Policy {
    /// The bindings that count for a request in `namespace`: every ClusterRoleBinding, and the
    /// RoleBindings of that namespace (none for a cluster-wide request).
    fn bindings_for<'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = (&'a Binding, &'a Role)> + 'a {
        // ClusterRoleBindings first, as the authorizer visits them (and lists subjects).
        let cluster = self
            .bindings()
            .iter()
            .filter(|b| b.kind == "ClusterRoleBinding");
        let local = self.bindings().iter().filter(move |b| {
            b.kind == "RoleBinding" && !namespace.is_empty() && b.namespace == namespace
        });
        cluster
            .chain(local)
            .filter_map(|b| Some((b, self.role_of(b)?)))
    }

    /// Whether the authorizer allows the request for this user (the superuser group too).
    pub fn allows(&self, user: &UserInfo, request: &Request) -> bool {
        user.groups.iter().any(|g| g == SUPERUSER_GROUP)
            || self
                .bindings_for(request.namespace())
                .any(|(binding, role)| {
                    binding
                        .subjects
                        .iter()
                        .any(|s| s.applies_to(user, &binding.namespace))
                        && role.rules.iter().any(|r| r.allows(request))
                })
    }

    /// The bindings that name this user, with their roles: what every question about the user
    /// reads, found once (most bindings name someone else).
    pub fn bindings_of<'a>(
        &'a self,
        user: &UserInfo,
    ) -> Vec<(&'a Binding, &'a BindingSubject, &'a Role)> {
        self.bindings()
            .iter()
            .filter_map(|binding| {
                let subject = binding
                    .subjects
                    .iter()
                    .find(|s| s.applies_to(user, &binding.namespace))?;
                Some((binding, subject, self.role_of(binding)?))
            })
            .collect()
    }

    /// One grant that allows the request for this user, if any: the first binding, role and
    /// rule that do (the superuser group's own for `system:masters`).
    pub fn grant_for(&self, user: &UserInfo, request: &Request) -> Option<Grant> {
        if user.groups.iter().any(|g| g == SUPERUSER_GROUP) {
            return Some(Grant::superuser());
        }
        self.bindings_for(request.namespace())
            .find_map(|(binding, role)| {
                let subject = binding
                    .subjects
                    .iter()
                    .find(|s| s.applies_to(user, &binding.namespace))?;
                let rule = role.rules.iter().find(|r| r.allows(request))?;
                Some(Grant::new(subject, binding, role, rule))
            })
    }

    /// Every subject of every binding whose role allows the request, with the binding, role
    /// and rule. The group `system:masters`, which the API server lets do anything, is listed
    /// as such (with no binding) ahead of them.
    pub fn who_can(&self, request: &Request) -> WhoCan {
        let mut grants = vec![Grant::superuser()];
        for (binding, role) in self.bindings_for(request.namespace()) {
            let Some(rule) = role.rules.iter().find(|r| r.allows(request)) else {
                continue;
            };
            for subject in &binding.subjects {
                grants.push(Grant::new(subject, binding, role, rule));
            }
        }
        WhoCan {
            request: Some(request.clone()),
            grants,
        }
    }

    /// Every rule granted to the user, with where it holds: cluster-wide through
    /// ClusterRoleBindings, and in a namespace through its RoleBindings (only `namespace`'s
    /// when given).
    pub fn grants_to(&self, user: &UserInfo, namespace: Option<&str>) -> Vec<Grant> {
        let mut out = Vec::new();
        for binding in self.bindings() {
            if binding.kind == "RoleBinding" && namespace.is_some_and(|ns| ns != binding.namespace)
            {
                continue;
            }
            let Some(subject) = binding
                .subjects
                .iter()
                .find(|s| s.applies_to(user, &binding.namespace))
            else {
                continue;
            };
            let Some(role) = self.role_of(binding) else {
                continue;
            };
            for rule in &role.rules {
                out.push(Grant::new(subject, binding, role, rule));
            }
        }
        out
    }
}

/// Rules merged for reading: those of one scope with the same groups, resources, names and
/// URLs share one entry with the union of their verbs, and a rule another covers entirely
/// (every verb, group, resource, name and URL of it) is left out. What is left allows exactly
/// what the rules did.
pub fn merge(rules: &[PolicyRule]) -> Vec<PolicyRule> {
    let mut merged: Vec<PolicyRule> = Vec::new();
    for rule in rules {
        let mut rule = rule.clone();
        rule.verbs.sort();
        rule.verbs.dedup();
        match merged.iter_mut().find(|m| {
            m.api_groups == rule.api_groups
                && m.resources == rule.resources
                && m.resource_names == rule.resource_names
                && m.non_resource_urls == rule.non_resource_urls
        }) {
            Some(existing) => {
                existing.verbs.extend(rule.verbs);
                existing.verbs.sort();
                existing.verbs.dedup();
            }
            None => merged.push(rule),
        }
    }
    // `*` is every verb: the others beside it say nothing more.
    for rule in &mut merged {
        if rule.verbs.iter().any(|v| v == "*") {
            rule.verbs = vec!["*".to_string()];
        }
    }
    let covered: Vec<bool> = merged
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            merged
                .iter()
                .enumerate()
                // Of two rules that cover each other, the first stays.
                .any(|(j, other)| i != j && covers(other, rule) && (j < i || !covers(rule, other)))
        })
        .collect();
    merged
        .into_iter()
        .zip(covered)
        .filter(|(_, covered)| !covered)
        .map(|(rule, _)| rule)
        .collect()
}

/// Whether `a` allows everything `b` does, judged field by field (`*` covers anything; a
/// URL ending in `*` covers those it prefixes).
pub fn covers(a: &PolicyRule, b: &PolicyRule) -> bool {
    let all = |list: &[String], of: &[String]| {
        list.iter().any(|x| x == "*") || of.iter().all(|x| list.contains(x))
    };
    if !all(&a.verbs, &b.verbs) {
        return false;
    }
    if b.resources.is_empty() {
        // A non-resource rule.
        return b.non_resource_urls.iter().all(|url| {
            a.non_resource_urls.iter().any(|mine| {
                mine == "*"
                    || mine == url
                    || (mine.ends_with('*') && url.starts_with(mine.trim_end_matches('*')))
            })
        });
    }
    let names = a.resource_names.is_empty()
        || (!b.resource_names.is_empty() && all(&a.resource_names, &b.resource_names));
    !a.resources.is_empty()
        && all(&a.api_groups, &b.api_groups)
        && all(&a.resources, &b.resources)
        && names
}
