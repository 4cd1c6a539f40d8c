//! The policy read from objects: aggregation, namespaces of RoleBindings, service accounts,
//! and the questions asked of it.

#![allow(clippy::expect_used, reason = "a test fails loudly")]

use palisade_model::Object;
use palisade_model::loader::load_str;
use palisade_rbac::{Policy, PolicyRule, Request, Subject, merge};

fn objects(yaml: &str) -> Vec<Object> {
    let file = load_str("rbac.yaml", yaml);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    file.objects
}

const POLICY: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader, labels: {example.com/aggregate-to-reader: "true"}}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, labels: {example.com/aggregate-to-super: "true"}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-reader: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: super-reader}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-super: "true"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployers-read, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: super-reader}
subjects:
- {kind: ServiceAccount, name: deployer}
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec, namespace: shop}
rules:
- {apiGroups: [""], resources: [pods/exec], verbs: [create], resourceNames: [debug]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-exec, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
"#;

#[test]
fn aggregation_is_resolved_through_chains_as_the_controller_does() {
    let policy = Policy::from_objects(&objects(POLICY), false);
    let role = |name: &str| {
        policy
            .roles()
            .iter()
            .find(|r| r.name == name)
            .expect("the role")
            .rules
            .clone()
    };
    let expected = vec![PolicyRule {
        verbs: vec!["get".into(), "list".into()],
        api_groups: vec![String::new()],
        resources: vec!["pods".into()],
        ..PolicyRule::default()
    }];
    assert_eq!(role("reader"), expected);
    assert_eq!(role("super-reader"), expected);
}

#[test]
fn a_role_binding_grants_only_in_its_namespace_and_a_service_account_defaults_to_it() {
    let policy = Policy::from_objects(&objects(POLICY), false);
    let deployer = Subject::service_account("shop", "deployer").user_info();
    let elsewhere = Subject::service_account("other", "deployer").user_info();
    let ci = Subject::service_account("ci", "anything").user_info();
    let get_pods = |ns: &str| Request::resource("get", "pods", ns, "");
    assert!(policy.allows(&deployer, &get_pods("shop")));
    assert!(!policy.allows(&deployer, &get_pods("other")));
    assert!(!policy.allows(&deployer, &get_pods("")));
    assert!(!policy.allows(&elsewhere, &get_pods("shop")));
    assert!(policy.allows(&ci, &get_pods("shop")));
    // The subresource is not the resource, and resourceNames bind exec to one pod.
    let alice = Subject::User {
        name: "alice".into(),
    }
    .user_info();
    assert!(policy.allows(
        &alice,
        &Request::resource("create", "pods/exec", "shop", "debug")
    ));
    assert!(!policy.allows(
        &alice,
        &Request::resource("create", "pods/exec", "shop", "web")
    ));
    assert!(!policy.allows(
        &alice,
        &Request::resource("create", "pods/exec", "shop", "")
    ));
    assert!(!policy.allows(&alice, &Request::resource("get", "pods", "shop", "")));
}

#[test]
fn who_can_lists_every_subject_with_its_binding_and_the_superuser_group() {
    let policy = Policy::from_objects(&objects(POLICY), false);
    let answer = policy.who_can(&Request::resource("list", "pods", "shop", ""));
    let subjects: Vec<String> = answer
        .grants
        .iter()
        .map(|g| {
            format!(
                "{} via {}",
                g.subject.as_ref().expect("a subject"),
                g.binding
            )
        })
        .collect();
    assert_eq!(
        subjects,
        [
            "group:system:masters via (API server) superuser group",
            "sa:shop/deployer via RoleBinding shop/deployers-read",
            "group:system:serviceaccounts:ci via RoleBinding shop/deployers-read",
        ]
    );
}

#[test]
fn the_defaults_answer_as_a_fresh_cluster_and_can_be_left_out() {
    let none: Vec<Object> = Vec::new();
    let with = Policy::from_objects(&none, true);
    let without = Policy::from_objects(&none, false);
    let controller = Subject::service_account("kube-system", "namespace-controller").user_info();
    let delete_pods = Request::resource("delete", "pods", "shop", "");
    assert!(with.allows(&controller, &delete_pods));
    assert!(!without.allows(&controller, &delete_pods));
    // Discovery is open to every authenticated user.
    let anyone = Subject::User { name: "x".into() }.user_info();
    assert!(with.allows(&anyone, &Request::non_resource("get", "/apis/apps")));
    assert!(!with.allows(&anyone, &Request::non_resource("get", "/metrics")));
}

#[test]
fn merged_rules_allow_exactly_what_the_rules_did() {
    let rule = |verbs: &[&str], resources: &[&str]| PolicyRule {
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        api_groups: vec![String::new()],
        resources: resources.iter().map(|r| r.to_string()).collect(),
        ..PolicyRule::default()
    };
    let rules = [
        rule(&["get"], &["pods"]),
        rule(&["list"], &["pods"]),
        rule(&["get"], &["pods", "services"]),
        rule(&["*"], &["secrets"]),
        rule(&["get"], &["secrets"]),
    ];
    let merged = merge(&rules);
    assert_eq!(
        merged,
        [
            rule(&["get", "list"], &["pods"]),
            rule(&["get"], &["pods", "services"]),
            rule(&["*"], &["secrets"]),
        ]
    );
    for verb in ["get", "list", "watch", "delete"] {
        for resource in ["pods", "services", "secrets", "nodes"] {
            let request = Request::resource(verb, resource, "ns", "");
            assert_eq!(
                rules.iter().any(|r| r.allows(&request)),
                merged.iter().any(|r| r.allows(&request)),
                "{request}"
            );
        }
    }
}

#[test]
fn every_verb_spelled_out_on_everything_is_cluster_admin() {
    use palisade_model::PodTemplates;
    use palisade_rbac::paths::{Accounts, Graph};
    let yaml = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all-but-in-name}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch, create, update, patch, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all-but-in-name}
subjects:
- {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: almost}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch, create, update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dev-almost}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: almost}
subjects:
- {kind: Group, name: dev, apiGroup: rbac.authorization.k8s.io}
"#;
    let objects = objects(yaml);
    let policy = Policy::from_objects(&objects, false);
    let accounts = Accounts::from_objects(&objects, PodTemplates::built_in());
    let mut graph = Graph::new(&policy, &accounts);
    let ops = Subject::Group { name: "ops".into() };
    let dev = Subject::Group { name: "dev".into() };
    let paths = graph.paths_to_admin(&[ops.clone(), dev]);
    let techniques: Vec<(String, &str)> = paths
        .iter()
        .map(|p| (p.from.to_string(), p.steps[0].technique))
        .collect();
    // dev lacks delete: not everything, and with no service account to become, no path.
    assert_eq!(techniques, [(ops.to_string(), "holds-everything")]);
}
