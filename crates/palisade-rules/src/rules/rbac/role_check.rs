//! The shared driver of the rules that judge the entries of a role's `rules` (RBAC001–RBAC008).
//!
//! Each offending entry is reported on its Role or ClusterRole. Each binding in the input that
//! grants such a role is reported too, at its `/roleRef/name`, pointing back at the role: a
//! RoleBinding of a ClusterRole only counts the entries that apply inside a namespace, and a
//! binding of an aggregating ClusterRole counts the ClusterRoles in the input its
//! `aggregationRule` selects (one level deep, as the aggregation controller copies their rules).
//! A binding whose role is not in the input is left to the binding rules.
//!
//! A binding is as severe as the worst of what it grants: when a role it grants has an entry
//! that grants every verb on every resource of every API group (`PolicyRule::grants_everything`),
//! the binding holds `cluster-admin` (or a namespace's owner, for a RoleBinding) whatever the
//! entry that the check found, and each of its binding findings is critical.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::binding::{self, RoleRef, is_rbac};
use super::policy_rule::{PolicyRule, Scope, rules_of};
use crate::finding::Violation;
use crate::rule::Severity;
use crate::snapshot::{SetViolation, Snapshot};

/// The kinds role-rule checks read, for `Check::Set`.
pub(crate) const KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// An offending entry of a role's `rules`.
#[derive(Debug)]
pub(crate) struct Hit {
    /// Where in the role: the verb or resource that grants too much.
    pub(crate) pointer: String,
    /// One line starting with the entry's label (`rules[1]`).
    pub(crate) message: String,
    /// A severity other than the rule's default, for this entry.
    pub(crate) severity: Option<Severity>,
}

/// What one role-rule check looks for.
#[derive(Debug)]
pub(crate) struct RoleRuleCheck {
    /// What a role with an offending entry can do, as binding findings say it: `can read secrets`.
    pub(crate) ability: &'static str,
    /// What to change in the role.
    pub(crate) help: &'static str,
    /// Judges one entry of a role, as it applies in a namespace or cluster-wide.
    pub(crate) inspect: fn(&PolicyRule<'_>, Scope) -> Option<Hit>,
    /// Another permission without which the entries `inspect` finds are harmless: the role is
    /// only reported when one of its own entries grants it too (`None`: nothing else needed).
    pub(crate) requires: Option<fn(&PolicyRule<'_>, Scope) -> bool>,
}

/// The offending entries of one role: their indexes and severities.
#[derive(Debug, Default)]
struct Found {
    /// Entries that apply cluster-wide (ClusterRoleBinding of a ClusterRole).
    cluster: Vec<(usize, Option<Severity>)>,
    /// Entries that apply in a namespace (any RoleBinding).
    namespace: Vec<(usize, Option<Severity>)>,
    /// The first entry that grants every verb on every resource, if any.
    everything: Option<usize>,
}

/// A role as bindings find it: kind, namespace (Roles only) and name.
type Key<'a> = (&'a str, Option<&'a str>, &'a str);

/// A ClusterRole with offending entries, kept for aggregation.
struct Aggregatable<'a> {
    name: &'a str,
    labels: Option<&'a Map<String, Value>>,
}

/// Runs a role-rule check over the snapshot: role findings, then binding findings.
pub(crate) fn run(snapshot: &Snapshot<'_>, check: &RoleRuleCheck, out: &mut Vec<SetViolation>) {
    let roles = report_roles(snapshot, check, out);
    if !roles.found.is_empty() {
        report_bindings(snapshot, check, &roles, out);
    }
}

/// The roles with offending entries.
struct Roles<'a> {
    found: HashMap<Key<'a>, Found>,
    /// The ClusterRoles among them, for aggregating ClusterRoles to select.
    aggregatable: Vec<Aggregatable<'a>>,
}

fn report_roles<'a>(
    snapshot: &Snapshot<'a>,
    check: &RoleRuleCheck,
    out: &mut Vec<SetViolation>,
) -> Roles<'a> {
    let mut roles = Roles {
        found: HashMap::new(),
        aggregatable: Vec::new(),
    };
    for kind in ["Role", "ClusterRole"] {
        for (index, role) in snapshot.of_kind(kind).filter(|(_, r)| is_rbac(r)) {
            let entry = inspect_role(index, role, check, out);
            if entry.cluster.is_empty() && entry.namespace.is_empty() {
                continue;
            }
            let namespace = if kind == "Role" {
                role.namespace()
            } else {
                None
            };
            if kind == "ClusterRole" && !roles.aggregatable.iter().any(|a| a.name == role.name()) {
                roles.aggregatable.push(Aggregatable {
                    name: role.name(),
                    labels: role.labels(),
                });
            }
            let merged = roles
                .found
                .entry((kind, namespace, role.name()))
                .or_default();
            merged.cluster.extend(entry.cluster);
            merged.namespace.extend(entry.namespace);
            merged.everything = merged.everything.or(entry.everything);
        }
    }
    roles
}

