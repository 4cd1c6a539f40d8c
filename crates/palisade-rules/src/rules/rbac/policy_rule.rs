//! Whether an entry of a role's `rules` grants a request, decided as the Kubernetes RBAC
//! authorizer decides it (`pkg/apis/rbac/v1/evaluation_helpers.go`): a verb, an API group and a
//! resource must each be listed or covered by `*`; `*/sub` covers subresource `sub` of every
//! resource; `resourceNames`, when present, narrow the grant to those objects.
//!
//! A rule with no `apiGroups` grants nothing (the API server rejects it), and
//! `nonResourceURLs` never grant access to resources.

use palisade_model::{Object, pointer};
use serde_json::Value;

/// The verbs that, granted together on every resource of every API group, make a rule as
/// powerful as `*`: with them a subject reads every Secret, runs pods as any ServiceAccount and
/// rewrites RBAC, which leads to everything else. `deletecollection` adds nothing to `delete`.
const EVERY_VERB: &[&str] = &[
    "get", "list", "watch", "create", "update", "patch", "delete",
];

/// Where a role's permissions apply. A Role, or a ClusterRole bound by a RoleBinding, only
/// grants namespaced resources, in one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    Namespace,
    Cluster,
}

/// A resource a rule looks for: `resource` may name a subresource (`pods/exec`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target {
    pub(crate) group: &'static str,
    pub(crate) resource: &'static str,
    /// Whether the resource lives in namespaces (so a Role can grant it).
    pub(crate) namespaced: bool,
}

impl Target {
    pub(crate) const fn namespaced(group: &'static str, resource: &'static str) -> Self {
        Self {
            group,
            resource,
            namespaced: true,
        }
    }

    pub(crate) const fn cluster(group: &'static str, resource: &'static str) -> Self {
        Self {
            group,
            resource,
            namespaced: false,
        }
    }
}

/// The verbs a rule looks for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Verbs<'v> {
    /// Any verb at all.
    Any,
    OneOf(&'v [&'v str]),
}

/// One entry of a role's `rules`. List items that are not strings are kept as `None`, so that
/// indexes stay the indexes of the object's arrays.
#[derive(Debug)]
pub(crate) struct PolicyRule<'a> {
    pub(crate) index: usize,
    verbs: Vec<Option<&'a str>>,
    api_groups: Vec<Option<&'a str>>,
    resources: Vec<Option<&'a str>>,
    resource_names: Vec<&'a str>,
}

/// How a rule grants a target.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Grant<'a> {
    /// The rule's verbs that allow it (`*` or the verbs asked for).
    pub(crate) verbs: Vec<&'a str>,
    /// The index of the first of those verbs in the rule's `verbs`.
    pub(crate) verb_index: usize,
    /// The first resource entry that covers the target, with its index.
    pub(crate) resource: (usize, &'a str),
    /// The API group entry that covers the target.
    pub(crate) group: &'a str,
}

/// The entries of `rules` of a Role or ClusterRole.
pub(crate) fn rules_of(role: &Object) -> impl Iterator<Item = PolicyRule<'_>> {
    let rules = role
        .value
        .get("rules")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    rules
        .iter()
        .enumerate()
        .map(|(index, rule)| PolicyRule::new(index, rule))
}

fn strings<'a>(value: &'a Value, key: &str) -> Vec<Option<&'a str>> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |items| items.iter().map(Value::as_str).collect())
}

impl<'a> PolicyRule<'a> {
    pub(crate) fn new(index: usize, value: &'a Value) -> Self {
        Self {
            index,
            verbs: strings(value, "verbs"),
            api_groups: strings(value, "apiGroups"),
            resources: strings(value, "resources"),
            resource_names: strings(value, "resourceNames")
                .into_iter()
                .flatten()
                .collect(),
        }
    }

    /// The pointer to item `item` of list `field` of this rule (`/rules/1/verbs/0`).
    pub(crate) fn pointer(&self, field: &str, item: usize) -> String {
        pointer::join_index(
            &pointer::join(&pointer::join_index("/rules", self.index), field),
            item,
        )
    }

    /// `rules[1]`, as messages name a rule entry.
    pub(crate) fn label(&self) -> String {
        format!("rules[{}]", self.index)
    }

