#!/usr/bin/env python3
"""Differential test of `palisade who-can` and `palisade can` against the API server's own
authorizer: generated Roles, ClusterRoles (aggregated ones too) and bindings are applied to
the test cluster, then for every (subject, request) pair the answer of a SubjectAccessReview
is compared with Palisade's.

  sar.py --env STATE/env --palisade BIN [--seed S] [--requests N]

Palisade reads the cluster's RBAC exported as JSON (`-f`, without the defaults: the export
holds the cluster's own), and once live for a sample. Exit 1 on any disagreement; each is
printed with the objects that decide it.
"""
import argparse
import json
import os
import random
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

NAMESPACES = ["ns1", "ns2", "ns3"]
USERS = [("alice", ["dev"]), ("bob", ["ops"]), ("carol", []), ("dave", ["dev", "ops"])]
SERVICE_ACCOUNTS = [("ns1", "sa1"), ("ns1", "default"), ("ns2", "sa2"), ("ns3", "sa3")]
# Everyone is in system:authenticated: bound often, it would allow nearly every pair, and a
# differential with few denials proves little.
GROUPS = ["dev", "ops", "dev", "ops", "system:serviceaccounts", "system:serviceaccounts:ns1"]
VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "impersonate", "bind", "escalate"]
RESOURCES = [("", "pods", ""), ("", "pods", "exec"), ("", "pods", "log"), ("", "secrets", ""), ("", "configmaps", ""),
             ("apps", "deployments", ""), ("apps", "deployments", "scale"), ("", "serviceaccounts", "token"),
             ("rbac.authorization.k8s.io", "roles", ""), ("rbac.authorization.k8s.io", "clusterroles", ""),
             ("", "nodes", "proxy"), ("", "namespaces", ""), ("batch", "jobs", "status")]
NAMES = ["", "", "", "a", "b"]
URLS = ["/metrics", "/healthz", "/logs/x", "/apis/apps", "/debug/pprof/heap"]


def rule(rng, cluster):
    if cluster and rng.random() < 0.12:
        return {"verbs": rng.sample(["get", "post", "*"], rng.randint(1, 2)),
                "nonResourceURLs": rng.sample(["/metrics", "/healthz", "/logs/*", "/apis/*", "*", "/debug/*"], rng.randint(1, 2))}
    groups = rng.choice([[""], ["apps"], ["*"], ["", "apps"], ["rbac.authorization.k8s.io"], ["batch"], [""], ["apps"]])
    resources = rng.sample(["pods", "pods/exec", "pods/log", "secrets", "configmaps", "deployments", "deployments/scale",
                            "*/scale", "*/status", "serviceaccounts/token", "roles", "clusterroles", "nodes/proxy",
                            "namespaces", "jobs", "*"], rng.randint(1, 3))
    verbs = ["*"] if rng.random() < 0.08 else rng.sample(VERBS, rng.randint(1, 4))
    out = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if rng.random() < 0.2:
        out["resourceNames"] = rng.sample(["a", "b", "c"], rng.randint(1, 2))
    return out


