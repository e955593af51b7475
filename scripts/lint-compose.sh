#!/usr/bin/env bash
# Checks docker/compose.yaml without a Docker engine (`docker compose config` needs one): yamllint on it and on
# docker/otel-collector.yaml, then tools/lint-compose.mjs (Compose Specification JSON schema with Ajv, and the
# references the schema cannot check). yamllint comes from Debian; Ajv, yaml and the schema from npm (pinned in
# tools/package-lock.json, installed by scripts/ensure-tools.sh). The schema is the upstream compose-spec.json that
# dclint ships (schemas/compose.schema.json); dclint itself is not run: its style rules (key order, alphabetical
# services) are not this repository's.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/ensure-packages.sh" yamllint
"$root/scripts/ensure-tools.sh" >/dev/null

cd "$root"
yamllint --strict -c docker/.yamllint docker/compose.yaml docker/otel-collector.yaml
echo "docker/compose.yaml, docker/otel-collector.yaml: yamllint clean"
node tools/lint-compose.mjs tools docker/compose.yaml
