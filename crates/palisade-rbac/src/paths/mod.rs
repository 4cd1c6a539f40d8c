//! Escalation paths: how a subject's permissions let it become another identity, step by
//! step, up to cluster-admin. Each step is a technique an attacker uses (KubeHound's,
//! rbac-police's), decided with the authorizer's exact semantics, and names the grant that
//! allows it.
//!
//! Techniques:
//! - `impersonate`: impersonating the group `system:masters` is cluster-admin; impersonating
//!   service accounts is becoming them.
//! - `bind-cluster-admin`: creating ClusterRoleBindings with `bind` (or `escalate`) on the
//!   ClusterRole `cluster-admin` grants it to oneself.
//! - `approve-client-csr`: creating, approving and signing CertificateSigningRequests for the
//!   API server's client signer mints a certificate for `system:masters`.
//! - `create-pods`, `create-workloads`, `patch-workloads`: a pod, or a workload's pod template,
//!   in a namespace can run as any service account of that namespace.
//! - `create-token`: `serviceaccounts/token` issues a token for a service account.
//! - `exec-pods`: exec into a namespace's pods gives the tokens of the accounts they run as.
//! - `read-token-secret`: reading (get or list) a legacy token Secret is holding the token.
//! - `nodes-proxy`: the kubelet API reached through `nodes/proxy` execs into any pod.
//!
//! An identity that may do everything (`*` on everything, cluster-wide, as `cluster-admin`) is
//! cluster-admin.

use std::collections::{HashMap, HashSet, VecDeque};

use serde::Serialize;

mod accounts;
pub use accounts::Accounts;

use crate::policy::Policy;
use crate::policy::{Binding, BindingSubject, Role};
use crate::query::{Grant, grant_among};

/// The bindings that name one subject, found once for all of its questions.
struct Bindings<'p> {
    bindings: Vec<(&'p Binding, &'p BindingSubject, &'p Role)>,
    superuser: bool,
}

/// What the namespaced techniques need: running pods, workloads, tokens, exec, impersonation.
const ACTING_VERBS: [&str; 5] = ["create", "update", "patch", "impersonate", "*"];
const ACTING_RESOURCES: [&str; 12] = [
    "pods",
    "pods/exec",
    "serviceaccounts",
    "serviceaccounts/token",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicasets",
    "jobs",
    "cronjobs",
    "replicationcontrollers",
    "*",
];

impl Bindings<'_> {
    /// Whether a binding of the subject could allow a namespaced technique in `namespace`: a
    /// quick test that spares the exact questions in the many namespaces where the subject
    /// holds nothing that acts (a role that only reads, the discovery roles everyone has).
    fn may_act_in(&self, namespace: &str) -> bool {
        self.superuser
            || self.bindings.iter().any(|(binding, _, role)| {
                (binding.kind == "ClusterRoleBinding" || binding.namespace == namespace)
                    && role.rules.iter().any(|rule| {
                        rule.verbs
                            .iter()
                            .any(|v| ACTING_VERBS.contains(&v.as_str()))
                            && rule.resources.iter().any(|r| {
                                ACTING_RESOURCES.contains(&r.as_str()) || r.starts_with("*/")
                            })
                    })
            })
    }
}
use crate::request::Request;
use crate::subject::Subject;

/// What a step reaches.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Node {
    Subject { subject: Subject },
    ClusterAdmin,
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Subject { subject } => subject.fmt(f),
            Self::ClusterAdmin => f.write_str("cluster-admin"),
        }
    }
}

/// One step: what it reaches, by which technique, through which grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub to: Node,
    pub technique: &'static str,
    /// What the step does, for people.
    pub how: String,
    /// The grants that allow it.
    pub grants: Vec<Grant>,
}

/// A path from a subject to cluster-admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Path {
    pub from: Subject,
    pub steps: Vec<Step>,
}

/// The escalation graph of a policy, with edges found on demand and remembered.
pub struct Graph<'a> {
    policy: &'a Policy,
    accounts: &'a Accounts,
    edges: HashMap<Subject, Vec<Step>>,
}

