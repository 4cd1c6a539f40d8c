//! Loader behaviour: scalar meaning, positions, streams, lists and hostile input.

use super::*;

fn one(text: &str) -> Object {
    let mut file = load_str("t.yaml", text);
    assert!(
        file.errors.is_empty(),
        "unexpected errors: {:?}",
        file.errors
    );
    assert_eq!(file.objects.len(), 1, "expected one object");
    file.objects.remove(0)
}

const POD_HEAD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";

#[test]
fn yaml_1_1_booleans_mean_what_they_mean_to_kubernetes() {
    let cases = [
        ("privileged: yes", "privileged", true),
        ("hostNetwork: on", "hostNetwork", true),
        ("runAsNonRoot: y", "runAsNonRoot", true),
        ("readOnly: No", "readOnly", false),
        ("hostPID: OFF", "hostPID", false),
        ("hostIPC: True", "hostIPC", true),
    ];
    for (line, key, expected) in cases {
        let object = one(&format!("{POD_HEAD}spec:\n  {line}\n"));
        assert_eq!(
            object.value["spec"][key],
            serde_json::Value::Bool(expected),
            "`{line}` must be the boolean {expected}"
        );
    }
}

#[test]
fn quoted_booleans_stay_strings() {
    let object = one(&format!("{POD_HEAD}spec:\n  privileged: \"yes\"\n"));
    assert_eq!(object.value["spec"]["privileged"], "yes");
}

#[test]
fn legacy_octal_is_octal() {
    let object = one(&format!(
        "{POD_HEAD}spec:\n  defaultMode: 0644\n  other: 0o755\n  plain: 644\n"
    ));
    assert_eq!(object.value["spec"]["defaultMode"], 420);
    assert_eq!(object.value["spec"]["other"], 493);
    assert_eq!(object.value["spec"]["plain"], 644);
}

#[test]
fn pointers_resolve_to_the_line_of_the_key() {
    let object = one(&format!(
        "{POD_HEAD}spec:\n  containers:\n  - name: app\n    securityContext:\n      privileged: true\n"
    ));
    let at = object.resolve("/spec/containers/0/securityContext/privileged");
    assert!(at.exact);
    assert_eq!((at.location.line, at.location.column), (9, 7));
    let missing = object.resolve("/spec/containers/0/securityContext/runAsNonRoot");
    assert!(!missing.exact);
    assert_eq!(missing.location.line, 8);
}

#[test]
fn lines_count_from_the_start_of_the_file_in_later_documents() {
    let text = format!("# header\n---\n{POD_HEAD}---\n{POD_HEAD}spec:\n  hostPID: true\n");
    let file = load_str("multi.yaml", &text);
    assert_eq!(file.objects.len(), 2);
    let second = &file.objects[1];
    assert_eq!(second.origin.document, 2);
    assert_eq!(second.resolve("/spec/hostPID").location.line, 13);
}

#[test]
fn lists_are_unpacked_and_keep_positions() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n- just: text\n";
    let file = load_str("list.yaml", text);
    let kinds: Vec<_> = file.objects.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(kinds, ["ConfigMap", "Secret"]);
    assert_eq!(file.objects[1].origin.item, Some(1));
    assert_eq!(file.objects[1].resolve("/metadata/name").location.line, 10);
    assert_eq!(file.skipped.len(), 1);
    assert_eq!(file.skipped[0].item, Some(2));
}

#[test]
fn a_compact_copy_of_a_list_item_keeps_its_own_positions() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n";
    let file = load_str("list.yaml", text);
    let item = &file.objects[1];
    let copy = item.compact_copy();
    for pointer in ["", "/kind", "/metadata/name", "/metadata/labels/missing"] {
        assert_eq!(copy.resolve(pointer), item.resolve(pointer), "{pointer}");
    }
    assert_eq!(copy.line_span(), Some((7, 10)));
    assert_eq!(copy.line_span(), item.line_span());
    assert_eq!(copy.value, item.value);
    assert_eq!(copy.origin.item, Some(1));
}

#[test]
fn documents_without_kind_are_skipped_and_empty_ones_ignored() {
    let text = "---\n# only a comment\n---\nfoo: bar\n---\n---\n- a\n";
    let file = load_str("odd.yaml", text);
    assert!(file.objects.is_empty());
    let reasons: Vec<_> = file.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons, ["it has no apiVersion", "it is not a mapping"]);
}

#[test]
fn a_bad_document_does_not_hide_the_others() {
    let text = format!("{POD_HEAD}---\nkey: [unclosed\n---\n{POD_HEAD}");
    let file = load_str("bad.yaml", &text);
    assert_eq!(file.objects.len(), 2);
    assert_eq!(file.errors.len(), 1);
    let LoadError::Parse {
        location, document, ..
    } = &file.errors[0]
    else {
        panic!("expected a parse error, got {:?}", file.errors[0]);
    };
    assert_eq!(*document, 1);
    assert!(
        location.is_some_and(|l| l.line >= 6),
        "error location {location:?}"
    );
}

#[test]
fn json_streams_and_json_lists_load() {
    let text = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n \"metadata\": {\"name\": \"b\"}}\n";
    let file = load_str("s.json", text);
    assert_eq!(file.objects.len(), 2);
    assert_eq!(file.objects[1].name(), "b");
    assert_eq!(file.objects[1].resolve("/metadata/name").location.line, 3);
}

