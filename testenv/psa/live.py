#!/usr/bin/env python3
"""Live parity: the Pod Security admission plugin of a real API server, `palisade scan` and
`palisade serve` judge every upstream PSS fixture pod, and must agree.

Run by live.sh, which starts the test cluster and `palisade serve` and sets the environment:
API_URL, CA_FILE, ADMIN_CERT, ADMIN_KEY (the cluster), KUBECTL, PALISADE_BIN, SERVE_URL
(palisade serve, trusting CA_FILE), FIXTURES (the upstream testdata directory).

For each level (baseline, restricted) and policy version (v1.0 ... v1.37) it labels a namespace
`pod-security.kubernetes.io/enforce=<level>` and `enforce-version=<version>`, and then for
each fixture pod filed under that level and version:
- the API server: a server-side dry-run create in that namespace (admitted, or denied by
  PodSecurity);
- palisade scan: the fixture's directory scanned at that level and version (denied when a
  Pod Security Standards finding is reported for the file);
- palisade serve: an AdmissionReview for the same pod with the namespace's labels (denied when
  the answer is not allowed; only the pod-security rules enforce).
Prints the counts; exits 1 on any disagreement, listing the first ones.
"""

import http.client
import json
import os
import ssl
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

LEVELS = ("baseline", "restricted")


def connection(url, context):
    parsed = urlparse(url)
    return http.client.HTTPSConnection(parsed.hostname, parsed.port, context=context, timeout=30)


def request(conn_factory, state, method, path, body):
    """One request on a kept-alive connection, reconnecting once if it dropped."""
    for attempt in (0, 1):
        try:
            if state.get("conn") is None:
                state["conn"] = conn_factory()
            conn = state["conn"]
            conn.request(method, path, body=json.dumps(body), headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        except (http.client.HTTPException, OSError):
            state["conn"] = None
            if attempt:
                raise
    raise RuntimeError("unreachable")


def fixtures_as_json(kubectl, directory):
    """The pods of one directory as JSON, converted by kubectl (no YAML library needed)."""
    out = subprocess.run(
        [kubectl, "create", "--dry-run=client", "-o", "json", "-f", str(directory)],
        check=True, capture_output=True, text=True,
    ).stdout
    # One JSON object per file, one after another.
    decoder, items, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(out) and out[at].isspace():
            at += 1
        if at == len(out):
            break
        value, at = decoder.raw_decode(out, at)
        items.extend(value["items"] if value.get("kind") == "List" else [value])
    return {item["metadata"]["name"]: item for item in items}


def scan_denied(binary, directory, level, version):
    """Names of the fixture files palisade scan reports a PSS finding for."""
    result = subprocess.run(
        [binary, "scan", "--no-config", "--format", "json", "--pss-level", level,
         "--pss-version", version, str(directory)],
        capture_output=True, text=True,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"palisade scan {directory} failed: {result.stderr or result.stdout}")
    report = json.loads(result.stdout)
    return {Path(f["file"]).stem for f in report["findings"] if f["code"].startswith("PSS")}


def namespace_for(api_conn, api, level, version, created):
    """The namespace labelled for a level and version, created on first use."""
    namespace = f"pss-{level}-{version.replace('.', '-')}"
    if namespace not in created:
        labels = {
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/enforce-version": version,
        }
        status, body = request(api_conn, api, "POST", "/api/v1/namespaces",
                               {"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": namespace, "labels": labels}})
        if status not in (201, 409):
            raise RuntimeError(f"creating {namespace}: {status} {body}")
        created[namespace] = labels
    return namespace, created[namespace]


def api_verdict(api_conn, api, namespace, pod):
    """A server-side dry-run create: ("admit" | "deny" | None, status, message). None when the
    API server refused it for anything but PodSecurity (422: validation runs first)."""
    status, body = request(api_conn, api, "POST", f"/api/v1/namespaces/{namespace}/pods?dryRun=All", pod)
    message = body.get("message", "")
    if status == 201:
        return "admit", status, message
    if status == 403 and "PodSecurity" in message:
        return "deny", status, message
    return None, status, message


def serve_verdict(serve_conn, serve, uid, namespace, labels, pod):
    """palisade serve's answer to the AdmissionReview the API server would send for the pod,
    with the namespace's labels; None when it answered with an HTTP error."""
    review = {
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": namespace, "name": pod["metadata"]["name"], "operation": "CREATE",
            "userInfo": {"username": "parity"}, "object": pod,
            "namespaceObject": {"metadata": {"name": namespace, "labels": labels}},
        },
    }
    status, answer = request(serve_conn, serve, "POST", "/validate", review)
    if status != 200:
        return None
    return "admit" if answer["response"]["allowed"] else "deny"


