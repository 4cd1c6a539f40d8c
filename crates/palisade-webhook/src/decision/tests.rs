use palisade_rules::Severity;
use palisade_rules::config::Config;
use serde_json::{Value, json};

use super::*;
use crate::review;

const PRIVILEGED: &str = include_str!("../../tests/fixtures/pod-create-privileged.json");
const RESTRICTED: &str = include_str!("../../tests/fixtures/pod-create-restricted.json");
const DEPLOYMENT: &str = include_str!("../../tests/fixtures/deployment-create.json");
const TODAY: &str = "2026-11-25";

fn policy(config: &str) -> Policy {
    Policy::new(
        Config::parse("test.yaml", config).unwrap(),
        Some("palisade"),
    )
    .unwrap()
}

fn request(fixture: &str, edit: impl FnOnce(&mut Value)) -> Request {
    let mut value: Value = serde_json::from_str(fixture).unwrap();
    edit(&mut value);
    review::parse(&serde_json::to_vec(&value).unwrap()).unwrap()
}

fn codes(decision: &Decision, mode: Option<WebhookMode>) -> Vec<&'static str> {
    decision
        .findings
        .iter()
        .filter(|j| j.mode == mode)
        .map(|j| j.finding.rule.code)
        .collect()
}

#[test]
fn privileged_pod_is_denied_with_one_line_per_finding() {
    let decision = decide(&policy(""), request(PRIVILEGED, |_| {}), TODAY);
    assert_eq!(decision.outcome, Outcome::Denied);
    // Only the critical and high findings deny by default; the rest are warnings.
    let enforced = codes(&decision, Some(WebhookMode::Enforce));
    assert!(enforced.contains(&"PSS002"), "{enforced:?}");
    let warned = codes(&decision, Some(WebhookMode::Warn));
    assert!(!warned.is_empty(), "{warned:?}");
    for judged in &decision.findings {
        let denied = judged.mode == Some(WebhookMode::Enforce);
        assert_eq!(
            denied,
            judged.finding.severity >= Severity::High,
            "{judged:?}"
        );
    }
    let response = &decision.response;
    assert!(!response.allowed);
    assert_eq!(response.uid, "0c9a8d74-9cb7-44dd-b98e-09fd62def2f4");
    assert_eq!(response.result.code, 403);
    let message = &response.result.message;
    let mut lines = message.lines();
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "Pod shop/debug-tools has {} Palisade finding{}:",
                enforced.len(),
                if enforced.len() == 1 { "" } else { "s" }
            )
            .as_str()
        )
    );
    assert_eq!(lines.count(), enforced.len(), "{message}");
    assert!(
        message.contains("[PSS002 pss-privileged]")
            && message.contains("(at spec.containers[0].securityContext.privileged)"),
        "{message}"
    );
}

/// A hardened pod whose only finding is informational is admitted with a warning, not denied.
#[test]
fn an_info_finding_warns_and_never_denies_by_default() {
    let decision = decide(
        &policy(""),
        request(RESTRICTED, |v| {
            v["request"]["object"]["spec"]["containers"][0]["image"] =
                json!("registry.example.com/shop/cart:1.4");
        }),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(codes(&decision, Some(WebhookMode::Warn)), ["IMG002"]);
    let warnings = decision.response.warnings.as_deref().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("[IMG002 image-not-digest-pinned]"),
        "{warnings:?}"
    );
    // The same finding denies when the configuration says so.
    let strict = decide(
        &policy("webhook:\n  fail-on: info\n"),
        request(RESTRICTED, |v| {
            v["request"]["object"]["spec"]["containers"][0]["image"] =
                json!("registry.example.com/shop/cart:1.4");
        }),
        TODAY,
    );
    assert_eq!(strict.outcome, Outcome::Denied);
}

#[test]
fn restricted_pod_is_allowed_with_nothing_to_say() {
    let decision = decide(&policy(""), request(RESTRICTED, |_| {}), TODAY);
    let all: Vec<String> = decision
        .findings
        .iter()
        .map(|j| finding_line(&j.finding))
        .collect();
    assert!(all.is_empty(), "{all:#?}");
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert!(decision.response.allowed);
    assert!(decision.response.warnings.is_none());
    assert!(decision.response.audit_annotations.is_empty());
}

#[test]
fn warn_mode_allows_and_warns_once_per_finding() {
    let decision = decide(
        &policy("webhook:\n  default-mode: warn\n"),
        request(PRIVILEGED, |_| {}),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Allowed);
    let warnings = decision.response.warnings.clone().unwrap();
    assert_eq!(warnings.len(), decision.findings.len());
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("[PSS002 pss-privileged]"))
    );
}

