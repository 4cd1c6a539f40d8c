//! NET007: a NetworkPolicy egress rule that lets pods reach the whole internet.

use palisade_model::Object;
use serde_json::Value;

use super::is_whole_address_space;
use super::policy::{describe_ports, empty_list, is_network_policy, policy_types, rules};
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports NetworkPolicy egress rules that allow every destination: an `ipBlock` of
    /// `0.0.0.0/0` or `::/0` (also when its `except` carves out private ranges: the internet
    /// is still allowed), or a rule without `to` peers, which matches every destination on
    /// its ports. Rules of policies whose `policyTypes` leave out `Egress` have no effect and
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// Egress to the internet is what an attacker needs after a compromise: to download
    /// tools, reach a command-and-control server and exfiltrate data. Most workloads talk to
    /// a few known services; allowing all destinations throws that knowledge away. Even a
    /// rule limited to port 53 or 443 carries data out when every destination is allowed.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   policyTypes: [Egress]
    ///   egress:
    ///   - to:
    ///     - ipBlock:
    ///         cidr: 0.0.0.0/0
    ///         except: [10.0.0.0/8]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   podSelector: {matchLabels: {app: web}}
    ///   policyTypes: [Egress]
    ///   egress:
    ///   - to:
    ///     - ipBlock: {cidr: 203.0.113.10/32}
    ///     ports:
    ///     - {port: 443, protocol: TCP}
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Network policies, egress and ipBlock](https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening (network policies)
    /// - MITRE ATT&CK: T1041 Exfiltration Over C2 Channel
    pub(crate) static RULE = {
        code: "NET007",
        name: "egress-to-internet-allowed",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "NetworkPolicy egress rule allows every destination, the internet included",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1041"],
        check: Check::Object { kinds: &["NetworkPolicy"], check },
    };
}

fn check(policy: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !is_network_policy(policy) || !policy_types(policy).egress {
        return;
    }
    for (i, rule) in rules(policy, "egress").iter().enumerate() {
        let rule_pointer = format!("/spec/egress/{i}");
        let ports = describe_ports(rule);
        if empty_list(rule.get("to")) {
            out.push(Violation::new(
                rule_pointer,
                format!("egress rule {i} has no `to`: it allows {ports} to every destination, the internet included"),
                "list the destinations in `to` (a podSelector, a namespaceSelector or a narrow ipBlock)",
            ));
            continue;
        }
        let peers = rule
            .get("to")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (j, peer) in peers.enumerate() {
            let Some(cidr) = peer.pointer("/ipBlock/cidr").and_then(Value::as_str) else {
                continue;
            };
            if !is_whole_address_space(cidr) {
                continue;
            }
            let except = peer
                .pointer("/ipBlock/except")
                .and_then(Value::as_array)
                .filter(|e| !e.is_empty());
            let carve_out = if except.is_some() {
                " (its `except` still leaves the internet allowed)"
            } else {
                ""
            };
            out.push(Violation::new(
                format!("{rule_pointer}/to/{j}/ipBlock/cidr"),
                format!("egress rule {i} allows ipBlock {cidr} on {ports}: every address, the internet included{carve_out}"),
                "allow only the addresses the pods need (a narrow ipBlock, or a podSelector for in-cluster peers), or route internet traffic through an egress proxy",
            ));
        }
    }
}
