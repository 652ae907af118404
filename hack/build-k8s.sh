#!/usr/bin/env bash
# build-k8s.sh builds the control-plane binaries the tests run on (kube-apiserver,
# etcd, kubectl) from the Go module proxy into bin/k8s. setup-envtest cannot
# download here, so we compile them ourselves from the pinned tool modules.
#
# The first build takes 10-15 minutes on 2 cores. Results are kept in a per-user
# cache outside the work tree, so a fresh clone on the same machine (CI) copies
# them in seconds instead of compiling again.
set -euo pipefail

K8S_VERSION=v1.37.0
ETCD_VERSION=v3.6.5
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bin/k8s"
stamp="k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}-$(go env GOOS)-$(go env GOARCH)"
cache="${S3AM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3am}/$stamp"

have() { [ -x "$1/kube-apiserver" ] && [ -x "$1/etcd" ] && [ -x "$1/kubectl" ] && [ "$(cat "$1/.stamp" 2>/dev/null)" = "$stamp" ]; }

if have "$out"; then exit 0; fi
mkdir -p "$out"
if have "$cache"; then
  cp "$cache/kube-apiserver" "$cache/etcd" "$cache/kubectl" "$cache/.stamp" "$out/"
  echo "control plane $stamp copied from cache"
  exit 0
fi

echo "building control plane $stamp (first time: 10-15 minutes on 2 cores)"
export CGO_ENABLED=0
ldk8s="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/client-go/pkg/version.gitVersion=${K8S_VERSION}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/hack/tools/kubernetes" && go build -trimpath -ldflags "$ldk8s" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
(cd "$root/hack/tools/kubernetes" && go build -trimpath -ldflags "$ldk8s" -o "$tmp/kubectl" k8s.io/kubernetes/cmd/kubectl)
(cd "$root/hack/tools/etcd" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
echo "$stamp" > "$tmp/.stamp"
mkdir -p "$cache"
cp "$tmp/kube-apiserver" "$tmp/etcd" "$tmp/kubectl" "$tmp/.stamp" "$cache/"
cp "$tmp/kube-apiserver" "$tmp/etcd" "$tmp/kubectl" "$tmp/.stamp" "$out/"
echo "control plane ready in $out"
