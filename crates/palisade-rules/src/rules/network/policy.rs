//! Reading NetworkPolicy objects: which pods they select and which directions they isolate.

use palisade_model::Object;
use serde_json::Value;

use super::selector::LabelSelector;

/// Whether the object is a NetworkPolicy of a group that defines one (`extensions/v1beta1`
/// is long removed, but a policy written in it still says what its author meant).
pub(crate) fn is_network_policy(object: &Object) -> bool {
    object.kind == "NetworkPolicy" && matches!(object.group(), "networking.k8s.io" | "extensions")
}

/// The traffic directions a policy isolates, after the API server's defaulting of
/// `policyTypes`: when it is absent or empty, `Ingress` always, and `Egress` only when the
/// policy has at least one egress rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Directions {
    pub(crate) ingress: bool,
    pub(crate) egress: bool,
}

pub(crate) fn policy_types(policy: &Object) -> Directions {
    let listed = policy
        .at("/spec/policyTypes")
        .and_then(Value::as_array)
        .filter(|types| !types.is_empty());
    match listed {
        Some(types) => Directions {
            ingress: types.iter().any(|t| t.as_str() == Some("Ingress")),
            egress: types.iter().any(|t| t.as_str() == Some("Egress")),
        },
        None => Directions {
            ingress: true,
            egress: !rules(policy, "egress").is_empty(),
        },
    }
}

/// The rules of one direction (`"ingress"` or `"egress"`).
pub(crate) fn rules<'a>(policy: &'a Object, direction: &str) -> &'a [Value] {
    policy
        .at("/spec")
        .and_then(|spec| spec.get(direction))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The policy's `podSelector`; `None` when it is not a valid selector.
pub(crate) fn pod_selector(policy: &Object) -> Option<LabelSelector<'_>> {
    LabelSelector::parse(policy.at("/spec/podSelector"))
}

/// Whether a rule of the direction admits everything: no peers and no ports (`- {}`).
pub(crate) fn allows_all(policy: &Object, direction: &str) -> bool {
    let peers = if direction == "egress" { "to" } else { "from" };
    rules(policy, direction)
        .iter()
        .any(|rule| empty_list(rule.get(peers)) && empty_list(rule.get("ports")))
}

/// Absent, `null` and `[]` all mean "no restriction" in a NetworkPolicy rule.
pub(crate) fn empty_list(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// The ports of a rule for a message: `53/UDP, 443/TCP`, or `every port`.
pub(crate) fn describe_ports(rule: &Value) -> String {
    let ports = rule
        .get("ports")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if ports.is_empty() {
        return "every port".to_string();
    }
    let shown: Vec<String> = ports
        .iter()
        .map(|port| {
            let protocol = port
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP");
            let number = match port.get("port") {
                Some(Value::String(name)) => name.clone(),
                Some(Value::Number(n)) => match port.get("endPort").and_then(Value::as_u64) {
                    Some(end) => format!("{n}-{end}"),
                    None => n.to_string(),
                },
                _ => "every port".to_string(),
            };
            format!("{number}/{protocol}")
        })
        .collect();
    shown.join(", ")
}
