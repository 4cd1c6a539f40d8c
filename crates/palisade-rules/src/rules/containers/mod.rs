//! Rules of the `containers` category.

pub(crate) mod dangerous_capabilities;
pub(crate) mod docker_socket_mount;
mod host_path;
pub(crate) mod host_path_persistent_volume;
pub(crate) mod missing_resource_limits;
pub(crate) mod missing_resource_requests;
pub(crate) mod read_only_root_filesystem;
mod resources;
pub(crate) mod run_as_root_group;
pub(crate) mod sensitive_host_path;
pub(crate) mod sysctl_injection;