    /// The names the rule is limited to; empty when it covers every object.
    pub(crate) fn resource_names(&self) -> &[&'a str] {
        &self.resource_names
    }

    /// Where a list of the rule holds the exact string `*`: `(field, index)` for each.
    pub(crate) fn wildcards(&self) -> Vec<(&'static str, usize)> {
        let lists = [
            ("verbs", &self.verbs),
            ("resources", &self.resources),
            ("apiGroups", &self.api_groups),
        ];
        lists
            .into_iter()
            .flat_map(|(field, items)| {
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| **item == Some("*"))
                    .map(move |(i, _)| (field, i))
            })
            .collect()
    }

    /// Whether the rule grants every verb (`*`, or all of them spelled out) on every resource
    /// (`*`) of every API group (`*`), for every object: what `cluster-admin` grants, in a
    /// ClusterRole bound cluster-wide, and what a namespace's owner holds, anywhere else.
    pub(crate) fn grants_everything(&self) -> bool {
        let has = |items: &[Option<&str>], wanted: &str| items.contains(&Some(wanted));
        self.resource_names.is_empty()
            && has(&self.api_groups, "*")
            && has(&self.resources, "*")
            && (has(&self.verbs, "*") || EVERY_VERB.iter().all(|v| has(&self.verbs, v)))
    }

    /// How this rule grants `verbs` on `target` where the role applies, if it does.
    pub(crate) fn grants(
        &self,
        verbs: Verbs<'_>,
        target: &Target,
        scope: Scope,
    ) -> Option<Grant<'a>> {
        if scope == Scope::Namespace && !target.namespaced {
            return None;
        }
        let group = self
            .api_groups
            .iter()
            .flatten()
            .copied()
            .find(|&g| g == "*" || g == target.group)?;
        let resource = self.resources.iter().enumerate().find_map(|(i, r)| {
            r.filter(|r| resource_matches(r, target.resource))
                .map(|r| (i, r))
        })?;
        // A request that names no object (`create` of a resource, `deletecollection`) never
        // matches a rule limited by resourceNames.
        let unnamed = |verb: &str| {
            !self.resource_names.is_empty()
                && !target.resource.contains('/')
                && (verb == "create" || verb == "deletecollection")
        };
        let allows = |v: &str| match verbs {
            Verbs::Any => !v.is_empty() && !unnamed(v),
            Verbs::OneOf(wanted) => wanted.iter().any(|w| (v == "*" || v == *w) && !unnamed(w)),
        };
        let verb_index = self.verbs.iter().position(|v| v.is_some_and(allows))?;
        let matched: Vec<&'a str> = self
            .verbs
            .iter()
            .flatten()
            .copied()
            .filter(|v| allows(v))
            .collect();
        Some(Grant {
            verbs: matched,
            verb_index,
            resource,
            group,
        })
    }
}

/// Upstream's `ResourceMatches`: `*`, the exact `resource/subresource`, or `*/subresource`.
fn resource_matches(entry: &str, wanted: &str) -> bool {
    if entry == "*" || entry == wanted {
        return true;
    }
    match (wanted.split_once('/'), entry.strip_prefix("*/")) {
        (Some((_, sub)), Some(entry_sub)) => sub == entry_sub,
        _ => false,
    }
}

