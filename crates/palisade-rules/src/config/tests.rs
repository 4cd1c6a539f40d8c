//! Configuration: what is accepted, and that every error names file, line and key.

use super::*;
use crate::exceptions::today;

fn error(text: &str) -> String {
    match Config::parse(".palisade.yaml", text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_full_configuration_validates_into_settings() {
    let config = Config::parse(
        ".palisade.yaml",
        "select: [pod-security, images]\nignore: [PSS007]\nseverity:\n  pss-run-as-user: high\nfail-on: medium\npss:\n  level: baseline\n  version: v1.29\nkube-version: \"1.27\"\ntrusted-registries: [ghcr.io/acme]\nallow-inline-exceptions: false\nexceptions:\n- rule: pss-privileged\n  namespace: \"legacy-*\"\n  reason: vendor agent\n  owner: platform\n  expires: 2999-01-01\n",
    )
    .expect("valid");
    let settings = &config.settings;
    assert!(settings.disabled.contains("PSS007"));
    assert!(!settings.disabled.contains("PSS002"));
    assert_eq!(
        settings.severity_overrides.get("PSS016"),
        Some(&Severity::High)
    );
    assert_eq!(config.fail_on, Some(FailOn::At(Severity::Medium)));
    assert_eq!(settings.pss.level, PssLevel::Baseline);
    assert_eq!(settings.pss.version, PssVersion::new(29));
    assert_eq!(settings.kube_version, Some((1, 27)));
    assert_eq!(settings.trusted_registries, ["ghcr.io/acme"]);
    assert!(!config.exceptions.allow_inline());
    assert_eq!(config.exceptions.len(), 1);
    assert!(
        config.exceptions.notices(&today())[0]
            .message
            .contains("matched no finding")
    );
}

#[test]
fn unknown_keys_name_file_line_and_key() {
    let message = error("pss:\n  level: baseline\n  enforce: yes\n");
    assert!(message.starts_with(".palisade.yaml:3:"), "{message}");
    assert!(message.contains("enforce"), "{message}");
}

#[test]
fn bad_values_name_file_line_and_key() {
    let cases = [
        ("fail-on: severe\n", ".palisade.yaml:1:10", "fail-on"),
        ("select:\n- nope-rule\n", ".palisade.yaml:2:3", "select"),
        (
            "severity:\n  pss-privileged: huge\n",
            ".palisade.yaml:2:19",
            "severity.pss-privileged",
        ),
        (
            "pss:\n  version: v2.0\n",
            ".palisade.yaml:2:12",
            "pss.version",
        ),
        (
            "kube-version: banana\n",
            ".palisade.yaml:1:15",
            "kube-version",
        ),
        (
            "exceptions:\n- rule: pss-privileged\n",
            ".palisade.yaml:2:3",
            "reason",
        ),
        ("exceptions:\n- reason: x\n", ".palisade.yaml:2:3", "rule"),
        (
            "exceptions:\n- rule: pss-privileged\n  reason: x\n  expires: soon\n",
            ".palisade.yaml:4:12",
            "expires",
        ),
    ];
    for (text, at, key) in cases {
        let message = error(text);
        assert!(message.starts_with(at), "{text:?} gave {message}");
        assert!(message.contains(key), "{text:?} gave {message}");
    }
}

#[test]
fn kube_versions_parse_loosely() {
    assert_eq!(parse_kube_version("1.29"), Some((1, 29)));
    assert_eq!(parse_kube_version("v1.30.2"), Some((1, 30)));
    assert_eq!(parse_kube_version("1"), None);
}

#[test]
fn webhook_modes_expand_categories_and_rules_win() {
    let config = Config::parse(
        ".palisade.yaml",
        "webhook:\n  default-mode: warn\n  modes:\n    pss-privileged: audit\n    pod-security: enforce\n  exempt-namespaces: [ops]\n  exempt-groups: [system:masters]\n",
    )
    .expect("valid");
    let webhook = &config.webhook;
    let privileged = crate::find_rule("PSS002").expect("registered");
    let host = crate::find_rule("PSS001").expect("registered");
    assert_eq!(
        webhook.mode_for(privileged, Severity::Critical),
        WebhookMode::Audit
    );
    assert_eq!(webhook.mode_for(host, Severity::Info), WebhookMode::Enforce);
    assert_eq!(webhook.default_mode, WebhookMode::Warn);
    assert_eq!(
        webhook.exempt_namespaces.as_deref(),
        Some(&["ops".to_string()][..])
    );
    assert!(
        error("webhook:\n  modes:\n    pss-privileged: deny\n")
            .contains("webhook.modes.pss-privileged")
    );
}

/// The mode a finding gets from its severity, the thresholds and `default-mode`, for a rule
/// with no entry of its own in `modes`.
#[test]
fn webhook_modes_follow_severity_thresholds() {
    use Severity::{Critical, High, Info, Low, Medium};
    use WebhookMode::{Audit, Enforce, Warn};
    let rule = crate::find_rule("image-not-digest-pinned").expect("registered");
    let cases: &[(&str, [WebhookMode; 5])] = &[
        // Critical, High, Medium, Low, Info
        ("", [Enforce, Enforce, Warn, Warn, Warn]),
        ("fail-on: medium\n", [Enforce, Enforce, Enforce, Warn, Warn]),
        (
            "webhook:\n  fail-on: critical\n",
            [Enforce, Warn, Warn, Warn, Warn],
        ),
        // The webhook's own threshold wins over the top-level one.
        (
            "fail-on: info\nwebhook:\n  fail-on: high\n",
            [Enforce, Enforce, Warn, Warn, Warn],
        ),
        (
            "webhook:\n  warn-on: medium\n",
            [Enforce, Enforce, Warn, Audit, Audit],
        ),
        (
            "webhook:\n  default-mode: warn\n",
            [Warn, Warn, Warn, Warn, Warn],
        ),
        (
            "webhook:\n  default-mode: audit\n",
            [Audit, Audit, Audit, Audit, Audit],
        ),
        (
            "webhook:\n  default-mode: warn\n  warn-on: low\n",
            [Warn, Warn, Warn, Warn, Audit],
        ),
        (
            "webhook:\n  modes:\n    images: enforce\n",
            [Enforce, Enforce, Enforce, Enforce, Enforce],
        ),
    ];
    for (text, expected) in cases {
        let config = Config::parse("t.yaml", text).expect("valid");
        let got: Vec<WebhookMode> = [Critical, High, Medium, Low, Info]
            .into_iter()
            .map(|s| config.webhook.mode_for(rule, s))
            .collect();
        assert_eq!(&got, expected, "{text:?}");
    }
}

#[test]
fn webhook_thresholds_are_validated_and_described() {
    assert!(error("webhook:\n  fail-on: severe\n").contains("webhook.fail-on: `severe`"));
    assert!(error("fail-on: never\n").contains("fail-on: `never` is not a severity"));
    assert!(
        error("webhook:\n  fail-on: medium\n  warn-on: high\n")
            .contains("webhook.warn-on: `high` is above fail-on (medium)")
    );
    assert_eq!(
        WebhookSettings::default().describe(),
        ["enforce: critical, high", "warn: medium, low, info"]
    );
    let config = Config::parse(
        "t.yaml",
        "webhook:\n  default-mode: audit\n  modes:\n    pss-privileged: enforce\n",
    )
    .expect("valid");
    assert_eq!(
        config.webhook.describe(),
        [
            "audit: critical, high, medium, low, info",
            "1 rule(s) with their own mode in webhook.modes"
        ]
    );
}

#[test]
fn reliability_rules_are_off_unless_selected() {
    let reliability: Vec<&str> = RULES
        .iter()
        .filter(|r| r.category == crate::Category::Reliability)
        .map(|r| r.code)
        .collect();
    assert!(!reliability.is_empty());
    let default = Settings::default();
    let unconfigured = Config::parse(".palisade.yaml", "fail-on: high\n").expect("valid");
    let ignoring = Config::parse(".palisade.yaml", "ignore: [PSS007]\n").expect("valid");
    for settings in [&default, &unconfigured.settings, &ignoring.settings] {
        for code in &reliability {
            assert!(settings.disabled.contains(code), "{code} runs by default");
        }
        assert!(!settings.disabled.contains("PSS002"));
    }
    for select in [
        "select: [reliability]\n",
        "select: [all]\n",
        "select: [bare-pod, REL001]\n",
    ] {
        let config = Config::parse(".palisade.yaml", select).expect("valid");
        assert!(!config.settings.disabled.contains("REL005"), "{select}");
    }
}
