#!/usr/bin/env bash
# Runs every test suite against one build folder and prints one closing line:
# "N passed, N failed". Usage: tests/run.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
gazette="$root/$build/src/cli/gazette"
out="$root/$build/test-output"
mkdir -p "$out"

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0

passed=0 failed=0

# A private PostgreSQL server for the store's tests on PostgreSQL and the
# several-servers HTTP tests (tests/pg/server.sh). It must start: those
# tests are not skipped when it does not.
pgdir=$(mktemp -d /tmp/gazette-pg-XXXXXX)
trap '"$root/tests/pg/server.sh" stop "$pgdir"' EXIT
if ! GZ_TEST_PG=$("$root/tests/pg/server.sh" start "$pgdir"); then
    echo "!! the test PostgreSQL server did not start (see above)"
    exit 1
fi
export GZ_TEST_PG GZ_TEST_PG_DIR=$pgdir
echo "== PostgreSQL for the tests: $GZ_TEST_PG"
count() { # adds the "N passed, N failed" line of a suite's output
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        echo "!! $2: no result line; counted as one failure"
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + $(echo "$line" | awk '{print $1}')))
    failed=$((failed + $(echo "$line" | awk '{print $3}')))
}

echo "== unit tests (cmocka, via meson test)"
meson test -C "$root/$build" --print-errorlogs >"$out/unit.log" 2>&1
unit_rc=$?
tail -n 12 "$out/unit.log"
log="$root/$build/meson-logs/testlog.txt"
up=$(grep -hoE '\[  PASSED  \] [0-9]+' "$log" | awk '{s += $4} END {print s + 0}')
uf=$(grep -hoE '\[  FAILED  \] [0-9]+ test' "$log" | awk '{s += $4} END {print s + 0}')
# Fuzz replays (fuzz/replay.c) count each input replayed as one test.
up=$((up + $(grep -hE '^[0-9]+ passed, [0-9]+ failed$' "$log" | awk '{s += $1} END {print s + 0}')))
# A test program that crashed (sanitizer abort) prints no cmocka summary.
if [ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ]; then uf=1; fi
echo "$up passed, $uf failed" >"$out/unit.count"
count "$out/unit.count" unit

echo "== valgrind (core unit tests in a build without sanitizers)"
"$root/tests/valgrind.sh" 2>&1 | tee "$out/valgrind.log"
count "$out/valgrind.log" valgrind

echo "== HTTP tests (a real server on loopback)"
python3 "$root/tests/http/run.py" --gazette "$gazette" 2>&1 | tee "$out/http.log"
count "$out/http.log" http

echo "== browser tests (Chromium)"
node "$root/tests/browser/run.mjs" --gazette "$gazette" --out "$out/screenshots" 2>&1 |
    tee "$out/browser.log"
count "$out/browser.log" browser

echo
echo "screenshots: $out/screenshots"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
