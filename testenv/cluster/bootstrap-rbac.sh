#!/usr/bin/env bash
# Writes crates/palisade-rbac/data/bootstrap-rbac.json: the RBAC objects a fresh API server of
# the test cluster's version creates for itself (label kubernetes.io/bootstrapping=rbac-defaults),
# reduced to what identifies them (kind, namespace, name), the labels role aggregation selects
# on, and their content (rules or aggregationRule; roleRef and subjects). Palisade recognises
# Kubernetes' own defaults by this content, so that a look-alike is still reported, and answers
# who-can offline as a fresh cluster would.
#
# Usage: testenv/cluster/bootstrap-rbac.sh   (starts and stops a test cluster)
set -euo pipefail
cd "$(dirname "$0")/../.."
state=$(mktemp -d)
trap 'testenv/cluster/down.sh --purge "$state" >/dev/null 2>&1 || true' EXIT
testenv/cluster/ensure.sh >/dev/null
testenv/cluster/up.sh "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
"$KUBECTL" get clusterroles,clusterrolebindings,roles,rolebindings -A \
  -l kubernetes.io/bootstrapping=rbac-defaults -o json \
  | python3 -c '
import json, sys
version = sys.argv[1]
out = []
for o in json.load(sys.stdin)["items"]:
    m = o["metadata"]
    entry = {"kind": o["kind"], "name": m["name"]}
    if m.get("namespace"):
        entry["namespace"] = m["namespace"]
    labels = {k: v for k, v in (m.get("labels") or {}).items() if k.startswith("rbac.authorization.k8s.io/aggregate-to-")}
    if labels:
        entry["labels"] = labels
    for key in ("aggregationRule", "rules", "roleRef", "subjects"):
        if key in o and not (key == "rules" and "aggregationRule" in o):
            entry[key] = o[key]
    out.append(entry)
out.sort(key=lambda e: (e["kind"], e.get("namespace", ""), e["name"]))
print(json.dumps({"kubernetesVersion": version, "objects": out}, indent=1, sort_keys=True))
' "$KUBE_VERSION" > crates/palisade-rbac/data/bootstrap-rbac.json
count=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["objects"]))' crates/palisade-rbac/data/bootstrap-rbac.json)
echo "wrote crates/palisade-rbac/data/bootstrap-rbac.json ($count objects, Kubernetes $KUBE_VERSION)"
