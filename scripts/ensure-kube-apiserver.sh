#!/usr/bin/env bash
# Makes a real kube-apiserver (and etcd) available to the end-to-end tests, offline: no binary is packaged for
# Debian, so it is built from Debian's `kubernetes` source package (bookworm: 1.20.5+really1.20.2, vendored
# modules) the way its debian/rules does. The binary is cached under .local/kube/bin, so only the first run
# pays for the build (about 4 minutes on 2 cores). kubectl is the one on PATH, else it is built the same way.
#
# Prints nothing on success but the paths, as shell assignments:
#   KUBE_APISERVER=…  KUBECTL=…  ETCD=…
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
kube_dir="$root/.local/kube"
bin_dir="$kube_dir/bin"
src_parent="$kube_dir/src"
mkdir -p "$bin_dir" "$src_parent"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="missing"; fi
fi
as_root() {
  if [ "$sudo" = "missing" ]; then
    echo "Need root to run: $*. Run it as root, or install sudo." >&2
    exit 1
  fi
  $sudo "$@"
}

# etcd-server gives etcd; golang-go, rsync and dpkg-dev are only needed to build.
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
needs_build=false
[ -x "$bin_dir/kube-apiserver" ] || needs_build=true
if ! command -v kubectl >/dev/null 2>&1 && [ ! -x "$bin_dir/kubectl" ]; then needs_build=true; fi
if $needs_build; then
  command -v go >/dev/null 2>&1 || need+=(golang-go)
  command -v rsync >/dev/null 2>&1 || need+=(rsync)
  command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian packages..." >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

source_tree() {
  local tree
  tree=$(find "$src_parent" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | sort | tail -n 1)
  if [ -n "$tree" ] && [ -f "$tree/debian/rules" ]; then echo "$tree"; return; fi

  # apt-get source needs a deb-src entry; add one for bookworm main beside the existing sources.
  if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    local mirror
    mirror=$(grep -rhs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -m1 '/debian/\?$' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    echo "Adding a deb-src entry for bookworm main ($mirror) to fetch the kubernetes source package..." >&2
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" | as_root tee /etc/apt/sources.list.d/authz-webhook-deb-src.sources >/dev/null
    as_root apt-get update -qq
  fi
  echo "Fetching Debian's kubernetes source package..." >&2
  (cd "$src_parent" && apt-get source -qq kubernetes >/dev/null 2>&1) \
    || { echo "apt-get source kubernetes failed; check the deb-src entry in /etc/apt/sources.list.d/." >&2; exit 1; }
  tree=$(find "$src_parent" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | sort | tail -n 1)
  [ -n "$tree" ] || { echo "apt-get source kubernetes produced no source tree under $src_parent" >&2; exit 1; }
  echo "$tree"
}

build() {
  local what=$1 tree
  tree=$(source_tree)
  echo "Building $what from $(basename "$tree") (first run only; about 4 minutes on 2 cores)..." >&2
  # As debian/rules does: a GOPATH whose k8s.io/kubernetes is the tree itself (a plain go build -mod=vendor
  # refuses with "updates to go.mod needed").
  mkdir -p "$tree/.go/src/k8s.io"
  [ -e "$tree/.go/src/k8s.io/kubernetes" ] || ln -s ../../.. "$tree/.go/src/k8s.io/kubernetes"
  (cd "$tree/.go/src/k8s.io/kubernetes" && GOPATH="$tree/.go" CGO_ENABLED=0 \
    make WHAT="cmd/$what" >"$kube_dir/build-$what.log" 2>&1) \
    || { echo "Building $what failed; see $kube_dir/build-$what.log" >&2; tail -n 20 "$kube_dir/build-$what.log" >&2; exit 1; }
  cp "$tree/_output/bin/$what" "$bin_dir/$what.tmp"
  mv "$bin_dir/$what.tmp" "$bin_dir/$what"
}

[ -x "$bin_dir/kube-apiserver" ] || build kube-apiserver

kubectl_path=$(command -v kubectl || true)
if [ -z "$kubectl_path" ]; then
  [ -x "$bin_dir/kubectl" ] || build kubectl
  kubectl_path="$bin_dir/kubectl"
fi

echo "KUBE_APISERVER=$bin_dir/kube-apiserver"
echo "KUBECTL=$kubectl_path"
echo "ETCD=$(command -v etcd)"
