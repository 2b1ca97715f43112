#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (make fuzz). Each starts from the
# seed corpus (fuzz/corpus/T, copied: what it finds stays in the build folder)
# with its dictionary, and prints executions per second and the coverage
# reached. A crash stops the run; its input is written to fuzz/regress/T/,
# where `make test` will replay it from then on.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    t=${bin##*/fuzz_}
    work="$build/fuzz-corpus/$t"
    mkdir -p "$work" "$root/fuzz/regress/$t"
    cp -n "$root/fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
    dict=()
    [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
    echo "== fuzz_$t for ${seconds}s"
    if ! "$bin" "${dict[@]}" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$root/fuzz/regress/$t/" "$work" >"$build/fuzz-$t.log" 2>&1; then
        echo "!! fuzz_$t found a crash: see $build/fuzz-$t.log and fuzz/regress/$t/"
        status=1
    fi
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|cov:" \
        "$build/fuzz-$t.log" | tail -n 4
done
exit $status
