#!/usr/bin/env bash
# Runs the core unit tests under valgrind's memcheck, in a build without
# sanitizers (valgrind and ASan cannot share a process). It finds what ASan
# does not: reads of uninitialised memory, and leaks in code paths whose
# allocator ASan replaces. Prints one line per test program and a closing
# "N passed, N failed" (N = test programs).
#
# Usage: tests/valgrind.sh [BUILD_DIR]   (default: build-valgrind, made here)
#
# A program fails on any memcheck error, including a definite leak
# (--errors-for-leak-kinds=definite: "still reachable" memory of libraries
# that keep state until exit is not an error). No suppressions file is
# needed today: if one ever is, it goes in tests/valgrind.supp with a
# comment per entry saying which library's internals it hides and why.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-valgrind}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
logs="$build/valgrind-logs"

# The modules the issue names: core, content, render, views, store.
TESTS="core/test_core core/test_config core/test_runtime content/test_content
render/test_template render/test_theme render/test_cache
views/test_views views/test_views_counters views/test_views_bots
store/test_store store/test_migrate"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed (scripts/deps.sh installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
    mkdir -p "$build"
    meson setup "$build" "$root" --buildtype=debug -Db_sanitize=none \
        >"$build/valgrind-setup.log" 2>&1 ||
        { cat "$build/valgrind-setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
targets=""
for t in $TESTS; do targets="$targets tests/unit/$t"; done
# shellcheck disable=SC2086
if ! ninja -C "$build" $targets >"$build/valgrind-build.log" 2>&1; then
    tail -n 30 "$build/valgrind-build.log"
    echo "0 passed, 1 failed"
    exit 1
fi
mkdir -p "$logs"

supp=()
[ -f "$root/tests/valgrind.supp" ] && supp=(--suppressions="$root/tests/valgrind.supp")

passed=0 failed=0
for t in $TESTS; do
    name=$(basename "$t")
    log="$logs/$name.log"
    start=$(date +%s.%N)
    # The store test makes its databases in TMPDIR; run from the build dir
    # like meson test does.
    (cd "$build" && valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --track-origins=yes "${supp[@]}" "tests/unit/$t") >"$log" 2>&1
    rc=$?
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        printf 'PASS %-22s %5ss\n' "$name" "$secs"
    else
        failed=$((failed + 1))
        why="test failure"
        [ "$rc" -eq 99 ] && why="memcheck errors"
        printf 'FAIL %-22s %5ss (%s, exit %d; log: %s)\n' "$name" "$secs" "$why" "$rc" "$log"
        grep -E '^==[0-9]+== ' "$log" | head -n 40 | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