#[test]
fn audit_mode_allows_with_annotations_keyed_by_rule_name() {
    let decision = decide(
        &policy("webhook:\n  default-mode: audit\n"),
        request(PRIVILEGED, |_| {}),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert!(decision.response.warnings.is_none());
    let annotations = &decision.response.audit_annotations;
    assert!(annotations["pss-privileged"].contains("securityContext.privileged"));
    for judged in &decision.findings {
        assert!(annotations.contains_key(judged.finding.rule.name));
    }
}

#[test]
fn a_category_mode_and_a_rule_mode_combine() {
    let decision = decide(
        &policy(
            "webhook:\n  default-mode: audit\n  modes:\n    pod-security: warn\n    pss-privileged: enforce\n",
        ),
        request(PRIVILEGED, |_| {}),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Denied);
    assert_eq!(codes(&decision, Some(WebhookMode::Enforce)), ["PSS002"]);
    let message = &decision.response.result.message;
    assert_eq!(message.lines().count(), 2, "{message}");
    for judged in &decision.findings {
        let pss = judged.finding.rule.category == palisade_rules::Category::PodSecurity;
        let expected = match judged.finding.rule.code {
            "PSS002" => WebhookMode::Enforce,
            _ if pss => WebhookMode::Warn,
            _ => WebhookMode::Audit,
        };
        assert_eq!(judged.mode, Some(expected), "{}", judged.finding.rule.code);
    }
}

#[test]
fn waived_findings_never_deny() {
    let config = "webhook:\n  default-mode: audit\n  modes:\n    pss-privileged: enforce\nexceptions:\n- rule: pss-privileged\n  namespace: shop\n  container: shell\n  reason: debugging image, ticket SEC-9\n";
    let decision = decide(&policy(config), request(PRIVILEGED, |_| {}), TODAY);
    assert_eq!(decision.outcome, Outcome::Allowed);
    assert_eq!(codes(&decision, None), ["PSS002"]);
    let waived = &decision.response.audit_annotations["waived"];
    assert!(
        waived.contains("PSS002") && waived.contains("SEC-9"),
        "{waived}"
    );
}

#[test]
fn an_expired_exception_no_longer_waives() {
    let config =
        "exceptions:\n- rule: pss-privileged\n  reason: temporary\n  expires: 2026-01-31\n";
    let decision = decide(&policy(config), request(PRIVILEGED, |_| {}), TODAY);
    assert_eq!(decision.outcome, Outcome::Denied);
    assert!(codes(&decision, None).is_empty());
}

fn ignore_all(v: &mut Value) {
    v["request"]["object"]["metadata"]["annotations"]["palisade.dev/ignore"] = json!("all");
    v["request"]["object"]["metadata"]["annotations"]["palisade.dev/ignore-reason"] =
        json!("trust me");
}

#[test]
fn an_annotation_alone_never_exempts_an_object_at_admission() {
    // The default configuration, which is what `install` ships, and one that allows inline
    // exceptions for `scan`: neither lets the object's author waive its own findings.
    for config in ["", "allow-inline-exceptions: true\n"] {
        let decision = decide(&policy(config), request(PRIVILEGED, ignore_all), TODAY);
        assert_eq!(decision.outcome, Outcome::Denied, "config {config:?}");
        assert!(
            decision.findings.iter().all(|j| j.finding.waiver.is_none()),
            "config {config:?}"
        );
    }
}

#[test]
fn inline_exceptions_apply_only_to_the_configured_namespaces_and_rules() {
    let config = "webhook:\n  inline-exceptions:\n    namespaces: [\"legacy-*\"]\n    rules: [pod-security]\n";
    let in_namespace = |ns: &'static str| {
        move |v: &mut Value| {
            ignore_all(v);
            v["request"]["namespace"] = json!(ns);
            v["request"]["object"]["metadata"]["namespace"] = json!(ns);
        }
    };
    let decision = decide(
        &policy(config),
        request(PRIVILEGED, in_namespace("legacy-billing")),
        TODAY,
    );
    let waived = codes(&decision, None);
    assert!(waived.contains(&"PSS002"), "{waived:?}");
    assert!(
        decision
            .findings
            .iter()
            .filter(|j| j.finding.waiver.is_some())
            .all(|j| j.finding.rule.code.starts_with("PSS")),
        "only the permitted rules are waived"
    );

    let decision = decide(
        &policy(config),
        request(PRIVILEGED, in_namespace("shop")),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Denied);
    assert!(codes(&decision, None).is_empty());

    let forbidden = format!("{config}allow-inline-exceptions: false\n");
    let decision = decide(
        &policy(&forbidden),
        request(PRIVILEGED, in_namespace("legacy-billing")),
        TODAY,
    );
    assert!(codes(&decision, None).is_empty());
}

