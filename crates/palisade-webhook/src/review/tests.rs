use serde_json::json;

use super::*;

fn review(request: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": request,
    }))
    .unwrap()
}

fn pod() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}})
}

#[test]
fn a_create_request_decodes_with_its_object() {
    let body = review(json!({
        "uid": "u1",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "namespace": "shop",
        "operation": "CREATE",
        "userInfo": {"username": "alice", "groups": ["dev"], "extra": {"x": ["y"]}},
        "object": pod(),
        "oldObject": null,
        "dryRun": true,
    }));
    let request = parse(&body).unwrap();
    assert_eq!(request.uid, "u1");
    assert_eq!(request.kind, "Pod");
    assert_eq!(request.operation, Operation::Create);
    assert!(request.dry_run);
    assert_eq!(request.user.groups, ["dev"]);
    let object = request.object.unwrap();
    assert_eq!(object.kind, "Pod");
    // The request's namespace fills the object's, as the API server does.
    assert_eq!(object.namespace(), Some("shop"));
}

/// What a case expects of the error.
type Expect = fn(&BadRequest) -> bool;

#[test]
fn each_malformed_review_is_a_bad_request_with_its_reason() {
    let ok_request = json!({"uid": "u", "operation": "CREATE", "object": pod()});
    let cases: Vec<(Vec<u8>, Expect)> = vec![
        (b"{not json".to_vec(), |e| matches!(e, BadRequest::Json(_))),
        (b"".to_vec(), |e| matches!(e, BadRequest::Json(_))),
        (b"[1, 2]".to_vec(), |e| matches!(e, BadRequest::Shape(_))),
        (
            serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": ok_request})).unwrap(),
            |e| matches!(e, BadRequest::ApiVersion(v) if v == "admission.k8s.io/v1beta1"),
        ),
        (
            serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1", "kind": "Pod", "request": ok_request})).unwrap(),
            |e| matches!(e, BadRequest::Kind(_)),
        ),
        (
            serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})).unwrap(),
            |e| *e == BadRequest::NoRequest,
        ),
        (review(json!({"operation": "CREATE", "object": pod()})), |e| *e == BadRequest::NoUid),
        (review(json!({"uid": "", "operation": "CREATE", "object": pod()})), |e| *e == BadRequest::NoUid),
        (review(json!({"uid": "u", "object": pod()})), |e| *e == BadRequest::NoOperation),
        (review(json!({"uid": "u", "operation": "PATCH", "object": pod()})), |e| matches!(e, BadRequest::Shape(_))),
        (review(json!({"uid": "u", "operation": "CREATE"})), |e| matches!(e, BadRequest::Object(_))),
        (review(json!({"uid": "u", "operation": "UPDATE", "object": "pod"})), |e| matches!(e, BadRequest::Object(_))),
        (
            review(json!({"uid": "u", "operation": "CREATE", "object": {"kind": "Pod", "metadata": {}}})),
            |e| matches!(e, BadRequest::Object(m) if m.contains("apiVersion")),
        ),
        (
            review(json!({"uid": "u", "operation": "CREATE", "object": {"apiVersion": "v1", "kind": "Pod", "metadata": []}})),
            |e| matches!(e, BadRequest::Object(m) if m.contains("metadata")),
        ),
        (review(json!({"uid": 7, "operation": "CREATE", "object": pod()})), |e| matches!(e, BadRequest::Shape(_))),
    ];
    for (body, expected) in cases {
        let error = parse(&body).unwrap_err();
        assert!(
            expected(&error),
            "{}: {error:?}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[test]
fn delete_and_connect_need_no_object() {
    for operation in ["DELETE", "CONNECT"] {
        let body =
            review(json!({"uid": "u", "operation": operation, "object": null, "oldObject": pod()}));
        assert!(parse(&body).unwrap().object.is_none());
    }
}

#[test]
fn namespace_labels_are_read_when_the_request_carries_them() {
    let body = review(json!({
        "uid": "u", "operation": "CREATE", "object": pod(),
        "namespaceObject": {"metadata": {"name": "shop", "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}},
    }));
    let labels = parse(&body).unwrap().namespace_labels.unwrap();
    assert_eq!(labels["pod-security.kubernetes.io/enforce"], "baseline");
}

#[test]
fn the_answer_is_a_v1_review_with_the_same_uid() {
    let encoded: Value = serde_json::from_slice(&encode(allowed("abc"))).unwrap();
    assert_eq!(encoded["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(encoded["kind"], "AdmissionReview");
    assert_eq!(encoded["response"]["uid"], "abc");
    assert_eq!(encoded["response"]["allowed"], true);
}
