//! The RBAC objects of a set, read into roles and bindings, with ClusterRoles' aggregation
//! resolved as the controller resolves it.

use std::collections::{HashMap, HashSet};

use palisade_model::selector::LabelSelector;
use palisade_model::{Object, ObjectRef};
use serde::Serialize;
use serde_json::Value;

use crate::rule::PolicyRule;
use crate::subject::{Subject, UserInfo};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Where a RoleBinding or Role that names no namespace is applied (`kubectl apply` with the
/// default context).
const DEFAULT_NAMESPACE: &str = "default";

/// A Role or ClusterRole.
#[derive(Clone, Debug)]
pub struct Role {
    /// `Role` or `ClusterRole`.
    pub kind: &'static str,
    /// Empty for a ClusterRole.
    pub namespace: String,
    pub name: String,
    pub rules: Vec<PolicyRule>,
    /// Where it came from: the object, or Kubernetes' defaults.
    pub source: ObjectRef,
    pub is_default: bool,
    labels: serde_json::Map<String, Value>,
    /// `aggregationRule.clusterRoleSelectors`, when a controller fills in the rules.
    aggregation: Option<Vec<Value>>,
}

/// What a binding grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleRef {
    pub kind: String,
    pub name: String,
}

/// A subject as a binding lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BindingSubject {
    pub kind: String,
    pub name: String,
    /// As written; for a service account of a RoleBinding, empty means the binding's namespace.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Clone, Debug)]
pub struct Binding {
    /// `RoleBinding` or `ClusterRoleBinding`.
    pub kind: &'static str,
    /// Empty for a ClusterRoleBinding.
    pub namespace: String,
    pub name: String,
    pub role_ref: RoleRef,
    pub subjects: Vec<BindingSubject>,
    pub source: ObjectRef,
    pub is_default: bool,
}

impl BindingSubject {
    /// Whether the subject names this user (upstream's `appliesToUser`): a user by name, a
    /// group the user is in, a service account by its user name, in the subject's namespace
    /// or else the binding's.
    pub fn applies_to(&self, user: &UserInfo, binding_namespace: &str) -> bool {
        match self.kind.as_str() {
            "User" => user.name == self.name,
            "Group" => user.groups.contains(&self.name),
            "ServiceAccount" => {
                let namespace = if self.namespace.is_empty() {
                    binding_namespace
                } else {
                    &self.namespace
                };
                !namespace.is_empty()
                    && user.service_account() == Some((namespace, self.name.as_str()))
            }
            _ => false,
        }
    }

    /// The subject this entry names, with a service account's namespace resolved.
    pub fn subject(&self, binding_namespace: &str) -> Option<Subject> {
        match self.kind.as_str() {
            "User" => Some(Subject::User {
                name: self.name.clone(),
            }),
            "Group" => Some(Subject::Group {
                name: self.name.clone(),
            }),
            "ServiceAccount" => {
                let namespace = if self.namespace.is_empty() {
                    binding_namespace
                } else {
                    &self.namespace
                };
                (!namespace.is_empty()).then(|| Subject::service_account(namespace, &self.name))
            }
            _ => None,
        }
    }
}

/// Every role and binding of a set of objects.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    roles: Vec<Role>,
    bindings: Vec<Binding>,
    /// Index into `roles` by (namespace, name); ClusterRoles have namespace "".
    by_name: HashMap<(String, String), usize>,
    /// The bindings read, by (kind, namespace, name): the first of a name wins.
    binding_names: HashSet<(&'static str, String, String)>,
}

fn strings_map(value: Option<&Value>) -> serde_json::Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn text(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or("").to_string()
}