def subjects(rng, namespace):
    out = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["User", "Group", "ServiceAccount"])
        if kind == "User":
            out.append({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": rng.choice(USERS)[0]})
        elif kind == "Group":
            group = "system:authenticated" if rng.random() < 0.03 else rng.choice(GROUPS)
            out.append({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group})
        else:
            ns, name = rng.choice(SERVICE_ACCOUNTS)
            entry = {"kind": "ServiceAccount", "name": name}
            # A RoleBinding's service account may leave its namespace to the binding's.
            if namespace is None or ns != namespace or rng.random() < 0.5:
                entry["namespace"] = ns
            out.append(entry)
    return out


def policy(rng, roles):
    items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in NAMESPACES]
    cluster_roles = []
    for i in range(roles):
        name = f"gen-cr-{i}"
        labels = {"palisade-gen/aggregate-to-agg": "true"} if rng.random() < 0.3 else {}
        items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                      "metadata": {"name": name, "labels": labels},
                      "rules": [rule(rng, True) for _ in range(rng.randint(1, 3))]})
        cluster_roles.append(name)
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "gen-agg"},
                  "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"palisade-gen/aggregate-to-agg": "true"}}]}})
    cluster_roles += ["gen-agg", "view", "edit", "admin"]
    role_names = {ns: [] for ns in NAMESPACES}
    for i in range(roles):
        ns = rng.choice(NAMESPACES)
        name = f"gen-r-{i}"
        items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                      "metadata": {"name": name, "namespace": ns},
                      "rules": [rule(rng, False) for _ in range(rng.randint(1, 3))]})
        role_names[ns].append(name)
    for i in range(roles):
        if rng.random() < 0.25:
            items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                          "metadata": {"name": f"gen-crb-{i}"},
                          "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": rng.choice(cluster_roles)},
                          "subjects": subjects(rng, None)})
        ns = rng.choice(NAMESPACES)
        to_cluster_role = rng.random() < 0.4 or not role_names[ns]
        ref = ({"kind": "ClusterRole", "name": rng.choice(cluster_roles)} if to_cluster_role
               else {"kind": "Role", "name": rng.choice(role_names[ns])})
        items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                      "metadata": {"name": f"gen-rb-{i}", "namespace": ns},
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", **ref},
                      "subjects": subjects(rng, ns)})
    return {"apiVersion": "v1", "kind": "List", "items": items}