/// Where an annotation counts is where the pods carry it: the Deployment and the pods its
/// controller creates from the template are decided alike.
#[test]
fn a_workloads_template_annotation_counts_for_it_and_its_pods_and_its_own_does_not() {
    let config = "webhook:\n  fail-on: info\n  inline-exceptions:\n    namespaces: [shop]\n    rules: [pod-security]\n";
    let annotate = |at: &'static str| {
        move |v: &mut Value| {
            let metadata = v.pointer_mut(at).unwrap();
            metadata["annotations"]["palisade.dev/ignore"] = json!("pod-security");
            metadata["annotations"]["palisade.dev/ignore-reason"] = json!("migration");
        }
    };
    let pss_waived = |decision: &Decision| {
        let pss: Vec<&Judged> = decision
            .findings
            .iter()
            .filter(|j| j.finding.rule.code.starts_with("PSS"))
            .collect();
        assert!(!pss.is_empty());
        pss.iter().all(|j| j.mode.is_none())
    };
    let on_template = decide(
        &policy(config),
        request(
            DEPLOYMENT,
            annotate("/request/object/spec/template/metadata"),
        ),
        TODAY,
    );
    assert!(pss_waived(&on_template));
    // Its pods carry the template's annotations.
    let pod = decide(
        &policy(config),
        request(PRIVILEGED, |v| {
            annotate("/request/object/metadata")(v);
            v["request"]["namespace"] = json!("shop");
        }),
        TODAY,
    );
    assert!(pss_waived(&pod));

    let on_deployment = decide(
        &policy(config),
        request(DEPLOYMENT, annotate("/request/object/metadata")),
        TODAY,
    );
    assert!(!pss_waived(&on_deployment));
    assert_eq!(on_deployment.outcome, Outcome::Denied);
    let warnings = on_deployment.response.warnings.unwrap_or_default();
    assert!(
        warnings.iter().any(|w| w
            == "palisade.dev/ignore on the Deployment's own metadata does not reach its pods: put it on spec.template.metadata.annotations"),
        "{warnings:#?}"
    );
}

#[test]
fn the_client_is_told_what_is_wrong_with_an_annotation() {
    let annotate = |listed: &'static str| {
        move |v: &mut Value| {
            v["request"]["object"]["metadata"]["annotations"]["palisade.dev/ignore"] =
                json!(listed);
        }
    };
    let decision = decide(
        &policy(""),
        request(PRIVILEGED, annotate("pss-priviledged,pss-privileged")),
        TODAY,
    );
    let warnings = decision.response.warnings.unwrap_or_default();
    for expected in [
        "palisade.dev/ignore: `pss-priviledged` is not a rule code, rule name or category (did you mean `pss-privileged`?); it waives nothing",
        "palisade.dev/ignore without palisade.dev/ignore-reason: say why these findings are accepted",
        "palisade.dev/ignore is not honoured at admission for pss-privileged in namespace shop: webhook.inline-exceptions does not permit it",
    ] {
        assert!(
            warnings.iter().any(|w| w == expected),
            "{expected}\n{warnings:#?}"
        );
    }
    let quiet = decide(&policy(""), request(PRIVILEGED, |_| {}), TODAY);
    assert!(
        quiet
            .response
            .warnings
            .unwrap_or_default()
            .iter()
            .all(|w| !w.contains("palisade.dev/ignore"))
    );
}

#[test]
fn inline_exceptions_need_both_namespaces_and_rules() {
    let error = Config::parse(
        "test.yaml",
        "webhook:\n  inline-exceptions:\n    namespaces: [legacy]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(error.starts_with("test.yaml:3:"), "{error}");
    assert!(
        error.contains("name both `namespaces` and `rules`"),
        "{error}"
    );
    let error = Config::parse(
        "test.yaml",
        "webhook:\n  inline-exceptions:\n    namespaces: [legacy]\n    rules: [no-such-rule]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("`no-such-rule` is not a rule code"),
        "{error}"
    );
}

#[test]
fn namespace_labels_in_the_request_choose_the_pss_profile() {
    let labelled = |level: &'static str| {
        move |v: &mut Value| {
            v["request"]["namespaceObject"] = json!({"metadata": {"name": "shop", "labels": {"pod-security.kubernetes.io/enforce": level}}});
        }
    };
    let config = "webhook:\n  default-mode: audit\n  modes:\n    pod-security: enforce\n";
    let restricted = decide(&policy(config), request(DEPLOYMENT, |_| {}), TODAY);
    assert_eq!(restricted.outcome, Outcome::Denied);
    let privileged = decide(
        &policy(config),
        request(DEPLOYMENT, labelled("privileged")),
        TODAY,
    );
    assert_eq!(privileged.outcome, Outcome::Allowed);
    let baseline = decide(
        &policy(config),
        request(DEPLOYMENT, labelled("baseline")),
        TODAY,
    );
    assert_eq!(baseline.outcome, Outcome::Allowed);
    let pss = |d: &Decision| {
        d.findings
            .iter()
            .filter(|j| j.finding.rule.code.starts_with("PSS"))
            .count()
    };
    assert!(pss(&restricted) > 0 && pss(&baseline) == 0 && pss(&privileged) == 0);
}