#[test]
fn billion_laughs_is_one_clear_error() {
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev}]\n"
        ));
    }
    let file = load_str("lol.yaml", &text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert!(file.objects.is_empty());
}

#[test]
fn deep_nesting_is_one_clear_error() {
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let file = load_str("deep.yaml", &text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let block: String = (0..depth)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let file = load_str("deep-block.yaml", &block);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
}

#[test]
fn binary_and_invalid_utf8_are_errors_naming_the_file() {
    let file = load_bytes(Arc::from("bin.yaml"), vec![0x7f, b'E', b'L', b'F', 0, 1, 2]);
    assert_eq!(
        file.errors[0].to_string(),
        "bin.yaml: binary file (contains NUL bytes), not a manifest"
    );
    let file = load_bytes(Arc::from("latin1.yaml"), b"a: caf\xe9\n".to_vec());
    assert_eq!(
        file.errors[0].to_string(),
        "latin1.yaml: invalid UTF-8 at byte 6"
    );
}

#[test]
fn truncated_yaml_reports_path_line_and_column() {
    let file = load_str(
        "cut.yaml",
        &format!("{POD_HEAD}spec:\n  containers:\n  - name: \"app\n"),
    );
    assert_eq!(file.errors.len(), 1);
    let message = file.errors[0].to_string();
    assert!(message.starts_with("cut.yaml:"), "{message}");
}

#[test]
fn duplicate_keys_keep_the_last_value_and_its_position() {
    let object = one(&format!(
        "{POD_HEAD}spec:\n  hostPID: false\n  hostPID: true\n"
    ));
    assert_eq!(object.value["spec"]["hostPID"], true);
    assert_eq!(object.resolve("/spec/hostPID").location.line, 7);
}

#[test]
fn crd_bodies_are_parsed_for_errors_but_not_built() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\nspec:\n  group: example.com\n";
    let object = one(crd);
    assert_eq!(object.name(), "x.example.com");
    assert!(object.value.get("spec").is_none());
    let broken = format!("{crd}  names: [oops\n");
    let file = load_str("crd.yaml", &broken);
    assert_eq!(
        file.errors.len(),
        1,
        "a syntax error inside a skipped body is still reported"
    );
}

#[test]
fn resource_limits_are_said_in_plain_words() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let file = load_str("deep.yaml", &deep);
    let message = file.errors[0].to_string();
    assert!(
        message.ends_with(": nesting deeper than 128 levels"),
        "{message}"
    );

    let mut lol = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        lol.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let file = load_str("lol.yaml", &lol);
    let message = file.errors[0].to_string();
    assert!(message.contains("aliases (`*name`)"), "{message}");
    assert!(
        !message.contains('{') && !message.contains('='),
        "{message}"
    );
}

fn pod_json(name: &str) -> String {
    format!("{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {{\"name\": \"{name}\"}}}}")
}

#[test]
fn a_bad_ndjson_line_is_reported_at_its_line_and_the_rest_load() {
    let broken = [
        ("{\"apiVersion\": \"v1\",, \"kind\": \"Pod\"}", 3, 21),
        ("{\"apiVersion\": \"v1\", \"kind\": \"Pod\"", 3, 1),
        ("{\"apiVersion\": \"v1\", \"kind\": \"Po}", 3, 30),
        ("oops, not JSON", 3, 1),
    ];
    for (line, at_line, at_column) in broken {
        let text = format!(
            "{}\n{}\n{line}\n{}\n{}\n",
            pod_json("a"),
            pod_json("b"),
            pod_json("c"),
            pod_json("d")
        );
        let file = load_str("s.ndjson", &text);
        let names: Vec<_> = file.objects.iter().map(Object::name).collect();
        assert_eq!(names, ["a", "b", "c", "d"], "{line}");
        assert_eq!(file.errors.len(), 1, "{line}: {:?}", file.errors);
        assert_eq!(
            file.errors[0].location(),
            Some(Location {
                line: at_line,
                column: at_column
            }),
            "{line}: {}",
            file.errors[0]
        );
        assert!(
            file.errors[0]
                .to_string()
                .starts_with(&format!("s.ndjson:{at_line}:"))
        );
        assert_eq!(file.objects[3].resolve("/metadata/name").location.line, 5);
    }
}

#[test]
fn a_json_value_after_another_on_the_same_line_has_file_columns() {
    let text = format!("{} {}\n", pod_json("a"), pod_json("b"));
    let file = load_str("line.json", &text);
    assert_eq!(file.objects.len(), 2);
    let second = file.objects[1].resolve("/metadata/name").location;
    let column = u32::try_from(text.rfind("\"name\"").unwrap_or(0) + 1).unwrap_or(0);
    assert_eq!(second, Location { line: 1, column });
}

#[test]
fn flow_style_yaml_that_starts_like_json_is_still_yaml() {
    let file = load_str(
        "flow.yaml",
        "{apiVersion: v1, kind: Pod, metadata: {name: a}}\n",
    );
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.objects.len(), 1);
}

#[test]
fn utf16_files_load_with_positions() {
    let text = format!("{POD_HEAD}spec:\n  hostPID: true\n");
    for big_endian in [false, true] {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        let file = load_bytes(Arc::from("u16.yaml"), bytes);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.objects.len(), 1);
        assert_eq!(file.objects[0].resolve("/spec/hostPID").location.line, 6);
        assert_eq!(file.text, text);
    }
}
