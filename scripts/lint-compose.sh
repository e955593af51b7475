#!/usr/bin/env bash
# Checks docker/compose.yaml without a Docker engine (`docker compose config` needs one): yamllint on it and on
# docker/otel-collector.yaml, then scripts/lint-compose.mjs (Compose Specification JSON schema with Ajv, and the
# references the schema cannot check). yamllint comes from Debian; Ajv, yaml and the schema from npm, installed
# once under .local/tools/compose-lint/ (git-ignored) at pinned versions. The schema is the upstream
# compose-spec.json that dclint ships (schemas/compose.schema.json); dclint itself is not run: its style rules
# (key order, alphabetical services) are not this repository's.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# A prefix of its own: npm prunes what a prefix's package.json does not list, so tools do not share one.
tools="$root/.local/tools/compose-lint"
packages=(ajv@8.20.0 yaml@2.9.1 dclint@3.1.0)

"$root/scripts/ensure-packages.sh" yamllint

installed() {
  local spec name version
  for spec in "${packages[@]}"; do
    name="${spec%@*}"; version="${spec##*@}"
    [ "$(node -p "require('$tools/node_modules/$name/package.json').version" 2>/dev/null)" = "$version" ] || return 1
  done
}
if ! installed; then
  echo "Installing ${packages[*]} under .local/tools/compose-lint/..." >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "${packages[@]}" >/dev/null
fi

cd "$root"
yamllint --strict -c docker/.yamllint docker/compose.yaml docker/otel-collector.yaml
echo "docker/compose.yaml, docker/otel-collector.yaml: yamllint clean"
node scripts/lint-compose.mjs "$tools" docker/compose.yaml
