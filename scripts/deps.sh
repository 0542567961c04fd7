#!/usr/bin/env bash
# Installs the Debian packages the build needs, or says exactly how to.
# Usage: scripts/deps.sh [build|fuzz]
set -eu
pkgs="gcc make cmake pkg-config libcmocka-dev liblmdb-dev libseccomp-dev libsodium-dev"
case "${1:-build}" in
    fuzz) pkgs="$pkgs clang libclang-rt-dev" ;;
esac
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "openddk: missing Debian packages:$missing" >&2
    echo "openddk: run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
echo "openddk: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing; then
    apt-get update
    apt-get install -y --no-install-recommends $missing
fi
