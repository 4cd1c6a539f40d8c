//! The Pod Security Standards: the 19 checks of upstream's `pod-security-admission/policy`,
//! with every revision, so that a pod is judged exactly as the admission plugin judges it.
//!
//! The helpers below read fields the way upstream's Go types see them once decoded: a field
//! that is absent and a field that is `null` are both unset (a nil pointer), and an unset
//! string is the empty string. Where upstream lists the allowed values of a field, anything
//! else is reported, including values of the wrong JSON type (which the API server would not
//! accept either), so a checker never passes what it cannot read.

pub(crate) mod allow_privilege_escalation;
pub(crate) mod apparmor;
pub(crate) mod capabilities_baseline;
pub(crate) mod capabilities_restricted;
pub(crate) mod host_namespaces;
pub(crate) mod host_path_volumes;
pub(crate) mod host_ports;
pub(crate) mod host_probes_and_lifecycle;
pub(crate) mod privileged;
pub(crate) mod proc_mount;
pub(crate) mod proc_mount_restricted;
pub(crate) mod restricted_volumes;
pub(crate) mod run_as_non_root;
pub(crate) mod run_as_user;
pub(crate) mod seccomp_baseline;
pub(crate) mod seccomp_restricted;
pub(crate) mod selinux;
pub(crate) mod sysctls;
pub(crate) mod windows_host_process;

use palisade_model::{ContainerView, PodSpecView, pointer};
use serde_json::Value;

/// A field as Go sees it: `null` is the same as absent.
pub(super) fn set(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

/// A string field as Go decodes it: unset is `""`. `None` for a value of another type, which
/// is never one of the allowed values.
pub(super) fn text(value: Option<&Value>) -> Option<&str> {
    match set(value) {
        None => Some(""),
        Some(Value::String(s)) => Some(s),
        Some(_) => None,
    }
}

/// A value for a message: JSON text, so strings are quoted and unset is `""`.
pub(super) fn show(value: Option<&Value>) -> String {
    set(value).map_or_else(|| "\"\"".to_string(), Value::to_string)
}

/// Whether a boolean field is set to anything but `false` (upstream allows only `false` and
/// unset for the fields that grant host access).
pub(super) fn set_not_false(value: Option<&Value>) -> bool {
    set(value).is_some_and(|v| v != &Value::Bool(false))
}

/// The entries of a list field with their pointers. A value that is set but is not a list
/// is returned as one entry at the list's own pointer, so it is judged rather than skipped.
pub(super) fn entries<'a>(
    value: Option<&'a Value>,
    list_pointer: &str,
) -> Vec<(&'a Value, String)> {
    match set(value) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (item, pointer::join_index(list_pointer, i)))
            .collect(),
        Some(other) => vec![(other, list_pointer.to_string())],
    }
}

/// `spec.hostUsers: false`: the pod runs in its own user namespace, which relaxes
/// `runAsNonRoot`, `runAsUser` and baseline `procMount` from policy 1.35.
pub(super) fn user_namespaced(pod: &PodSpecView<'_>) -> bool {
    pod.get(&["hostUsers"]) == Some(&Value::Bool(false))
}

/// `spec.os.name: windows` (exactly; upstream compares with `corev1.Windows`), which exempts
/// the pod from three restricted checks from policy 1.25.
pub(super) fn windows_pod(pod: &PodSpecView<'_>) -> bool {
    pod.os_name() == Some("windows")
}

/// A security context and who owns it: the pod's `spec.securityContext` or a container's.
pub(super) struct Context<'a> {
    /// `pod` or `container "app"`, for messages.
    pub(super) who: String,
    /// Pointer to the `securityContext` field (which may be absent).
    pointer: String,
    value: Option<&'a Value>,
}

impl<'a> Context<'a> {
    pub(super) fn pod(pod: &PodSpecView<'a>) -> Self {
        Self {
            who: "pod".to_string(),
            pointer: pod.pointer_to(&["securityContext"]),
            value: pod.get(&["securityContext"]),
        }
    }

    pub(super) fn container(container: &ContainerView<'a>) -> Self {
        Self {
            who: container.describe(),
            pointer: container.pointer_to(&["securityContext"]),
            value: container.get(&["securityContext"]),
        }
    }

    /// A field under the security context; `None` when it (or a parent) is unset.
    pub(super) fn get(&self, path: &[&str]) -> Option<&'a Value> {
        let mut value = set(self.value)?;
        for key in path {
            value = set(value.get(*key))?;
        }
        Some(value)
    }

    /// Pointer to a field under the security context, present or not.
    pub(super) fn pointer_to(&self, path: &[&str]) -> String {
        path.iter()
            .fold(self.pointer.clone(), |p, key| pointer::join(&p, key))
    }
}

/// The pod's security context, then every container's (init, regular, ephemeral).
pub(super) fn contexts<'a>(pod: &PodSpecView<'a>) -> impl Iterator<Item = Context<'a>> + 'a {
    std::iter::once(Context::pod(pod)).chain(pod.containers().map(|c| Context::container(&c)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn null_is_unset_and_unset_strings_are_empty() {
        assert_eq!(text(None), Some(""));
        assert_eq!(text(Some(&Value::Null)), Some(""));
        assert_eq!(text(Some(&json!("x"))), Some("x"));
        assert_eq!(text(Some(&json!(1))), None);
        assert_eq!(show(None), "\"\"");
        assert_eq!(show(Some(&json!("a\"b"))), "\"a\\\"b\"");
        assert!(!set_not_false(Some(&Value::Null)));
        assert!(!set_not_false(Some(&json!(false))));
        assert!(set_not_false(Some(&json!(true))));
        assert!(set_not_false(Some(&json!("false"))));
    }

    #[test]
    fn list_entries_carry_pointers_and_non_lists_are_one_entry() {
        let list = json!(["A", "B"]);
        assert_eq!(
            entries(Some(&list), "/x"),
            [
                (&json!("A"), "/x/0".to_string()),
                (&json!("B"), "/x/1".to_string())
            ]
        );
        let scalar = json!("A");
        assert_eq!(entries(Some(&scalar), "/x"), [(&scalar, "/x".to_string())]);
        assert!(entries(Some(&Value::Null), "/x").is_empty());
    }
}
