//! The Pod Security Standards: the 19 checks of upstream's `pod-security-admission/policy`,
//! with every revision, so that a pod is judged exactly as the admission plugin judges it.

pub(crate) mod privileged;
