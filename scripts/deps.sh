#!/usr/bin/env bash
# Installs the Debian packages the build needs, or says exactly how to.
#
# Usage: scripts/deps.sh [build|fuzz|all]
#   build  compiler, build tools and libraries (make, make check)
#   fuzz   build + clang and its libFuzzer/sanitizer runtimes (make fuzz)
#
# On Debian 12 (bookworm) as root it runs apt-get; otherwise it prints the
# exact command and fails, so `make` stops with the answer instead of a
# CMake error. On a system without dpkg it only warns: CMake's own checks
# then say what is missing.
set -eu

build_pkgs="gcc make cmake pkg-config libcmocka-dev liblmdb-dev libseccomp-dev libsodium-dev"
# libclang-rt-dev is bookworm's name for the default clang's runtimes
# (libclang-rt-14-dev: libFuzzer, ASan, UBSan for clang 14).
fuzz_pkgs="clang libclang-rt-dev"

case "${1:-build}" in
    build) pkgs="$build_pkgs" ;;
    fuzz|all) pkgs="$build_pkgs $fuzz_pkgs" ;;
    *) echo "usage: $0 [build|fuzz|all]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "openddk: not a Debian system; make sure these (or your system's equivalents) are installed: $pkgs" >&2
    exit 0
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "openddk: missing Debian packages:$missing" >&2
    echo "openddk: run: sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "openddk: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet: update once if the first try fails.
if ! $cmd; then
    apt-get update
    $cmd
fi