def identities():
    out = []
    for name, groups in USERS:
        out.append((f"user:{name}", name, groups + ["system:authenticated"]))
    for ns, name in SERVICE_ACCOUNTS:
        out.append((f"sa:{ns}/{name}", f"system:serviceaccount:{ns}:{name}",
                    ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"]))
    return out


def requests(rng, count):
    seen, out = set(), []
    while len(out) < count:
        if rng.random() < 0.08:
            req = ("url", rng.choice(["get", "post"]), rng.choice(URLS))
        else:
            group, resource, sub = rng.choice(RESOURCES)
            ns = rng.choice(NAMESPACES + [""])
            req = ("resource", rng.choice(VERBS), group, resource, sub, ns, rng.choice(NAMES))
        if req not in seen:
            seen.add(req)
            out.append(req)
    return out


class Api:
    def __init__(self, env):
        self.url = env["API_URL"]
        self.token = open(env["ADMIN_TOKEN_FILE"]).read().strip()
        self.context = ssl.create_default_context(cafile=env["CA_FILE"])

    def allowed(self, user, groups, req):
        spec = {"user": user, "groups": groups}
        if req[0] == "url":
            spec["nonResourceAttributes"] = {"verb": req[1], "path": req[2]}
        else:
            _, verb, group, resource, sub, ns, name = req
            spec["resourceAttributes"] = {"verb": verb, "group": group, "resource": resource,
                                          "subresource": sub, "namespace": ns, "name": name}
        body = json.dumps({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": spec}).encode()
        request = urllib.request.Request(self.url + "/apis/authorization.k8s.io/v1/subjectaccessreviews", data=body,
                                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
            return json.load(response)["status"].get("allowed", False)


def resource_arg(req):
    _, _, group, resource, sub, _, _ = req
    text = resource + (f".{group}" if group else "")
    return text + (f"/{sub}" if sub else "")


def who_can(palisade, source, req):
    if req[0] == "url":
        args = [req[1], req[2]]
    else:
        args = [req[1], resource_arg(req)] + ([req[6]] if req[6] else []) + (["-n", req[5]] if req[5] else [])
    out = subprocess.run([palisade, "who-can", *args, *source, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def rule_allows(rule, req):
    """Upstream's RuleAllows, for reading `palisade can`'s rules back."""
    verbs = rule.get("verbs", [])
    if req[0] == "url":
        _, verb, path = req
        return (("*" in verbs or verb in verbs) and
                any(u == "*" or u == path or (u.endswith("*") and path.startswith(u.rstrip("*")))
                    for u in rule.get("nonResourceURLs", [])))
    _, verb, group, resource, sub, _, name = req
    combined = f"{resource}/{sub}" if sub else resource
    resources = rule.get("resources", [])
    names = rule.get("resourceNames", [])
    return (("*" in verbs or verb in verbs)
            and any(g in ("*", group) for g in rule.get("apiGroups", []))
            and any(r in ("*", combined) or (sub and r == f"*/{sub}") for r in resources)
            and (not names or name in names))


def can_allows(grants, req):
    namespace = "" if req[0] == "url" else req[5]
    return any(rule_allows(g["rule"], req) for g in grants
               if not g.get("namespace") or (namespace and g["namespace"] == namespace))


def matches(subject, user, groups):
    kind = subject["kind"]
    if kind == "user":
        return subject["name"] == user
    if kind == "group":
        return subject["name"] in groups
    return user == f"system:serviceaccount:{subject['namespace']}:{subject['name']}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--env", required=True)
    parser.add_argument("--palisade", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--roles", type=int, default=40)
    args = parser.parse_args()
    env = {}
    for line in open(args.env):
        if line.startswith("export "):
            key, _, value = line[len("export "):].strip().partition("=")
            env[key] = value.strip("'\"")
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp()
    generated = os.path.join(work, "generated.json")
    json.dump(policy(rng, args.roles), open(generated, "w"))
    kubectl = [env["KUBECTL"], "--kubeconfig", env["KUBECONFIG"]]
    subprocess.run(kubectl + ["apply", "-f", generated], check=True, capture_output=True)
    # The aggregation controller fills in gen-agg; wait until it has.
    for _ in range(60):
        agg = json.loads(subprocess.run(kubectl + ["get", "clusterrole", "gen-agg", "-o", "json"], check=True, capture_output=True, text=True).stdout)
        if agg.get("rules"):
            break
        time.sleep(0.5)
    export = os.path.join(work, "rbac.json")
    with open(export, "w") as f:
        subprocess.run(kubectl + ["get", "roles,clusterroles,rolebindings,clusterrolebindings", "-A", "-o", "json"], check=True, stdout=f)
    api = Api(env)
    people = identities()
    reqs = requests(rng, args.requests)
    disagreements, pairs, allowed_count = [], 0, 0
    offline = ["-f", export, "--no-defaults"]
    live = ["--kubeconfig", env["KUBECONFIG"]]
    for i, req in enumerate(reqs):
        source = live if i % 50 == 0 else offline
        answer = who_can(args.palisade, source, req)
        subjects = [g["subject"] for g in answer["grants"] if g.get("subject")]
        for label, user, groups in people:
            truth = api.allowed(user, groups, req)
            ours = any(matches(s, user, groups) for s in subjects)
            pairs += 1
            allowed_count += truth
            if truth != ours:
                disagreements.append(f"{label} {req}: API server {truth}, palisade who-can {ours}")
    for label, user, groups in people:
        own = [f"--as-group={g}" for g in groups if label.startswith("user:") and g != "system:authenticated"]
        out = subprocess.run([args.palisade, "can", label, *own, *offline, "--format", "json"], check=True, capture_output=True, text=True)
        answer = json.loads(out.stdout)
        for req in reqs:
            truth = api.allowed(user, groups, req)
            ours = answer["superuser"] or can_allows(answer["grants"], req)
            pairs += 1
            if truth != ours:
                disagreements.append(f"{label} {req}: API server {truth}, palisade can {ours}")
    print(f"RBAC differential: {pairs} (subject, request) pairs asked of who-can and can, "
          f"{allowed_count} of the who-can ones allowed by the API server, {len(disagreements)} disagreements")
    for line in disagreements[:40]:
        print("  " + line)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