/// The verbs that, on every resource, are everything (Kubernetes' own list for a role that is
/// cluster-admin in all but name).
const EVERY_VERB: [&str; 7] = [
    "get", "list", "watch", "create", "update", "patch", "delete",
];

const WORKLOADS: [(&str, &str); 7] = [
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

fn request(verb: &str, group: &str, resource: &str, namespace: &str, name: &str) -> Request {
    let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
    Request::Resource {
        verb: verb.into(),
        group: group.into(),
        resource: resource.into(),
        subresource: subresource.into(),
        namespace: namespace.into(),
        name: name.into(),
    }
}

impl<'a> Graph<'a> {
    pub fn new(policy: &'a Policy, accounts: &'a Accounts) -> Self {
        Self {
            policy,
            accounts,
            edges: HashMap::new(),
        }
    }

    /// Every grant needed, or none if one is missing.
    fn all(&self, of: &Bindings<'_>, requests: &[Request]) -> Option<Vec<Grant>> {
        requests
            .iter()
            .map(|r| grant_among(&of.bindings, of.superuser, r))
            .collect()
    }

    /// Finds the subject's steps once; they are read by reference after.
    fn ensure(&mut self, subject: &Subject) {
        if !self.edges.contains_key(subject) {
            let steps = self.find_steps(subject);
            self.edges.insert(subject.clone(), steps);
        }
    }

    fn find_steps(&self, subject: &Subject) -> Vec<Step> {
        let user = subject.user_info();
        let of = Bindings {
            bindings: self.policy.bindings_of(&user),
            superuser: user.groups.iter().any(|g| g == crate::SUPERUSER_GROUP),
        };
        let subject_bindings = &of;
        let mut out = Vec::new();
        let admin = |technique, how: &str, grants| Step {
            to: Node::ClusterAdmin,
            technique,
            how: how.to_string(),
            grants,
        };
        // `*`, or every verb spelled out, on every resource of every group, cluster-wide: what
        // cluster-admin grants, however it is written.
        let everything: Vec<Request> = EVERY_VERB
            .iter()
            .map(|verb| request(verb, "*", "*", "", ""))
            .collect();
        if let Some(mut grants) = self.all(subject_bindings, &everything) {
            grants.dedup();
            out.push(admin(
                "holds-everything",
                "may do everything, everywhere",
                grants,
            ));
            return out;
        }
        if let Some(grants) = self.all(
            subject_bindings,
            &[request("impersonate", "", "groups", "", "system:masters")],
        ) {
            out.push(admin(
                "impersonate",
                "impersonates the group system:masters",
                grants,
            ));
        }
        for bind in ["bind", "escalate"] {
            let needed = [
                request(
                    "create",
                    "rbac.authorization.k8s.io",
                    "clusterrolebindings",
                    "",
                    "",
                ),
                request(
                    bind,
                    "rbac.authorization.k8s.io",
                    "clusterroles",
                    "",
                    "cluster-admin",
                ),
            ];
            if let Some(grants) = self.all(subject_bindings, &needed) {
                out.push(admin(
                    "bind-cluster-admin",
                    &format!("creates a ClusterRoleBinding to cluster-admin for itself ({bind})"),
                    grants,
                ));
                break;
            }
        }
        let csr = [
            request(
                "create",
                "certificates.k8s.io",
                "certificatesigningrequests",
                "",
                "",
            ),
            request(
                "update",
                "certificates.k8s.io",
                "certificatesigningrequests/approval",
                "",
                "",
            ),
            request(
                "approve",
                "certificates.k8s.io",
                "signers",
                "",
                "kubernetes.io/kube-apiserver-client",
            ),
        ];
        if let Some(grants) = self.all(subject_bindings, &csr) {
            out.push(admin(
                "approve-client-csr",
                "requests and approves a client certificate for the group system:masters",
                grants,
            ));
        }
        if let Some(grants) = self
            .all(
                subject_bindings,
                &[request("create", "", "nodes/proxy", "", "")],
            )
            .or_else(|| {
                self.all(
                    subject_bindings,
                    &[request("get", "", "nodes/proxy", "", "")],
                )
            })
        {
            for (namespace, names) in &self.accounts.running {
                for name in Accounts::sorted(Some(names)) {
                    out.push(self.account_step(
                        namespace,
                        &name,
                        "nodes-proxy",
                        "execs into its pods through the kubelet API (nodes/proxy)",
                        grants.clone(),
                    ));
                }
            }
        }
        let mut namespaces: Vec<&String> = self
            .accounts
            .by_namespace
            .keys()
            .filter(|ns| subject_bindings.may_act_in(ns))
            .collect();
        namespaces.sort();
        for namespace in namespaces {
            let all_accounts = Accounts::sorted(self.accounts.by_namespace.get(namespace));
            let ways = self.namespace_ways(subject_bindings, namespace);
            for (technique, how, grants) in ways {
                for name in &all_accounts {
                    out.push(self.account_step(namespace, name, technique, how, grants.clone()));
                }
            }
            for name in &all_accounts {
                let token = [request(
                    "create",
                    "",
                    "serviceaccounts/token",
                    namespace,
                    name,
                )];
                if let Some(grants) = self.all(subject_bindings, &token) {
                    out.push(self.account_step(
                        namespace,
                        name,
                        "create-token",
                        "creates a token for it",
                        grants,
                    ));
                } else if let Some(grants) = self.all(
                    subject_bindings,
                    &[request(
                        "impersonate",
                        "",
                        "serviceaccounts",
                        namespace,
                        name,
                    )],
                ) {
                    out.push(self.account_step(
                        namespace,
                        name,
                        "impersonate",
                        "impersonates it",
                        grants,
                    ));
                }
            }
            let running = Accounts::sorted(self.accounts.running.get(namespace));
            if !running.is_empty()
                && let Some(grants) = self.all(
                    subject_bindings,
                    &[request("create", "", "pods/exec", namespace, "")],
                )
            {
                for name in &running {
                    out.push(self.account_step(
                        namespace,
                        name,
                        "exec-pods",
                        "execs into a pod that runs as it",
                        grants.clone(),
                    ));
                }
            }
        }
        let mut token_namespaces: Vec<&String> = self.accounts.tokens.keys().collect();
        token_namespaces.sort();
        for namespace in token_namespaces {
            for (secret, account) in self
                .accounts
                .tokens
                .get(namespace)
                .map_or(&[][..], Vec::as_slice)
            {
                let read = self
                    .all(
                        subject_bindings,
                        &[request("get", "", "secrets", namespace, secret)],
                    )
                    .or_else(|| {
                        self.all(
                            subject_bindings,
                            &[request("list", "", "secrets", namespace, "")],
                        )
                    });
                if let Some(grants) = read {
                    out.push(self.account_step(
                        namespace,
                        account,
                        "read-token-secret",
                        "reads its legacy token Secret",
                        grants,
                    ));
                }
            }
        }
        // A step to oneself leads nowhere.
        out.retain(|s| {
            s.to != (Node::Subject {
                subject: subject.clone(),
            })
        });
        out
    }

    /// The ways to run a pod as any account of a namespace.
    fn namespace_ways(
        &self,
        subject: &Bindings<'_>,
        namespace: &str,
    ) -> Vec<(&'static str, &'static str, Vec<Grant>)> {
        if let Some(grants) = self.all(subject, &[request("create", "", "pods", namespace, "")]) {
            return vec![("create-pods", "creates a pod that runs as it", grants)];
        }
        for (group, resource) in WORKLOADS {
            if let Some(grants) = self.all(
                subject,
                &[request("create", group, resource, namespace, "")],
            ) {
                return vec![(
                    "create-workloads",
                    "creates a workload whose pods run as it",
                    grants,
                )];
            }
        }
        for (group, resource) in WORKLOADS {
            for verb in ["patch", "update"] {
                if let Some(grants) =
                    self.all(subject, &[request(verb, group, resource, namespace, "")])
                {
                    return vec![(
                        "patch-workloads",
                        "changes a workload's pod template to run as it",
                        grants,
                    )];
                }
            }
        }
        Vec::new()
    }

    fn account_step(
        &self,
        namespace: &str,
        name: &str,
        technique: &'static str,
        how: &str,
        grants: Vec<Grant>,
    ) -> Step {
        Step {
            to: Node::Subject {
                subject: Subject::service_account(namespace, name),
            },
            technique,
            how: how.to_string(),
            grants,
        }
    }

    /// The shortest path to cluster-admin from each of `sources` that has one, in the order
    /// given. The graph is explored once from all of them, then searched backwards from
    /// cluster-admin, so the cost does not grow with sources times the graph.
    pub fn paths_to_admin(&mut self, sources: &[Subject]) -> Vec<Path> {
        // Every subject reachable from a source, with its steps found.
        let mut seen: HashSet<Subject> = sources.iter().cloned().collect();
        let mut queue: VecDeque<Subject> = sources.iter().cloned().collect();
        let mut order: Vec<Subject> = Vec::new();
        while let Some(current) = queue.pop_front() {
            self.ensure(&current);
            for step in self.edges.get(&current).map_or(&[][..], Vec::as_slice) {
                if let Node::Subject { subject } = &step.to
                    && seen.insert(subject.clone())
                {
                    queue.push_back(subject.clone());
                }
            }
            order.push(current);
        }
        // Backwards from cluster-admin: each subject's distance and the step it takes first.
        let mut into: HashMap<&Subject, Vec<(&Subject, usize)>> = HashMap::new();
        let mut first: HashMap<&Subject, (usize, usize)> = HashMap::new();
        let mut frontier: VecDeque<&Subject> = VecDeque::new();
        for subject in &order {
            let steps = self.edges.get(subject).map_or(&[][..], Vec::as_slice);
            for (index, step) in steps.iter().enumerate() {
                match &step.to {
                    Node::ClusterAdmin => {
                        if !first.contains_key(subject) {
                            first.insert(subject, (1, index));
                            frontier.push_back(subject);
                        }
                    }
                    Node::Subject { subject: to } => {
                        into.entry(to).or_default().push((subject, index));
                    }
                }
            }
        }
        while let Some(reached) = frontier.pop_front() {
            let distance = first.get(reached).map_or(0, |(d, _)| *d);
            for &(from, index) in into.get(reached).map_or(&[][..], Vec::as_slice) {
                if !first.contains_key(from) {
                    first.insert(from, (distance + 1, index));
                    frontier.push_back(from);
                }
            }
        }
        let mut out = Vec::new();
        for source in sources {
            let mut steps = Vec::new();
            let mut at = source;
            while let Some(&(_, index)) = first.get(at) {
                let Some(step) = self.edges.get(at).and_then(|s| s.get(index)) else {
                    break;
                };
                steps.push(step.clone());
                match &step.to {
                    Node::ClusterAdmin => break,
                    Node::Subject { subject } => at = subject,
                }
            }
            if steps.last().is_some_and(|s| s.to == Node::ClusterAdmin) {
                out.push(Path {
                    from: source.clone(),
                    steps,
                });
            }
        }
        out
    }
}

/// Every subject a binding of the policy names, and every known service account: where paths
/// may start. The subjects only Kubernetes' own bindings name (control-plane components and
/// controllers, which reach cluster-admin by design) only with `with_system`.
pub fn subjects(policy: &Policy, accounts: &Accounts, with_system: bool) -> Vec<Subject> {
    let mut out: Vec<Subject> = policy
        .bindings()
        .iter()
        .filter(|b| with_system || !b.is_default)
        .flat_map(|b| b.subjects.iter().filter_map(|s| s.subject(&b.namespace)))
        .collect();
    for (namespace, names) in &accounts.by_namespace {
        for name in names {
            out.push(Subject::service_account(namespace, name));
        }
    }
    out.sort();
    out.dedup();
    out
}
