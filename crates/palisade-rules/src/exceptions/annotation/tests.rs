use crate::test_support::object;
use serde_json::json;

use super::*;
use crate::{Engine, Settings};

fn privileged_pod_spec() -> Value {
    json!({"containers": [{"name": "app", "image": "registry.example.com/app:1",
        "securityContext": {"privileged": true}}]})
}

fn deployment(own: Value, template: Value) -> Object {
    object(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "annotations": own},
        "spec": {"template": {"metadata": {"annotations": template}, "spec": privileged_pod_spec()}},
    }))
}

fn privileged_finding(object: &Object) -> Finding {
    Engine::new(Settings::default())
        .evaluate(object)
        .findings_under(crate::PssProfile::default())
        .into_iter()
        .find(|f| f.rule.code == "PSS002")
        .expect("a privileged finding")
}

#[test]
fn findings_in_a_pod_template_are_governed_by_the_template() {
    let object = deployment(json!({}), json!({}));
    let cron = object_of_kind("batch/v1", "CronJob");
    let cases = [
        (
            &object,
            "/spec/template/spec/containers/0",
            "/spec/template/metadata",
        ),
        (&object, "/spec/template", "/spec/template/metadata"),
        (&object, "/apiVersion", "/metadata"),
        (&object, "/spec/templateX", "/metadata"),
        (&object, "", "/metadata"),
        (
            &cron,
            "/spec/jobTemplate/spec/template/spec/hostNetwork",
            "/spec/jobTemplate/spec/template/metadata",
        ),
    ];
    for (object, at, expected) in cases {
        assert_eq!(
            governing(object, at, PodTemplates::built_in()).1,
            expected,
            "{at}"
        );
    }
    let pod = object_of_kind("v1", "Pod");
    assert_eq!(
        governing(&pod, "/spec/containers/0", PodTemplates::built_in()).1,
        "/metadata"
    );
}

fn object_of_kind(api_version: &str, kind: &str) -> Object {
    object(json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": {}}))
}

#[test]
fn the_template_annotation_waives_and_the_workloads_own_does_not() {
    let on_template = deployment(
        json!({}),
        json!({IGNORE_ANNOTATION: "pss-privileged", IGNORE_REASON_ANNOTATION: "node agent"}),
    );
    let finding = privileged_finding(&on_template);
    let waiver = inline_waiver(&finding, &on_template, PodTemplates::built_in()).expect("waived");
    assert_eq!(waiver.reason, "node agent");
    assert!(!misplaced_on_workload(
        &finding,
        &on_template,
        PodTemplates::built_in()
    ));

    let on_workload = deployment(
        json!({IGNORE_ANNOTATION: "pss-privileged", IGNORE_REASON_ANNOTATION: "node agent"}),
        json!({}),
    );
    let finding = privileged_finding(&on_workload);
    assert_eq!(
        inline_waiver(&finding, &on_workload, PodTemplates::built_in()),
        None
    );
    assert!(misplaced_on_workload(
        &finding,
        &on_workload,
        PodTemplates::built_in()
    ));
}

#[test]
fn categories_codes_names_and_all_waive() {
    for listed in [
        "pod-security",
        "PSS002",
        "pss002",
        "images, pss-privileged",
        "all",
    ] {
        let object = deployment(json!({}), json!({IGNORE_ANNOTATION: listed}));
        let finding = privileged_finding(&object);
        assert!(
            inline_waiver(&finding, &object, PodTemplates::built_in()).is_some(),
            "{listed}"
        );
    }
    for listed in ["images", "pss-privileged-x", ""] {
        let object = deployment(json!({}), json!({IGNORE_ANNOTATION: listed}));
        let finding = privileged_finding(&object);
        assert!(
            inline_waiver(&finding, &object, PodTemplates::built_in()).is_none(),
            "{listed}"
        );
    }
}

#[test]
fn unknown_names_and_missing_reasons_are_problems_where_they_are_written() {
    let object = deployment(
        json!({IGNORE_ANNOTATION: "pss-priviledged", IGNORE_REASON_ANNOTATION: "agent"}),
        json!({IGNORE_ANNOTATION: "images,nonsense-rule"}),
    );
    assert!(has_ignore_annotation(&object, PodTemplates::built_in()));
    let found = problems(&object, PodTemplates::built_in());
    let summary: Vec<(&str, &str)> = found.iter().map(|p| (p.kind, p.pointer.as_str())).collect();
    assert_eq!(
        summary,
        [
            (
                "inline-exception-unknown-rule",
                "/metadata/annotations/palisade.dev~1ignore"
            ),
            (
                "inline-exception-unknown-rule",
                "/spec/template/metadata/annotations/palisade.dev~1ignore"
            ),
            (
                "inline-exception-without-reason",
                "/spec/template/metadata/annotations/palisade.dev~1ignore"
            ),
        ]
    );
    assert!(
        found[0]
            .message
            .contains("(did you mean `pss-privileged`?)"),
        "{}",
        found[0].message
    );
    assert!(
        found[1].message.contains("`nonsense-rule`"),
        "{}",
        found[1].message
    );

    let clean = deployment(json!({}), json!({}));
    assert!(!has_ignore_annotation(&clean, PodTemplates::built_in()));
    assert_eq!(problems(&clean, PodTemplates::built_in()), []);
}