fn report_bindings<'a>(
    snapshot: &Snapshot<'a>,
    check: &RoleRuleCheck,
    roles: &Roles<'a>,
    out: &mut Vec<SetViolation>,
) {
    let selectors = aggregation_selectors(snapshot);
    for kind in binding::BINDING_KINDS {
        let scope = if *kind == "ClusterRoleBinding" {
            Scope::Cluster
        } else {
            Scope::Namespace
        };
        for (index, object) in snapshot.of_kind(kind) {
            let Some(role) = binding::role_ref(object) else {
                continue;
            };
            let namespace = if role.kind == "Role" {
                object.namespace()
            } else {
                None
            };
            let sources = granted(roles, &selectors, (role.kind, namespace, role.name), scope);
            if let Some(violation) = binding_violation(object, role, check, &sources) {
                out.push(SetViolation {
                    object: index,
                    violation,
                });
            }
        }
    }
}

/// The roles with offending entries that a binding of `key` grants: the role itself, and the
/// ClusterRoles it aggregates.
fn granted<'a>(
    roles: &'a Roles<'a>,
    selectors: &HashMap<&str, &[Value]>,
    key: Key<'a>,
    scope: Scope,
) -> Vec<Source<'a>> {
    let mut sources = Vec::new();
    push_source(&mut sources, &roles.found, key, scope, None);
    let (kind, _, name) = key;
    let Some(role_selectors) = selectors.get(name).filter(|_| kind == "ClusterRole") else {
        return sources;
    };
    for candidate in &roles.aggregatable {
        if candidate.name != name && role_selectors.iter().any(|s| selects(s, candidate.labels)) {
            let aggregated = ("ClusterRole", None, candidate.name);
            push_source(&mut sources, &roles.found, aggregated, scope, Some(name));
        }
    }
    sources
}

/// Reports the offending entries of one role and returns them for its bindings.
fn inspect_role(
    index: usize,
    role: &palisade_model::Object,
    check: &RoleRuleCheck,
    out: &mut Vec<SetViolation>,
) -> Found {
    let is_cluster_role = role.kind == "ClusterRole";
    let own_scope = if is_cluster_role {
        Scope::Cluster
    } else {
        Scope::Namespace
    };
    let rules: Vec<PolicyRule<'_>> = rules_of(role).collect();
    // A permission that is only dangerous together with another counts only where the role
    // also holds the other.
    let completed = |scope| {
        check
            .requires
            .is_none_or(|requires| rules.iter().any(|r| requires(r, scope)))
    };
    let (own_complete, namespace_complete) = (completed(own_scope), completed(Scope::Namespace));
    let mut found = Found::default();
    for rule in &rules {
        if found.everything.is_none() && rule.grants_everything() {
            found.everything = Some(rule.index);
        }
        if let Some(hit) = (check.inspect)(rule, own_scope).filter(|_| own_complete) {
            let mut violation = Violation::new(hit.pointer, hit.message, check.help);
            violation.severity = hit.severity;
            out.push(SetViolation {
                object: index,
                violation,
            });
            if is_cluster_role {
                found.cluster.push((rule.index, hit.severity));
            } else {
                found.namespace.push((rule.index, hit.severity));
            }
        }
        if is_cluster_role
            && namespace_complete
            && let Some(hit) = (check.inspect)(rule, Scope::Namespace)
        {
            found.namespace.push((rule.index, hit.severity));
        }
    }
    found
}

/// The offending entries of one role a binding grants.
struct Source<'a> {
    kind: &'a str,
    name: &'a str,
    entries: &'a [(usize, Option<Severity>)],
    /// The role's first entry that grants every verb on every resource, if any.
    everything: Option<usize>,
    /// The aggregating ClusterRole this role's rules are copied into, when it is not bound directly.
    aggregated_into: Option<&'a str>,
}

