#!/usr/bin/env bash
# Lints docker/Dockerfile with dockerfilelint (npm), installed once under .local/tools/dockerfilelint/ (git-ignored)
# at a pinned version, and exits non-zero on any finding. Every rule is on; one that is wrong for this Dockerfile goes
# off in docker/.dockerfilelintrc (dockerfilelint reads it beside the file), with a comment saying why.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version=1.8.0
# A prefix of its own: npm prunes what a prefix's package.json does not list, so tools do not share one.
tools="$root/.local/tools/dockerfilelint"
bin="$tools/node_modules/.bin/dockerfilelint"
dockerfile="$root/docker/Dockerfile"

installed() {
  [ -x "$bin" ] && [ "$(node -p "require('$tools/node_modules/dockerfilelint/package.json').version" 2>/dev/null)" = "$version" ]
}
if ! installed; then
  echo "Installing dockerfilelint $version under .local/tools/dockerfilelint/..." >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "dockerfilelint@$version" >/dev/null
fi

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