#[test]
fn the_configured_profile_applies_without_labels() {
    let config = "pss:\n  level: privileged\nwebhook:\n  default-mode: audit\n  modes:\n    pod-security: enforce\n";
    let decision = decide(&policy(config), request(PRIVILEGED, |_| {}), TODAY);
    assert_eq!(decision.outcome, Outcome::Allowed);
}

#[test]
fn requests_without_a_new_object_spec_are_skipped() {
    let p = policy("");
    let status = decide(
        &p,
        request(PRIVILEGED, |v| {
            v["request"]["operation"] = json!("UPDATE");
            v["request"]["subResource"] = json!("status");
        }),
        TODAY,
    );
    assert_eq!(status.outcome, Outcome::Skipped(Skip::SubResource));
    let deleting = decide(
        &p,
        request(PRIVILEGED, |v| {
            v["request"]["operation"] = json!("UPDATE");
            v["request"]["object"]["metadata"]["deletionTimestamp"] = json!("2026-11-20T11:00:00Z");
        }),
        TODAY,
    );
    assert_eq!(deleting.outcome, Outcome::Skipped(Skip::Deleting));
    let connect = decide(
        &p,
        request(PRIVILEGED, |v| {
            v["request"]["operation"] = json!("CONNECT");
            v["request"]["subResource"] = json!("exec");
            v["request"]["object"] =
                json!({"kind": "PodExecOptions", "apiVersion": "v1", "command": ["sh"]});
        }),
        TODAY,
    );
    assert_eq!(connect.outcome, Outcome::Skipped(Skip::Operation));
    assert!(connect.response.allowed && status.response.allowed && deleting.response.allowed);
}

#[test]
fn ephemeral_containers_are_checked() {
    let decision = decide(
        &policy(""),
        request(PRIVILEGED, |v| {
            v["request"]["operation"] = json!("UPDATE");
            v["request"]["subResource"] = json!("ephemeralcontainers");
        }),
        TODAY,
    );
    assert_eq!(decision.outcome, Outcome::Denied);
}

#[test]
fn exempt_namespaces_users_and_groups_are_allowed_unevaluated() {
    let p = policy(
        "webhook:\n  exempt-users: [ci-bot]\n  exempt-groups: ['system:masters']\n  exempt-namespaces: [kube-system, monitoring]\n",
    );
    let cases = [
        (json!({"namespace": "palisade"}), Exemption::Namespace),
        (json!({"namespace": "monitoring"}), Exemption::Namespace),
        (json!({"userInfo": {"username": "ci-bot"}}), Exemption::User),
        (
            json!({"userInfo": {"username": "root", "groups": ["system:masters"]}}),
            Exemption::Group,
        ),
    ];
    for (patch, exemption) in cases {
        let decision = decide(
            &p,
            request(PRIVILEGED, |v| {
                for (key, value) in patch.as_object().unwrap() {
                    v["request"][key] = value.clone();
                }
            }),
            TODAY,
        );
        assert_eq!(decision.outcome, Outcome::Exempt(exemption), "{patch}");
        assert!(decision.findings.is_empty() && decision.response.allowed);
    }
}

#[test]
fn findings_are_the_engines_findings_for_the_object() {
    let p = policy("");
    for fixture in [PRIVILEGED, RESTRICTED, DEPLOYMENT] {
        let req = request(fixture, |_| {});
        let object = req.object.clone().unwrap();
        let expected: Vec<(String, String)> = p
            .engine()
            .evaluate(&object)
            .findings_under(p.default_profile())
            .into_iter()
            .map(|f| (f.rule.code.to_string(), f.pointer))
            .collect();
        let decision = decide(&p, req, TODAY);
        let got: Vec<(String, String)> = decision
            .findings
            .iter()
            .map(|j| (j.finding.rule.code.to_string(), j.finding.pointer.clone()))
            .collect();
        assert_eq!(got, expected);
    }
}

#[test]
fn pointers_read_as_field_paths() {
    assert_eq!(
        field_path("/spec/template/spec/containers/0/securityContext/privileged"),
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    assert_eq!(
        field_path("/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app"),
        "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]"
    );
    assert_eq!(field_path(""), "the object");
}