fn push_source<'a>(
    sources: &mut Vec<Source<'a>>,
    found: &'a HashMap<Key<'a>, Found>,
    key: Key<'a>,
    scope: Scope,
    aggregated_into: Option<&'a str>,
) {
    let Some(entry) = found.get(&key) else { return };
    let entries = match scope {
        Scope::Cluster => &entry.cluster,
        Scope::Namespace => &entry.namespace,
    };
    if !entries.is_empty() {
        let (kind, _, name) = key;
        sources.push(Source {
            kind,
            name,
            entries,
            everything: entry.everything,
            aggregated_into,
        });
    }
}

fn binding_violation(
    binding: &palisade_model::Object,
    role: RoleRef<'_>,
    check: &RoleRuleCheck,
    sources: &[Source<'_>],
) -> Option<Violation> {
    if sources.is_empty() {
        return None;
    }
    let see: Vec<String> = sources
        .iter()
        .map(|s| {
            let entries: Vec<String> = s
                .entries
                .iter()
                .map(|(i, _)| format!("rules[{i}]"))
                .collect();
            let via = s
                .aggregated_into
                .map(|into| format!(", aggregated into \"{into}\""))
                .unwrap_or_default();
            format!("{} \"{}\", {}{via}", s.kind, s.name, entries.join(", "))
        })
        .collect();
    let mut message = format!(
        "grants {}, which {} (see {})",
        binding::describe_grant(binding, role),
        check.ability,
        see.join("; ")
    );
    let mut severity = binding_severity(sources);
    if let Some(everything) = sources.iter().find_map(|s| Some((s, s.everything?))) {
        let (source, index) = everything;
        let equivalent = match binding
            .namespace()
            .filter(|_| binding.kind == "RoleBinding")
        {
            Some(ns) => format!("owner of namespace \"{ns}\""),
            None => "cluster-admin".to_string(),
        };
        message.push_str(&format!(
            ", and is equivalent to {equivalent} ({} \"{}\", rules[{index}] grants every verb on every resource)",
            source.kind, source.name
        ));
        severity = Some(Severity::Critical);
    }
    let mut violation = Violation::new(
        "/roleRef/name",
        message,
        "bind a role without that permission, or remove it from the role (see the finding on the role)",
    );
    violation.severity = severity;
    Some(violation)
}

/// The most severe of the entries' own severities, or the rule's default when any entry has it.
fn binding_severity(sources: &[Source<'_>]) -> Option<Severity> {
    let mut severities = sources
        .iter()
        .flat_map(|s| s.entries.iter().map(|(_, severity)| *severity));
    severities.try_fold(None, |most: Option<Severity>, own| {
        own.map(|own| Some(most.map_or(own, |m| m.max(own))))
    })?
}

/// The `aggregationRule.clusterRoleSelectors` of every ClusterRole that has them, by name.
fn aggregation_selectors<'a>(snapshot: &Snapshot<'a>) -> HashMap<&'a str, &'a [Value]> {
    snapshot
        .of_kind("ClusterRole")
        .filter(|(_, role)| is_rbac(role))
        .filter_map(|(_, role)| {
            let selectors = role
                .at("/aggregationRule/clusterRoleSelectors")?
                .as_array()?;
            Some((role.name(), selectors.as_slice()))
        })
        .collect()
}

/// A `metav1.LabelSelector` against labels: every `matchLabels` pair and every expression must
/// hold; an empty selector selects everything, a null or malformed one nothing.
fn selects(selector: &Value, labels: Option<&Map<String, Value>>) -> bool {
    let Some(selector) = selector.as_object() else {
        return false;
    };
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let match_labels = match selector.get("matchLabels") {
        None | Some(Value::Null) => true,
        Some(Value::Object(pairs)) => pairs
            .iter()
            .all(|(k, v)| v.as_str().is_some_and(|v| label(k) == Some(v))),
        Some(_) => false,
    };
    let expressions = match selector.get("matchExpressions") {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.iter().all(|e| expression_holds(e, &label)),
        Some(_) => false,
    };
    match_labels && expressions
}

fn expression_holds<'l>(expression: &Value, label: &dyn Fn(&str) -> Option<&'l str>) -> bool {
    let Some(key) = expression.get("key").and_then(Value::as_str) else {
        return false;
    };
    let values: Vec<&str> = expression
        .get("values")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |v| v.iter().filter_map(Value::as_str).collect());
    let value = label(key);
    match expression.get("operator").and_then(Value::as_str) {
        Some("In") => value.is_some_and(|v| values.contains(&v)),
        Some("NotIn") => value.is_none_or(|v| !values.contains(&v)),
        Some("Exists") => value.is_some(),
        Some("DoesNotExist") => value.is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn label_selectors_select_as_kubernetes_does() {
        let labels = json!({"rbac.example.com/aggregate-to-ops": "true", "tier": "gold"});
        let labels = labels.as_object();
        let cases = [
            (
                json!({"matchLabels": {"rbac.example.com/aggregate-to-ops": "true"}}),
                true,
            ),
            (
                json!({"matchLabels": {"rbac.example.com/aggregate-to-ops": "false"}}),
                false,
            ),
            (json!({"matchLabels": {"missing": "true"}}), false),
            (json!({}), true),
            (json!(null), false),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold", "silver"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["gold"]}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "other", "operator": "NotIn", "values": ["gold"]}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
                true,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
                false,
            ),
            (
                json!({"matchExpressions": [{"key": "tier", "operator": "Gt", "values": ["1"]}]}),
                false,
            ),
            (
                json!({"matchLabels": {"tier": "gold"}, "matchExpressions": [{"key": "x", "operator": "Exists"}]}),
                false,
            ),
        ];
        for (selector, want) in cases {
            assert_eq!(selects(&selector, labels), want, "{selector}");
        }
        assert!(!selects(&json!({"matchLabels": {"tier": "gold"}}), None));
    }

    #[test]
    fn binding_severity_is_the_default_unless_every_entry_has_its_own() {
        let own = [(0, Some(Severity::Medium)), (1, Some(Severity::Low))];
        let mixed = [(0, Some(Severity::Medium)), (1, None)];
        let source = |entries| Source {
            kind: "Role",
            name: "r",
            entries,
            everything: None,
            aggregated_into: None,
        };
        assert_eq!(binding_severity(&[source(&own)]), Some(Severity::Medium));
        assert_eq!(binding_severity(&[source(&mixed)]), None);
    }

    /// Every binding finding of the role-rule checks, as `code severity message`.
    fn binding_findings(objects: &[Value]) -> Vec<String> {
        let objects: Vec<palisade_model::Object> = objects
            .iter()
            .cloned()
            .map(crate::test_support::object)
            .collect();
        let engine = crate::Engine::new(crate::Settings::default());
        engine
            .evaluate_set(&objects)
            .into_iter()
            .filter(|(_, f)| f.object.kind.ends_with("Binding"))
            .map(|(_, f)| format!("{} {} {}", f.rule.code, f.severity, f.message))
            .collect()
    }

    fn binding(kind: &str, role_kind: &str, role: &str) -> Value {
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": {"name": "b", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
            "subjects": [{"kind": "Group", "name": "g"}],
        })
    }

    #[test]
    fn bindings_of_cluster_admin_equivalent_roles_are_critical() {
        let every_verb = json!([
            "get", "list", "watch", "create", "update", "patch", "delete"
        ]);
        let roles = [
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": every_verb}]),
            json!([
                {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                {"nonResourceURLs": ["*"], "verbs": ["*"]},
            ]),
        ];
        for rules in roles {
            let role = json!({
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "operator"}, "rules": rules,
            });
            for kind in ["ClusterRoleBinding", "RoleBinding"] {
                let found =
                    binding_findings(&[role.clone(), binding(kind, "ClusterRole", "operator")]);
                assert!(!found.is_empty(), "{kind} of {rules}");
                for finding in &found {
                    assert!(
                        finding.contains(" critical ") && finding.contains("equivalent to"),
                        "{kind} of {rules}: {finding}"
                    );
                }
            }
        }
    }

    #[test]
    fn bindings_of_roles_short_of_cluster_admin_keep_their_severity() {
        let short = [
            // delete is missing
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "create", "update", "patch"]}]),
            // limited to named objects
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"], "resourceNames": ["a"]}]),
            // one API group only
            json!([{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}]),
            // every non-resource URL only
            json!([{"nonResourceURLs": ["*"], "verbs": ["*"]}]),
        ];
        for rules in short {
            let role = json!({
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": "operator"}, "rules": rules,
            });
            let found = binding_findings(&[
                role,
                binding("ClusterRoleBinding", "ClusterRole", "operator"),
            ]);
            for finding in &found {
                assert!(!finding.contains("equivalent to"), "{rules}: {finding}");
            }
        }
    }

    #[test]
    fn a_role_equivalent_to_namespace_admin_makes_its_binding_critical() {
        let role = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "owner", "namespace": "shop"},
            "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
        });
        let found = binding_findings(&[role, binding("RoleBinding", "Role", "owner")]);
        assert!(!found.is_empty());
        assert!(found.iter().all(|f| f.contains(" critical ")), "{found:?}");
    }
}