def judge_generated(env, api_conn, api_state, serve_conn, serve, disagreements):
    """Generated pods (GENERATED: the oracle's judged JSONL): the API server's verdict must be
    upstream's library's, and palisade serve's too."""
    counts = {"generated": 0, "generated_agree": 0, "generated_invalid": 0}
    created = {}
    path = env.get("GENERATED")
    if not path:
        return counts
    with open(path, encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            record = json.loads(line)
            pod, level, version = record["pod"], record["level"], record["version"]
            namespace, labels = namespace_for(api_conn, api_state, level, version, created)
            pod["metadata"] = dict(pod.get("metadata") or {}, namespace=namespace, name=f"generated-{index}")
            counts["generated"] += 1
            api, _, _ = api_verdict(api_conn, api_state, namespace, pod)
            if api is None:
                # Invalid for the API (validation runs before PodSecurity) or not decodable.
                counts["generated_invalid"] += 1
                continue
            upstream = "admit" if record["allowed"] else "deny"
            serve_answer = serve_verdict(serve_conn, serve, f"generated-{index}", namespace, labels, pod) or "deny"
            verdicts = {"api": api, "upstream library": upstream, "serve": serve_answer}
            if len(set(verdicts.values())) == 1:
                counts["generated_agree"] += 1
            else:
                disagreements.append((f"generated record {index} ({level} {version})", verdicts))
    return counts


def main():
    env = os.environ
    fixtures = Path(env["FIXTURES"])
    cluster = ssl.create_default_context(cafile=env["CA_FILE"])
    cluster.load_cert_chain(env["ADMIN_CERT"], env["ADMIN_KEY"])
    webhook = ssl.create_default_context(cafile=env["CA_FILE"])
    api, serve = {}, {}
    api_conn = lambda: connection(env["API_URL"], cluster)
    serve_conn = lambda: connection(env["SERVE_URL"], webhook)

    counts = {"fixtures": 0, "api_denied": 0, "api_admitted": 0, "api_invalid": 0, "agree": 0}
    disagreements, invalid = [], []
    created = {}
    for level in LEVELS:
        versions = sorted((p.name for p in (fixtures / level).iterdir()), key=lambda v: int(v.split(".")[1]))
        for version in versions:
            namespace, labels = namespace_for(api_conn, api, level, version, created)
            for outcome in ("pass", "fail"):
                directory = fixtures / level / version / outcome
                if not directory.is_dir():
                    continue
                pods = fixtures_as_json(env["KUBECTL"], directory)
                scanned = scan_denied(env["PALISADE_BIN"], directory, level, version)
                for name, pod in sorted(pods.items()):
                    pod["metadata"]["namespace"] = namespace
                    # Fixture names use `_`, which object names may not.
                    pod["metadata"]["name"] = name.replace("_", "-")
                    where = f"{level}/{version}/{outcome}/{name}"
                    api_answer, status, message = api_verdict(api_conn, api, namespace, pod)
                    if api_answer is None and status == 422:
                        # Rejected by validation before admission: PodSecurity never saw it.
                        counts["api_invalid"] += 1
                        invalid.append(f"{where}: {message[:200]}")
                    elif api_answer is None:
                        raise RuntimeError(f"{where}: {status} {message}")
                    serve_answer = serve_verdict(serve_conn, serve, f"{namespace}-{name}", namespace, labels, pod)
                    if serve_answer is None:
                        raise RuntimeError(f"{where}: palisade serve answered with an HTTP error")
                    scan_verdict = "deny" if name in scanned else "admit"
                    expected = "admit" if outcome == "pass" else "deny"
                    counts["fixtures"] += 1
                    verdicts = {"expected": expected, "scan": scan_verdict, "serve": serve_answer}
                    if api_answer is not None:
                        counts["api_denied" if api_answer == "deny" else "api_admitted"] += 1
                        verdicts["api"] = api_answer
                    if len(set(verdicts.values())) == 1:
                        counts["agree"] += 1
                    else:
                        disagreements.append((where, verdicts))
    generated_counts = judge_generated(env, api_conn, api, serve_conn, serve, disagreements)
    counts.update(generated_counts)
    print(json.dumps(counts))
    for line in invalid[:10]:
        print(f"INVALID (rejected by API validation, compared with the expected outcome only) {line}")
    for where, verdicts in disagreements[:20]:
        print(f"DISAGREE {where}: {verdicts}")
    if disagreements:
        print(f"{len(disagreements)} disagreements", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
