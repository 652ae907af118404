#!/usr/bin/env bash
# apt-install.sh FILE PACKAGE... installs Debian packages unless FILE already
# exists. Tests use Debian's chromium and postgresql as real external servers;
# they are system packages, so this needs root (CI runs as root).
set -euo pipefail
file=$1; shift
if [ -e "$file" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "$file is missing: run 'sudo apt-get install -y $*' (Debian/Ubuntu), then retry" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "$@"; then
  apt-get update
  apt-get install -y --no-install-recommends "$@"
fi
test -e "$file"
