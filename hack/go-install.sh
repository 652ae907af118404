#!/usr/bin/env bash
# go-install.sh NAME PACKAGE VERSION installs a Go command at a pinned version into
# bin/NAME. Builds are kept in a per-user cache outside the work tree, so a fresh
# clone on the same machine (CI) gets the binary in seconds.
set -euo pipefail
name=$1 pkg=$2 version=$3
root=$(cd "$(dirname "$0")/.." && pwd)
stamp="$name-$version-$(go env GOOS)-$(go env GOARCH)"
cache="${S3AM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3am}/$stamp"
out="$root/bin/$name"
if [ -x "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi
mkdir -p "$root/bin"
if [ ! -x "$cache/$name" ]; then
  echo "building $name $version"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  CGO_ENABLED=0 GOBIN="$tmp" go install -trimpath "$pkg@$version"
  mkdir -p "$cache"
  cp "$tmp/$(basename "$pkg")" "$cache/$name"
fi
cp "$cache/$name" "$out"
echo "$stamp" > "$out.stamp"
