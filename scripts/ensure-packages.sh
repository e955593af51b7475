#!/usr/bin/env bash
# Installs what `make run` and `make test` need from Debian packages when it is missing:
# PostgreSQL (server binaries), Redis and OpenSSL. Nothing is started here.
# With arguments, installs those packages instead, each checked by the command of the same name
# (`scripts/ensure-packages.sh yamllint` for `make lint-compose`).
set -euo pipefail

need=()
if [ $# -gt 0 ]; then
  for package in "$@"; do
    if ! command -v "$package" >/dev/null 2>&1; then need+=("$package"); fi
  done
else
  if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then need+=(postgresql); fi
  if ! command -v redis-server >/dev/null 2>&1; then need+=(redis-server); fi
  if ! command -v openssl >/dev/null 2>&1; then need+=(openssl); fi
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing packages: ${need[*]}. Install them as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

echo "Installing ${need[*]} from Debian packages..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The packages' own services are not used: this project runs the servers as plain local processes.
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
