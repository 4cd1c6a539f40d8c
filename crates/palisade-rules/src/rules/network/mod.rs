//! Rules of the `network` category.

mod calico_selector;
mod default_deny;
pub(crate) mod egress_to_internet_allowed;
pub(crate) mod ingress_backend_missing;
pub(crate) mod ingress_duplicate_host;
pub(crate) mod ingress_nginx_annotation_injection;
pub(crate) mod ingress_nginx_snippet_annotation;
pub(crate) mod ingress_no_tls;
pub(crate) mod ingress_wildcard_host;
mod isolation;
pub(crate) mod namespace_missing_default_deny;
pub(crate) mod network_policy_selects_no_pods;
pub(crate) mod policy;
pub(crate) use palisade_model::selector;
pub(crate) mod service_external_ips;
pub(crate) mod service_load_balancer;
pub(crate) mod service_node_port;
pub(crate) mod service_selects_no_pods;
pub(crate) mod workload_not_network_isolated;

/// Whether a CIDR covers the whole IPv4 or IPv6 address space (`0.0.0.0/0`, `::/0`).
pub(crate) fn is_whole_address_space(cidr: &str) -> bool {
    let Some((address, prefix)) = cidr.trim().split_once('/') else {
        return false;
    };
    address.parse::<std::net::IpAddr>().is_ok() && prefix.parse::<u8>() == Ok(0)
}

/// The annotations of an Ingress (`networking.k8s.io` or the old `extensions`), which
/// ingress-nginx reads as configuration; `None` for any other object.
fn ingress_annotations(
    object: &palisade_model::Object,
) -> Option<&serde_json::Map<String, serde_json::Value>> {
    if !matches!(object.group(), "networking.k8s.io" | "extensions") {
        return None;
    }
    object.annotations()
}

#[cfg(test)]
mod tests {
    use super::is_whole_address_space;

    #[test]
    fn only_zero_length_prefixes_cover_every_address() {
        for (cidr, whole) in [
            ("0.0.0.0/0", true),
            ("::/0", true),
            ("0::/0", true),
            (" 0.0.0.0/0 ", true),
            ("10.0.0.0/8", false),
            ("0.0.0.0/1", false),
            ("203.0.113.7/32", false),
            ("0.0.0.0", false),
            ("everything/0", false),
        ] {
            assert_eq!(is_whole_address_space(cidr), whole, "{cidr}");
        }
    }
}
