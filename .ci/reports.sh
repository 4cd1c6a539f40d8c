#!/usr/bin/env bash
# The reports end to end, as a user gets them: one scan writes every format; the SARIF goes
# through Microsoft's SARIF Multitool validator, the JUnit XML through its schema, and the HTML
# report is opened in headless Chromium for the examples and for 50,000 generated findings
# (render time measured, DOM asserted, screenshots in target/report-screenshots/).
#
# Installs what is missing: Debian's chromium and libxml2-utils (CI runs as root on a fresh
# machine), and npm packages into target/ (never committed). Set PALISADE_DOCS_SCREENSHOT=path
# to also write the README's screenshot of the example report.
set -euo pipefail
cd "$(dirname "$0")/.."

root="$PWD"
out="$root/target/reports"
shots="$root/target/report-screenshots"
node_dir="$root/target/ci-node"
export npm_config_cache="$root/target/npm-cache"
export npm_config_update_notifier=false
rm -rf "$out"
mkdir -p "$out" "$shots" "$node_dir"

echo "== reports: tools"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v node >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
chromium --version
# playwright-core drives the system Chromium (it downloads no browser of its own).
if [ ! -d "$node_dir/node_modules/playwright-core" ]; then
  npm install --prefix "$node_dir" --no-audit --no-fund --silent playwright-core@1.64.1
fi

echo "== reports: release build"
cargo build --release --locked -p palisade
bin="${CARGO_TARGET_DIR:-$root/target}/release/palisade"

# Runs a scan that is expected to find something (exit 1); any other exit fails the script.
scan_expecting_findings() {
  set +e
  "$bin" scan "$@"
  local code=$?
  set -e
  if [ "$code" -ne 1 ]; then
    echo "expected exit 1 from palisade scan $*, got $code" >&2
    exit 1
  fi
}

echo "== reports: every format from one scan of examples/"
formats="text,json=$out/examples.json,sarif=$out/examples.sarif,junit=$out/examples.junit.xml"
formats="$formats,github=$out/examples.github.txt,markdown=$out/examples.md,html=$out/examples.html"
scan_expecting_findings examples/ --format "$formats" > "$out/examples.txt"
for file in examples.txt examples.json examples.sarif examples.junit.xml examples.github.txt examples.md examples.html; do
  if [ ! -s "$out/$file" ]; then
    echo "the scan wrote no $file" >&2
    exit 1
  fi
done
tail -n 1 "$out/examples.txt"

echo "== reports: SARIF Multitool validation"
# The validator exits 0 even when it reports errors, so its own SARIF output is read back:
# any error fails the build; warnings are printed. (By default it reports errors and warnings;
# its notes, such as "consider message arguments instead of text", are style advice.)
# (A .NET program: invariant globalization spares it a dependency on the system's ICU.)
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 npx --yes @microsoft/sarif-multitool@5.7.0 validate "$out/examples.sarif" \
  --output "$out/examples.sarif-validation.sarif" --log ForceOverwrite
node -e '
  const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const results = log.runs.flatMap((run) => run.results || []);
  const errors = results.filter((r) => (r.level || "warning") === "error");
  for (const r of results) console.log(`  ${r.level || "warning"} ${r.ruleId}: ${r.message && r.message.text}`);
  if (errors.length > 0) { console.error(`SARIF Multitool: ${errors.length} error(s)`); process.exit(1); }
  console.log(`SARIF Multitool: valid (${results.length} warning(s) or note(s))`);
' "$out/examples.sarif-validation.sarif"

echo "== reports: JUnit schema"
xmllint --noout --schema crates/palisade-report/tests/schemas/junit-10.xsd "$out/examples.junit.xml"

echo "== reports: waived findings"
# One object whose findings an annotation waives, one whose findings stand, one without a
# namespace.
mkdir -p "$out/waived"
cat > "$out/waived/app.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: legacy-agent
  namespace: ops
  annotations:
    palisade.dev/ignore: "all"
    palisade.dev/ignore-reason: "node agent, reviewed by the platform team"
spec:
  containers:
  - name: agent
    image: registry.example.com/agent:1.0
    securityContext:
      privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ops
spec:
  containers:
  - name: web
    image: nginx:latest
---
# No namespace: the report must say "namespace not set", not call a Pod cluster-scoped.
apiVersion: v1
kind: Pod
metadata:
  name: unplaced
spec:
  containers:
  - name: app
    image: nginx:1.27
YAML
scan_expecting_findings "$out/waived" --format "json=$out/waived.json,html=$out/waived.html,sarif=$out/waived.sarif" > /dev/null

echo "== reports: 50,000 generated findings"
# Copies of the insecure example, each in its own namespace, until there are 50,000 findings:
# one and two copies are scanned first to learn how many findings a copy adds.
generate() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, from, to] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    const sources = fs.readdirSync("examples/insecure").filter((f) => /\.ya?ml$/.test(f))
      .map((f) => [f, fs.readFileSync(path.join("examples/insecure", f), "utf8")]);
    for (let i = from; i < to; i++) {
      const team = `team-${String(i).padStart(4, "0")}`;
      fs.mkdirSync(path.join(dir, team), { recursive: true });
      for (const [name, text] of sources) {
        const renamed = text.replace(/^(\s*namespace:\s*)shop\s*$/gm, `$1${team}`)
          .replace(/^(\s*name:\s*)shop\s*$/gm, `$1${team}`);
        fs.writeFileSync(path.join(dir, team, name), renamed);
      }
    }
  ' "$out/large" "$1" "$2"
}
count_findings() {
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).summary.findings)' "$1"
}
generate 0 2
scan_expecting_findings "$out/large/team-0000" --format "json=$out/one-copy.json" > /dev/null
scan_expecting_findings "$out/large" --format "json=$out/two-copies.json" > /dev/null
first=$(count_findings "$out/one-copy.json")
# Cluster-scoped objects repeat across copies, so a further copy adds fewer than the first.
per_copy=$(( $(count_findings "$out/two-copies.json") - first ))
copies=$(( 1 + (50000 - first + per_copy - 1) / per_copy ))
start=$(date +%s%N)
generate 2 "$copies"
echo "generated $copies copies ($per_copy findings each) in $(( ($(date +%s%N) - start) / 1000000 )) ms"
start=$(date +%s%N)
scan_expecting_findings "$out/large" --format "html=$out/large.html,json=$out/large.json" > /dev/null
echo "scanned $copies copies in $(( ($(date +%s%N) - start) / 1000000 )) ms"
large_findings=$(count_findings "$out/large.json")
if [ "$large_findings" -lt 50000 ]; then
  echo "the generated input has only $large_findings findings" >&2
  exit 1
fi
echo "large report: $large_findings findings, $(( $(stat -c %s "$out/large.html") / 1024 )) KiB of HTML"

echo "== reports: HTML in headless Chromium"
export NODE_PATH="$node_dir/node_modules"
node .ci/report-browser.cjs "$out/examples.html" "$out/examples.json" examples "$shots" "${PALISADE_DOCS_SCREENSHOT:-}"
node .ci/report-browser.cjs "$out/waived.html" "$out/waived.json" waived "$shots" ""
node .ci/report-browser.cjs "$out/large.html" "$out/large.json" large "$shots" ""
echo "screenshots: $(ls "$shots" | tr '\n' ' ')"
