//! 5,000 roles, 10,000 bindings and 500 service accounts: reading them into a policy, 100
//! who-can questions, and every path to cluster-admin. The target is each in under a second.

#![allow(clippy::expect_used, reason = "a benchmark fails loudly")]

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use palisade_model::{Object, Origin, PodTemplates};
use palisade_rbac::paths::{Accounts, Graph, subjects};
use palisade_rbac::{Policy, Request};
use serde_json::json;

const VERBS: [&str; 6] = ["get", "list", "watch", "create", "patch", "delete"];
const RESOURCES: [&str; 8] = [
    "pods",
    "pods/exec",
    "secrets",
    "configmaps",
    "deployments",
    "services",
    "*/scale",
    "jobs",
];

fn objects() -> Vec<Object> {
    let origin = Origin {
        path: Arc::from("bench"),
        document: 0,
        item: None,
        template: None,
    };
    let object = |value| Object::detached(value, origin.clone()).expect("an object");
    let mut out = Vec::new();
    for i in 0..5_000 {
        let rules = json!([
            {"apiGroups": ["", "apps"], "resources": [RESOURCES[i % 8], RESOURCES[(i / 8) % 8]], "verbs": [VERBS[i % 6], VERBS[(i / 6) % 6]]},
            {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get"], "resourceNames": [format!("job-{i}")]},
        ]);
        if i % 2 == 0 {
            out.push(object(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": {"name": format!("cr-{i}"), "labels": {"agg": if i % 10 == 0 { "yes" } else { "no" }}}, "rules": rules})));
        } else {
            out.push(object(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": format!("r-{i}"), "namespace": format!("ns-{}", i % 50)}, "rules": rules})));
        }
    }
    out.push(object(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "aggregated"}, "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "yes"}}]}})));
    for i in 0..10_000 {
        let subjects = json!([
            {"kind": "User", "name": format!("user-{}", i % 300), "apiGroup": "rbac.authorization.k8s.io"},
            {"kind": "ServiceAccount", "name": format!("sa-{}", i % 200), "namespace": format!("ns-{}", i % 50)},
        ]);
        if i % 5 == 0 {
            out.push(object(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": {"name": format!("crb-{i}")},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": format!("cr-{}", (i * 2) % 5_000)},
                "subjects": subjects})));
        } else {
            let role = (i % 2_500) * 2 + 1;
            out.push(object(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": format!("rb-{i}"), "namespace": format!("ns-{}", role % 50)},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": format!("r-{role}")},
                "subjects": subjects})));
        }
    }
    for i in 0..500 {
        out.push(object(json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": format!("sa-{}", i % 200), "namespace": format!("ns-{}", i % 50)}})));
    }
    out
}

fn bench(c: &mut Criterion) {
    let objects = objects();
    let mut group = c.benchmark_group("rbac");
    group.sample_size(10);
    group.bench_function(
        "policy of 5,000 roles and 10,000 bindings, with the defaults",
        |b| {
            b.iter(|| Policy::from_objects(&objects, true));
        },
    );
    let policy = Policy::from_objects(&objects, true);
    let requests: Vec<Request> = (0..100)
        .map(|i| {
            Request::resource(
                VERBS[i % 6],
                RESOURCES[i % 8],
                &format!("ns-{}", i % 50),
                "",
            )
        })
        .collect();
    group.bench_function("100 who-can questions", |b| {
        b.iter(|| {
            requests
                .iter()
                .map(|r| policy.who_can(r).grants.len())
                .sum::<usize>()
        });
    });
    let accounts = Accounts::from_objects(&objects, PodTemplates::built_in());
    group.bench_function("every path to cluster-admin", |b| {
        b.iter(|| {
            let mut graph = Graph::new(&policy, &accounts);
            graph
                .paths_to_admin(&subjects(&policy, &accounts, false))
                .len()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
