#!/usr/bin/env bash
# Runs every libFuzzer target of a DDK_FUZZ build for SECONDS each, on a
# working copy of its seed corpus (the repository's corpus is not written).
# Crashes land in BUILD/artifacts/; add each as fuzz/corpus/<t>/regression_*.
# Usage: scripts/fuzz.sh BUILD SECONDS
set -eu
build=${1:?usage: fuzz.sh BUILD SECONDS}
secs=${2:-300}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/artifacts"
status=0
for t in "$build"/bin/fuzz_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    corpus=${name#fuzz_}
    work="$build/corpus/$corpus"
    mkdir -p "$work"
    cp -n "$src/fuzz/corpus/$corpus"/* "$work"/ 2>/dev/null || true
    echo "fuzz: $name for ${secs}s"
    "$t" -max_total_time="$secs" -artifact_prefix="$build/artifacts/$name-" \
         -max_len=65536 "$work" || status=1
done
exit $status
