//! Any bytes as an AdmissionReview body: the decoder must answer a request or a clear error,
//! and the decision and its encoding must never panic, whatever the object holds.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use palisade_rules::config::Config;
use palisade_webhook::{Policy, decide, review};

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let config = "webhook:\n  modes:\n    images: warn\n    rbac: audit\n  inline-exceptions:\n    namespaces: [\"legacy-*\"]\n    rules: [pod-security]\n";
        match Config::parse("fuzz.yaml", config).map(|c| Policy::new(c, Some("palisade"))) {
            Ok(Ok(policy)) => policy,
            _ => unreachable!("the fuzz configuration is valid"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = review::parse(data) {
        let decision = decide(policy(), request, "2026-12-07");
        let _ = review::encode(decision.response);
    }
});
