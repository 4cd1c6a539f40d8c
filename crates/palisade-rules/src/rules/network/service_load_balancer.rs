//! NET001: a LoadBalancer Service that any address on the internet can reach.

use std::borrow::Cow;

use palisade_model::{Object, pointer};
use serde_json::Value;

use super::is_whole_address_space;
use crate::declare_rule;
use crate::engine::Settings;
use crate::finding::Violation;
use crate::rule::{Category, Check, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Services of `type: LoadBalancer` that neither restrict their clients with
    /// `spec.loadBalancerSourceRanges` (or the older
    /// `service.beta.kubernetes.io/load-balancer-source-ranges` annotation) nor ask their cloud
    /// provider for an internal load balancer. Source ranges that include `0.0.0.0/0` or `::/0`
    /// restrict nothing and are reported too.
    ///
    /// These annotations make a load balancer internal:
    ///
    /// | Provider | Annotation |
    /// | --- | --- |
    /// | AWS (load balancer controller) | `service.beta.kubernetes.io/aws-load-balancer-scheme: internal` |
    /// | AWS (legacy in-tree provider) | `service.beta.kubernetes.io/aws-load-balancer-internal: "true"` (any value but `false`) |
    /// | GCP / GKE | `networking.gke.io/load-balancer-type: Internal`, legacy `cloud.google.com/load-balancer-type: Internal` |
    /// | Azure | `service.beta.kubernetes.io/azure-load-balancer-internal: "true"` |
    /// | Oracle Cloud | `service.beta.kubernetes.io/oci-load-balancer-internal: "true"`, `oci-network-load-balancer.oraclecloud.com/internal: "true"` |
    /// | IBM Cloud | `service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private` |
    /// | DigitalOcean | `service.beta.kubernetes.io/do-loadbalancer-network: INTERNAL` |
    /// | OpenStack | `service.beta.kubernetes.io/openstack-internal-load-balancer: "true"` |
    /// | Alibaba Cloud | `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet` |
    /// | Baidu Cloud | `service.beta.kubernetes.io/cce-load-balancer-internal-vpc: "true"` |
    /// | Tencent Cloud | `service.kubernetes.io/qcloud-loadbalancer-internal-subnetid: <subnet>` |
    /// | Hetzner Cloud | `load-balancer.hetzner.cloud/disable-public-network: "true"` |
    ///
    /// ## Why is this bad?
    /// A public load balancer puts the Service on the internet: every scanner and botnet can
    /// reach it, and a weakness in the application is exploitable by anyone. Most Services
    /// only need to be reached from a known network (an office, a VPN, a CDN, other VPCs).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: admin}
    ///   ports:
    ///   - port: 443
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: admin
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: ["203.0.113.0/24"]
    ///   selector: {app: admin}
    ///   ports:
    ///   - port: 443
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Service type LoadBalancer, internal load balancers](https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer)
    /// - [Kubernetes: Restricting load balancer source ranges](https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/)
    /// - NSA-CISA Kubernetes Hardening Guide: network separation and hardening
    /// - MITRE ATT&CK for Containers: T1190 Exploit Public-Facing Application
    pub(crate) static RULE = {
        code: "NET001",
        name: "service-load-balancer",
        category: Category::Network,
        severity: Severity::Medium,
        summary: "LoadBalancer Service is reachable from any address",
        standards: &["NSA-CISA: network separation", "MITRE ATT&CK T1190"],
        check: Check::Object { kinds: &["Service"], check },
    };
}

const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// Annotations that make a provider's load balancer internal, with the values that do it.
const INTERNAL_ANNOTATIONS: &[(&str, Internal)] = &[
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Internal::Is("internal"),
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        Internal::AnyBut("false"),
    ),
    (
        "networking.gke.io/load-balancer-type",
        Internal::Is("internal"),
    ),
    (
        "cloud.google.com/load-balancer-type",
        Internal::Is("internal"),
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Internal::Is("true"),
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Internal::Is("true"),
    ),
    (
        "oci-network-load-balancer.oraclecloud.com/internal",
        Internal::Is("true"),
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Internal::Is("private"),
    ),
    (
        "service.beta.kubernetes.io/do-loadbalancer-network",
        Internal::Is("internal"),
    ),
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        Internal::Is("true"),
    ),
    (
        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
        Internal::Is("intranet"),
    ),
    (
        "service.beta.kubernetes.io/alicloud-loadbalancer-address-type",
        Internal::Is("intranet"),
    ),
    (
        "service.beta.kubernetes.io/cce-load-balancer-internal-vpc",
        Internal::Is("true"),
    ),
    (
        "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid",
        Internal::AnyBut(""),
    ),
    (
        "load-balancer.hetzner.cloud/disable-public-network",
        Internal::Is("true"),
    ),
];

/// Which annotation values ask for an internal load balancer (compared without case).
#[derive(Clone, Copy, Debug)]
enum Internal {
    Is(&'static str),
    /// Any non-empty value except this one (the legacy AWS provider's reading).
    AnyBut(&'static str),
}

fn check(service: &Object, _settings: &Settings, out: &mut Vec<Violation>) {
    if !service.group().is_empty()
        || service.at("/spec/type").and_then(Value::as_str) != Some("LoadBalancer")
    {
        return;
    }
    if is_internal(service) {
        return;
    }
    let ranges = source_ranges(service);
    if ranges.is_empty() {
        out.push(Violation::new(
            "/spec/type",
            "Service of type LoadBalancer is reachable from any address: it sets no loadBalancerSourceRanges and no internal-load-balancer annotation",
            "set spec.loadBalancerSourceRanges to the client networks, or make the load balancer internal with your provider's annotation (e.g. service.beta.kubernetes.io/aws-load-balancer-scheme: internal)",
        ));
        return;
    }
    for (range, at) in ranges {
        if is_whole_address_space(&range) {
            out.push(Violation::new(
                at,
                format!("Service of type LoadBalancer allows source range {range}, which is every address"),
                "list only the client networks in loadBalancerSourceRanges, or make the load balancer internal",
            ));
        }
    }
}

fn is_internal(service: &Object) -> bool {
    let Some(annotations) = service.annotations() else {
        return false;
    };
    INTERNAL_ANNOTATIONS.iter().any(|(key, wanted)| {
        let Some(value) = annotations.get(*key).and_then(text) else {
            return false;
        };
        let value = value.trim();
        match wanted {
            Internal::Is(expected) => value.eq_ignore_ascii_case(expected),
            Internal::AnyBut(other) => !value.is_empty() && !value.eq_ignore_ascii_case(other),
        }
    })
}

/// An annotation value as text. Annotations must be strings, but an unquoted `true` in YAML is
/// a boolean, and the author's intent is still plain.
fn text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

/// The source ranges with their pointers: the field wins over the annotation, as in
/// the service controller.
fn source_ranges(service: &Object) -> Vec<(String, String)> {
    let field = service
        .at("/spec/loadBalancerSourceRanges")
        .and_then(Value::as_array);
    if let Some(items) = field.filter(|items| !items.is_empty()) {
        return items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                Some((
                    item.as_str()?.trim().to_string(),
                    format!("/spec/loadBalancerSourceRanges/{i}"),
                ))
            })
            .collect();
    }
    let annotation = service
        .annotations()
        .and_then(|a| a.get(SOURCE_RANGES_ANNOTATION))
        .and_then(Value::as_str);
    let at = pointer::join("/metadata/annotations", SOURCE_RANGES_ANNOTATION);
    annotation
        .into_iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|range| !range.is_empty())
        .map(|range| (range.to_string(), at.clone()))
        .collect()
}
