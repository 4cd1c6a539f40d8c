//! The one ordered list of rules. Its invariants are tests (`tests/registry.rs`).

use crate::rule::RuleDef;
#[allow(unused_imports, reason = "categories fill up as rules land")]
use crate::rules::{
    api_lifecycle, containers, identity, images, namespaces, network, pss, rbac, reliability,
    secrets,
};

/// Every rule, in the order `palisade rules` lists them.
pub static RULES: &[&RuleDef] = &[
    &pss::host_namespaces::RULE,
    &pss::privileged::RULE,
    &pss::capabilities_baseline::RULE,
    &pss::host_path_volumes::RULE,
    &pss::host_ports::RULE,
    &pss::host_probes_and_lifecycle::RULE,
    &pss::apparmor::RULE,
    &pss::selinux::RULE,
    &pss::proc_mount::RULE,
    &pss::seccomp_baseline::RULE,
    &pss::sysctls::RULE,
    &pss::windows_host_process::RULE,
    &pss::restricted_volumes::RULE,
    &pss::allow_privilege_escalation::RULE,
    &pss::run_as_non_root::RULE,
    &pss::run_as_user::RULE,
    &pss::seccomp_restricted::RULE,
    &pss::capabilities_restricted::RULE,
    &pss::proc_mount_restricted::RULE,
    // -- images --
    &images::image_latest_tag::RULE,
    &images::image_not_digest_pinned::RULE,
    &images::image_untrusted_registry::RULE,
    &images::image_reference_invalid::RULE,
    &images::image_deprecated_registry::RULE,
    &images::kubernetes_dashboard_deployed::RULE,
    &images::helm_tiller_deployed::RULE,
    // -- containers --
    &containers::read_only_root_filesystem::RULE,
    &containers::dangerous_capabilities::RULE,
    &containers::docker_socket_mount::RULE,
    &containers::sensitive_host_path::RULE,
    &containers::sysctl_injection::RULE,
    &containers::run_as_root_group::RULE,
    &containers::host_path_persistent_volume::RULE,
    &containers::missing_resource_limits::RULE,
    &containers::missing_resource_requests::RULE,
    // -- identity --
    &identity::service_account_token_automount::RULE,
    &identity::default_service_account::RULE,
    &identity::service_account_automount_enabled::RULE,
    &identity::service_account_missing::RULE,
    // -- secrets --
    &secrets::secret_in_env_literal::RULE,
    &secrets::secret_in_configmap::RULE,
    &secrets::secrets_as_env::RULE,
    // -- network --
    &network::service_load_balancer::RULE,
    &network::service_node_port::RULE,
    &network::service_external_ips::RULE,
    &network::ingress_no_tls::RULE,
    &network::namespace_missing_default_deny::RULE,
    &network::workload_not_network_isolated::RULE,
    &network::egress_to_internet_allowed::RULE,
    &network::ingress_nginx_snippet_annotation::RULE,
    &network::ingress_nginx_annotation_injection::RULE,
    &network::ingress_wildcard_host::RULE,
    &network::ingress_duplicate_host::RULE,
    &network::service_selects_no_pods::RULE,
    &network::ingress_backend_missing::RULE,
    &network::network_policy_selects_no_pods::RULE,
    // -- namespaces --
    &namespaces::default_namespace::RULE,
    &namespaces::namespace_missing_pss_label::RULE,
    &namespaces::namespace_missing_resource_quota::RULE,
    // -- rbac --
    &rbac::wildcard::RULE,
    &rbac::secrets_access::RULE,
    &rbac::exec_attach::RULE,
    &rbac::escalate_bind_impersonate::RULE,
    &rbac::workload_create::RULE,
    &rbac::node_proxy::RULE,
    &rbac::token_create::RULE,
    &rbac::webhook_config_write::RULE,
    &rbac::csr_approve::RULE,
    &rbac::cluster_admin_binding::RULE,
    &rbac::anonymous_binding::RULE,
    &rbac::user_direct_binding::RULE,
    &rbac::default_service_account_binding::RULE,
    &rbac::binding_role_missing::RULE,
    &rbac::escalation_path::RULE,
    // -- api-lifecycle --
    &api_lifecycle::deprecated_api_version::RULE,
    // -- reliability (off by default) --
    &reliability::missing_liveness_probe::RULE,
    &reliability::missing_readiness_probe::RULE,
    &reliability::single_replica::RULE,
    &reliability::missing_pod_disruption_budget::RULE,
    &reliability::bare_pod::RULE,
    &reliability::image_pull_policy_not_always::RULE,
];

/// Finds a rule by code (`PSS002`) or name (`pss-privileged`), case-insensitively for codes.
pub fn find_rule(code_or_name: &str) -> Option<&'static RuleDef> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}