impl Policy {
    /// The policy of `objects`, and of a fresh cluster's defaults when `with_defaults` (an
    /// object of the input replaces the default of the same kind, namespace and name).
    pub fn from_objects<'a>(
        objects: impl IntoIterator<Item = &'a Object>,
        with_defaults: bool,
    ) -> Self {
        let mut policy = Self::default();
        for object in objects {
            policy.add(object, false);
        }
        if with_defaults {
            for object in crate::defaults::objects() {
                policy.add(object, true);
            }
        }
        policy.aggregate();
        policy
    }

    fn add(&mut self, object: &Object, is_default: bool) {
        if object.group() != RBAC_GROUP {
            return;
        }
        let namespace = || object.namespace().unwrap_or(DEFAULT_NAMESPACE).to_string();
        match object.kind.as_str() {
            kind @ ("Role" | "ClusterRole") => {
                let (kind, namespace) = if kind == "Role" {
                    ("Role", namespace())
                } else {
                    ("ClusterRole", String::new())
                };
                let key = (namespace.clone(), object.name().to_string());
                if self.by_name.contains_key(&key) {
                    return;
                }
                let aggregation = (kind == "ClusterRole")
                    .then(|| {
                        object
                            .value
                            .pointer("/aggregationRule/clusterRoleSelectors")
                    })
                    .flatten()
                    .and_then(Value::as_array)
                    .cloned();
                let rules = object
                    .value
                    .get("rules")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(PolicyRule::from_value)
                    .collect();
                self.by_name.insert(key, self.roles.len());
                self.roles.push(Role {
                    kind,
                    namespace,
                    name: object.name().to_string(),
                    rules,
                    source: object.object_ref(),
                    is_default,
                    labels: strings_map(object.value.pointer("/metadata/labels")),
                    aggregation,
                });
            }
            kind @ ("RoleBinding" | "ClusterRoleBinding") => {
                let (kind, namespace) = if kind == "RoleBinding" {
                    ("RoleBinding", namespace())
                } else {
                    ("ClusterRoleBinding", String::new())
                };
                let key = (kind, namespace.clone(), object.name().to_string());
                if !self.binding_names.insert(key) {
                    return;
                }
                let role_ref = RoleRef {
                    kind: text(object.value.pointer("/roleRef/kind")),
                    name: text(object.value.pointer("/roleRef/name")),
                };
                let subjects = object
                    .value
                    .get("subjects")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|s| BindingSubject {
                        kind: text(s.get("kind")),
                        name: text(s.get("name")),
                        namespace: text(s.get("namespace")),
                    })
                    .collect();
                self.bindings.push(Binding {
                    kind,
                    namespace,
                    name: object.name().to_string(),
                    role_ref,
                    subjects,
                    source: object.object_ref(),
                    is_default,
                });
            }
            _ => {}
        }
    }

    /// Fills in aggregated ClusterRoles as the aggregation controller does: the rules of every
    /// other ClusterRole one of its selectors matches (an empty selector matches all, as
    /// `LabelSelectorAsSelector` makes it), in name order, each once. Aggregated
    /// roles can feed others (`edit` into `admin`), so this runs until nothing changes.
    fn aggregate(&mut self) {
        let aggregated: Vec<usize> = (0..self.roles.len())
            .filter(|&i| self.roles[i].aggregation.is_some())
            .collect();
        if aggregated.is_empty() {
            return;
        }
        let mut order: Vec<usize> = (0..self.roles.len())
            .filter(|&i| self.roles[i].kind == "ClusterRole")
            .collect();
        order.sort_by(|&a, &b| self.roles[a].name.cmp(&self.roles[b].name));
        // Each round can only add rules, and chains are short: a bound keeps a cycle finite.
        for _ in 0..self.roles.len().min(16) {
            let mut changed = false;
            for &target in &aggregated {
                let selectors = self.roles[target].aggregation.clone().unwrap_or_default();
                let mut rules: Vec<PolicyRule> = Vec::new();
                for &source in &order {
                    if source == target {
                        continue;
                    }
                    let labels = Some(&self.roles[source].labels);
                    let selected = selectors
                        .iter()
                        .any(|s| LabelSelector::parse(Some(s)).is_some_and(|s| s.matches(labels)));
                    if selected {
                        for rule in &self.roles[source].rules {
                            if !rules.contains(rule) {
                                rules.push(rule.clone());
                            }
                        }
                    }
                }
                if rules != self.roles[target].rules {
                    self.roles[target].rules = rules;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The role a binding grants, if the set holds it (a RoleBinding's Role is in its own
    /// namespace).
    pub fn role_of(&self, binding: &Binding) -> Option<&Role> {
        let namespace = match binding.role_ref.kind.as_str() {
            "ClusterRole" => String::new(),
            "Role" if binding.kind == "RoleBinding" => binding.namespace.clone(),
            _ => return None,
        };
        let index = self
            .by_name
            .get(&(namespace, binding.role_ref.name.clone()))?;
        self.roles.get(*index)
    }
}
