#!/usr/bin/env python3
"""Compares `palisade scan` and `palisade audit` JSON reports of the same manifests.

Usage: compare.py SCAN.json AUDIT.json EXISTING.txt MANIFESTS.txt

EXISTING.txt lists the objects the server has, MANIFESTS.txt those the scanned manifests hold,
one `Kind namespace name` per line (`-` for no namespace). Every scan finding on an object the
server accepted must be in the audit, the same rule on the same object; every audit finding on
an object of the manifests must be in the scan (objects only a live cluster has, such as the
`default` ServiceAccount the controller makes, are not compared, and neither are a binding's
findings about a role only the cluster has, such as the `cluster-admin` the API server makes).
The JSON pointers must agree, or one must lie under the other: the server fills in defaults
(`resources: {}`, the `kubernetes.io/metadata.name` label), so a finding about a missing field
points one level deeper in the live object than in the manifest. Prints each difference and
exits 1 when there is one.
"""
import json
import re
import sys


def key(finding):
    obj = finding["object"]
    return (finding["code"], obj["kind"], obj.get("namespace", "-"), obj["name"], finding["pointer"])


def same(a, b):
    """The same finding, its pointer equal or one under the other."""
    if a[:4] != b[:4]:
        return False
    short, long = sorted((a[4], b[4]), key=len)
    return long == short or long.startswith(short + "/")


def main():
    scan_path, audit_path, existing_path, manifests_path = sys.argv[1:]
    with open(scan_path) as f:
        scan = json.load(f)
    with open(audit_path) as f:
        audit = json.load(f)
    with open(existing_path) as f:
        existing = {tuple(line.split()) for line in f if line.strip()}
    with open(manifests_path) as f:
        manifests = {tuple(line.split()) for line in f if line.strip()}
    scanned = {key(f) for f in scan["findings"] if key(f)[1:4] in existing}
    audited = {key(f) for f in audit["findings"]}
    missing = sorted(k for k in scanned if not any(same(k, a) for a in audited))
    live_roles = {(kind, name) for kind, _, name in existing - manifests if kind in ("Role", "ClusterRole")}

    def about_a_live_role(finding):
        named = re.search(r'\b(ClusterRole|Role) "([^"]+)"', finding["message"])
        return finding["pointer"] == "/roleRef/name" and named is not None and named.groups() in live_roles

    exempt = {key(f) for f in audit["findings"] if about_a_live_role(f)}
    live_only = sorted(k for k in audited - exempt if k[1:4] in manifests and not any(same(k, s) for s in scanned))
    for k in missing:
        print("in scan, not in audit:", *k)
    for k in live_only:
        print("in audit, not in scan:", *k)
    print(f"{len(scanned)} scan findings on {len(existing)} live objects; "
          f"{len(missing)} missing from the audit, {len(live_only)} only in the audit")
    return 1 if missing or live_only else 0


if __name__ == "__main__":
    sys.exit(main())
