#!/usr/bin/env bash
# Lints docker/Dockerfile with dockerfilelint (npm, pinned in tools/package-lock.json and installed by
# scripts/ensure-tools.sh) and exits non-zero on any finding. Every rule is on; one that is wrong for this Dockerfile
# goes off in docker/.dockerfilelintrc (dockerfilelint reads it beside the file), with a comment saying why.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/ensure-tools.sh" >/dev/null
bin="$root/tools/node_modules/.bin/dockerfilelint"
dockerfile="$root/docker/Dockerfile"

# dockerfilelint lints its argument as Dockerfile text when no such file exists: make sure it is a file.
if [ ! -f "$dockerfile" ]; then
  echo "no such file: $dockerfile" >&2
  exit 1
fi

# Its exit status is the number of findings, which wraps to 0 at 256: check the report's verdict as well.
status=0
report="$("$bin" "$dockerfile")" || status=$?
echo "$report"
if [ "$status" -ne 0 ] || ! grep -q 'Issues: None found' <<<"$report"; then
  echo "dockerfilelint: findings in docker/Dockerfile" >&2
  exit 1
fi