/// How one rule entry grants some targets, in one phrase: `create on pods, deployments`, or
/// `* on * in API group *` when a wildcard group is what covers them.
pub(crate) fn describe<'a>(grants: impl IntoIterator<Item = &'a Grant<'a>>) -> String {
    let mut parts: Vec<(String, bool, Vec<&str>)> = Vec::new();
    for grant in grants {
        let verbs = grant.verbs.join(", ");
        let any_group = grant.group == "*";
        let resource = grant.resource.1;
        match parts
            .iter_mut()
            .find(|(v, g, _)| *v == verbs && *g == any_group)
        {
            Some((_, _, resources)) if resources.contains(&resource) => {}
            Some((_, _, resources)) => resources.push(resource),
            None => parts.push((verbs, any_group, vec![resource])),
        }
    }
    let phrases: Vec<String> = parts
        .into_iter()
        .map(|(verbs, any_group, resources)| {
            let group = if any_group { " in API group *" } else { "" };
            format!("{verbs} on {}{group}", resources.join(", "))
        })
        .collect();
    phrases.join("; ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SECRETS: Target = Target::namespaced("", "secrets");
    const EXEC: Target = Target::namespaced("", "pods/exec");
    const NODE_PROXY: Target = Target::cluster("", "nodes/proxy");
    const READ: Verbs<'static> = Verbs::OneOf(&["get", "list", "watch"]);

    fn verbs_granted(
        rule: &Value,
        verbs: Verbs<'_>,
        target: &Target,
        scope: Scope,
    ) -> Option<Vec<String>> {
        let rule = PolicyRule::new(0, rule);
        rule.grants(verbs, target, scope)
            .map(|g| g.verbs.iter().map(|v| (*v).to_string()).collect())
    }

    #[test]
    fn matching_follows_the_authorizer() {
        let cases: &[(Value, Verbs<'_>, Target, Option<&[&str]>)] = &[
            (
                json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}),
                READ,
                SECRETS,
                Some(&["get"]),
            ),
            (
                json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}),
                READ,
                SECRETS,
                Some(&["*"]),
            ),
            (
                json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]}),
                READ,
                SECRETS,
                Some(&["list"]),
            ),
            // secrets are in the core group only
            (
                json!({"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}),
                READ,
                SECRETS,
                None,
            ),
            // no apiGroups: the API server rejects the rule and the authorizer matches nothing
            (
                json!({"resources": ["secrets"], "verbs": ["get"]}),
                READ,
                SECRETS,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "delete"]}),
                READ,
                SECRETS,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}),
                READ,
                SECRETS,
                None,
            ),
            // verbs are case-sensitive
            (
                json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["GET"]}),
                READ,
                SECRETS,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}),
                Verbs::OneOf(&["create", "get"]),
                EXEC,
                Some(&["create"]),
            ),
            (
                json!({"apiGroups": [""], "resources": ["*/exec"], "verbs": ["get"]}),
                Verbs::OneOf(&["create", "get"]),
                EXEC,
                Some(&["get"]),
            ),
            (
                json!({"apiGroups": [""], "resources": ["*"], "verbs": ["create"]}),
                Verbs::OneOf(&["create"]),
                EXEC,
                Some(&["create"]),
            ),
            // `pods` does not cover its subresources, nor does `pods/*`
            (
                json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}),
                Verbs::OneOf(&["create"]),
                EXEC,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["pods/*"], "verbs": ["*"]}),
                Verbs::OneOf(&["create"]),
                EXEC,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}),
                Verbs::OneOf(&["create", "get"]),
                EXEC,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["*/log"], "verbs": ["get"]}),
                Verbs::OneOf(&["get"]),
                EXEC,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get", "create"]}),
                Verbs::Any,
                NODE_PROXY,
                Some(&["get", "create"]),
            ),
            (
                json!({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": []}),
                Verbs::Any,
                NODE_PROXY,
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}),
                Verbs::Any,
                NODE_PROXY,
                None,
            ),
            // list items of the wrong type are skipped
            (
                json!({"apiGroups": [""], "resources": [7, "secrets"], "verbs": [null, "watch"]}),
                READ,
                SECRETS,
                Some(&["watch"]),
            ),
            (
                json!({"apiGroups": "", "resources": "secrets", "verbs": "get"}),
                READ,
                SECRETS,
                None,
            ),
            (
                json!({"nonResourceURLs": ["*"], "verbs": ["*"]}),
                READ,
                SECRETS,
                None,
            ),
            // resourceNames cannot limit create (the request names no object) ...
            (
                json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "*"], "resourceNames": ["a"]}),
                Verbs::OneOf(&["create"]),
                Target::namespaced("", "pods"),
                None,
            ),
            (
                json!({"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "get"], "resourceNames": ["a"]}),
                Verbs::Any,
                Target::namespaced("", "pods"),
                Some(&["get"]),
            ),
            (
                json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["a"]}),
                READ,
                SECRETS,
                Some(&["get"]),
            ),
            // ... except of a subresource, which names its object
            (
                json!({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": ["a"]}),
                Verbs::OneOf(&["create"]),
                Target::namespaced("", "serviceaccounts/token"),
                Some(&["create"]),
            ),
        ];
        for (rule, verbs, target, want) in cases {
            let got = verbs_granted(rule, *verbs, target, Scope::Cluster);
            let want = want.map(|w| w.iter().map(|v| (*v).to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{rule} for {target:?}");
        }
    }

    #[test]
    fn cluster_scoped_targets_are_not_granted_in_a_namespace() {
        let rule =
            json!({"apiGroups": [""], "resources": ["nodes/proxy", "secrets"], "verbs": ["get"]});
        assert!(verbs_granted(&rule, Verbs::Any, &NODE_PROXY, Scope::Namespace).is_none());
        assert!(verbs_granted(&rule, Verbs::Any, &NODE_PROXY, Scope::Cluster).is_some());
        assert!(verbs_granted(&rule, READ, &SECRETS, Scope::Namespace).is_some());
    }

    #[test]
    fn grant_names_the_covering_entries() {
        let value = json!({"apiGroups": ["apps", "*"], "resources": ["deployments", "*/exec", "pods/exec"], "verbs": ["get", "create"]});
        let rule = PolicyRule::new(3, &value);
        let grant = rule.grants(Verbs::OneOf(&["create"]), &EXEC, Scope::Cluster);
        assert_eq!(
            grant,
            Some(Grant {
                verbs: vec!["create"],
                verb_index: 1,
                resource: (1, "*/exec"),
                group: "*"
            })
        );
        assert_eq!(rule.pointer("resources", 1), "/rules/3/resources/1");
        assert_eq!(
            grant.as_ref().map(|g| describe([g])).as_deref(),
            Some("create on */exec in API group *")
        );
    }

    #[test]
    fn grants_of_one_entry_are_described_together() {
        let value = json!({"apiGroups": ["", "apps"], "resources": ["pods", "deployments", "*"], "verbs": ["create", "*"]});
        let rule = PolicyRule::new(0, &value);
        let targets = [
            Target::namespaced("", "pods"),
            Target::namespaced("apps", "deployments"),
            Target::namespaced("", "pods"),
        ];
        let grants: Vec<Grant<'_>> = targets
            .iter()
            .filter_map(|t| rule.grants(Verbs::OneOf(&["create"]), t, Scope::Namespace))
            .collect();
        assert_eq!(describe(&grants), "create, * on pods, deployments");
    }

    #[test]
    fn every_verb_on_everything_is_told_apart_from_less() {
        let cases = [
            (
                json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}),
                true,
            ),
            (
                json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]}),
                true,
            ),
            (
                json!({"apiGroups": ["", "*"], "resources": ["pods", "*"], "verbs": ["delete", "patch", "update", "create", "watch", "list", "get", "deletecollection"]}),
                true,
            ),
            (
                json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "create", "update", "patch"]}),
                false,
            ),
            (
                json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"], "resourceNames": ["a"]}),
                false,
            ),
            (
                json!({"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}),
                false,
            ),
            (
                json!({"apiGroups": ["*"], "resources": ["*/status"], "verbs": ["*"]}),
                false,
            ),
            (json!({"nonResourceURLs": ["*"], "verbs": ["*"]}), false),
            (
                json!({"apiGroups": "*", "resources": "*", "verbs": "*"}),
                false,
            ),
        ];
        for (rule, want) in cases {
            assert_eq!(
                PolicyRule::new(0, &rule).grants_everything(),
                want,
                "{rule}"
            );
        }
    }

    #[test]
    fn wildcards_and_resource_names_are_listed() {
        let value = json!({"apiGroups": ["*"], "resources": ["pods", "*"], "verbs": ["*"], "resourceNames": ["a", 1, "b"]});
        let rule = PolicyRule::new(0, &value);
        assert_eq!(
            rule.wildcards(),
            [("verbs", 0), ("resources", 1), ("apiGroups", 0)]
        );
        assert_eq!(rule.resource_names(), ["a", "b"]);
        let none = json!({"apiGroups": [""], "resources": ["*/scale"], "verbs": ["get"]});
        assert!(PolicyRule::new(0, &none).wildcards().is_empty());
    }
}
