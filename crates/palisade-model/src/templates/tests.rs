use super::*;
use crate::loader::load_str;

fn object(yaml: &str) -> Object {
    let mut file = load_str("t.yaml", yaml);
    assert_eq!(file.objects.len(), 1, "{yaml}");
    file.objects.remove(0)
}

/// The spec pointers of every pod spec found, with whether each is an overlay.
fn specs(templates: &PodTemplates, yaml: &str) -> Vec<(String, bool)> {
    let object = object(yaml);
    templates
        .views(&object)
        .iter()
        .map(|v| (v.spec_pointer().to_string(), v.is_overlay()))
        .collect()
}

fn found(pointers: &[&str], overlay: bool) -> Vec<(String, bool)> {
    pointers.iter().map(|p| (p.to_string(), overlay)).collect()
}

#[test]
fn pod_specs_are_found_where_each_kind_keeps_them() {
    let table = PodTemplates::built_in();
    let cases: &[(&str, &[&str])] = &[
        (
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {containers: [{name: a}]}}}\n",
            &["/spec/template/spec"],
        ),
        (
            "apiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n",
            &["/spec/template/spec"],
        ),
        (
            "apiVersion: v1\nkind: DeploymentConfig\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n",
            &["/spec/template/spec"],
        ),
        (
            "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\nspec: {template: {spec: {containers: [{image: x}]}}}\n",
            &["/spec/template/spec"],
        ),
        (
            "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec:\n  tasks:\n  - template: {spec: {containers: []}}\n  - template: {spec: {containers: []}}\n",
            &["/spec/tasks/0/template/spec", "/spec/tasks/1/template/spec"],
        ),
        (
            "apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata: {name: t}\nspec:\n  tfReplicaSpecs:\n    Chief: {template: {spec: {containers: []}}}\n    Worker: {template: {spec: {containers: []}}}\n",
            &[
                "/spec/tfReplicaSpecs/Chief/template/spec",
                "/spec/tfReplicaSpecs/Worker/template/spec",
            ],
        ),
        // A custom resource the table does not name, shaped like a controller.
        (
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {template: {spec: {containers: [{name: a}]}}}\n",
            &["/spec/template/spec"],
        ),
        // Without containers it is some other template.
        (
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {template: {spec: {replicas: 1}}}\n",
            &[],
        ),
        // A kind Kubernetes owns is never guessed at.
        (
            "apiVersion: apps/v1\nkind: Widget\nmetadata: {name: w}\nspec: {template: {spec: {containers: []}}}\n",
            &[],
        ),
        // A Rollout that points at a Deployment has no pods of its own.
        (
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {workloadRef: {kind: Deployment, name: d}}\n",
            &[],
        ),
        // Kubernetes decodes an absent spec of its own kinds as an empty one.
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
            &["/spec/template/spec"],
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: null\n",
            &["/spec/template/spec"],
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(specs(table, yaml), found(expected, false), "{yaml}");
    }
}

#[test]
fn operator_merged_specs_are_overlays_with_their_own_containers_and_metadata() {
    let table = PodTemplates::built_in();
    let task = object(
        "apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps: [{name: build, image: x}]\n  sidecars: [{name: dind, image: y}]\n",
    );
    let views = table.views(&task);
    let containers: Vec<_> = views[0].containers().map(|c| (c.name, c.pointer)).collect();
    assert_eq!(
        containers,
        [
            ("build", "/spec/steps/0".to_string()),
            ("dind", "/spec/sidecars/0".to_string())
        ]
    );
    assert!(views[0].is_overlay());
    assert_eq!(views[0].metadata_pointer(), "/metadata");

    let prometheus = object(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: p}\nspec:\n  podMetadata: {annotations: {a: b}}\n  containers: [{name: prometheus}]\n",
    );
    let views = table.views(&prometheus);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].metadata_pointer(), "/spec/podMetadata");
    assert!(views[0].annotations().is_some_and(|a| a.contains_key("a")));

    let pipeline = "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n  - {name: a, taskRef: {name: t}}\n  - {name: b, taskSpec: {steps: []}}\n  finally:\n  - {name: c, taskSpec: {steps: []}}\n";
    assert_eq!(
        specs(table, pipeline),
        found(
            &["/spec/tasks/1/taskSpec", "/spec/finally/0/taskSpec"],
            true
        )
    );
}

#[test]
fn configured_locations_add_kinds_and_replace_built_in_ones() {
    let table = PodTemplates::with_configured(vec![
        TemplateLocation::new("acme.dev", "Runner", vec!["/spec/pods/*/spec".into()]),
        TemplateLocation::new("argoproj.io", "Rollout", vec!["/spec/other/spec".into()]),
    ]);
    assert_eq!(
        specs(
            &table,
            "apiVersion: acme.dev/v1\nkind: Runner\nmetadata: {name: r}\nspec: {pods: [{spec: {containers: []}}]}\n"
        ),
        found(&["/spec/pods/0/spec"], false)
    );
    assert_eq!(
        specs(
            &table,
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {}}, other: {spec: {}}}\n"
        ),
        found(&["/spec/other/spec"], false)
    );
    // The rest of the built-in table is still there.
    assert_eq!(
        table.locations().len(),
        PodTemplates::built_in().locations().len() + 1
    );
}

#[test]
fn structural_faults_are_problems_at_their_pointers() {
    let table = PodTemplates::built_in();
    let cases: &[(&str, &[&str])] = &[
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n- containers: []\n",
            &["/spec"],
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: {name: a}}\n",
            &["/spec/containers"],
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}, 3, {name: b, securityContext: true}]}\n",
            &["/spec/containers/1", "/spec/containers/2/securityContext"],
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: a string}\n",
            &["/spec/template"],
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: [], spec: {volumes: {}}}}\n",
            &["/spec/template/metadata", "/spec/template/spec/volumes"],
        ),
        (
            "apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: []}}}\n",
            &["/kind"],
        ),
        (
            "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec: {tasks: 3}\n",
            &["/spec/tasks"],
        ),
        // Well-formed objects, and the absent or null parts Kubernetes accepts.
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: null, spec: {containers: [null]}}}\n",
            &[],
        ),
        (
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: [1]\n",
            &[],
        ),
    ];
    for (yaml, expected) in cases {
        let problems = table.problems(&object(yaml));
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(&pointers, expected, "{yaml}");
    }
    let problems = table.problems(&object(
        "apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
    ));
    assert!(
        problems[0]
            .message
            .contains("`Deployment` is not a kind of apiVersion `v1`; Kubernetes serves it in `apps` and `extensions`"),
        "{}",
        problems[0].message
    );
    let problems = table.problems(&object(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: [1]\n",
    ));
    assert!(
        problems[0]
            .message
            .starts_with("/spec is a list where Kubernetes expects a pod spec (a mapping)"),
        "{}",
        problems[0].message
    );
}

#[test]
fn every_built_in_pattern_is_a_pointer_and_every_kind_is_listed_once() {
    let mut seen = std::collections::HashSet::new();
    for location in PodTemplates::built_in().locations() {
        assert!(
            seen.insert((location.group.clone(), location.kind.clone())),
            "{} {} twice",
            location.group,
            location.kind
        );
        for pattern in &location.specs {
            assert_eq!(check_pattern(pattern), Ok(()));
            assert!(
                location.metadata.is_none() || !pattern.contains('*'),
                "an explicit metadata pointer names one place, so its spec must too"
            );
        }
    }
    assert_eq!(
        check_pattern("spec/template"),
        Err("`spec/template` is not a JSON pointer such as /spec/template/spec".to_string())
    );
    assert!(check_pattern("/spec//x").is_err());
}
