#!/usr/bin/env bash
# Scale-out benchmark: gazette on one PostgreSQL, one server against two
# servers (wrk on each), and the store's write rate during a view burst.
# A benchmark, not a test: it prints numbers and fails only when it cannot
# measure.
#
# Usage: bench/scale.sh [--duration 10s] [--articles 1000] [--burst 100]
#
# Steps: optimised build into bench/build; a private PostgreSQL server
# (tests/pg/server.sh: initdb in a temp dir, loopback, fsync off); a demo
# site of --articles articles in it; then
#  1. one server (--threads 2) under two wrk -t1 -c64 on one article page;
#  2. two servers (--threads 1 each) on the same database, each under its
#     own wrk -t1 -c64 at the same time: the sum of their req/s (the same
#     two wrk clients, so the client is not what differs);
#  3. a view burst over --burst articles, spread by a wrk Lua script, on both
#     servers at once: views sent per second against rows written per second
#     to views_daily and views_hourly (pg_stat_user_tables: inserts +
#     updates), and the rows a flush should write (two per touched article
#     per server per flush);
#  4. both servers get SIGTERM (they flush); the views stored equal the
#     views sent, and both servers' Most viewed was the same.
# Fair counting is off (every 200 is a view), as in bench/http.sh.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=10s
ARTICLES=1000
BURST=100
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --articles) ARTICLES=$2; shift 2 ;;
    --burst) BURST=$2; shift 2 ;;
    -h | --help)
        sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done

need meson ninja curl wrk psql python3 awk

TMP=""
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do stop_pid "$p" 10; done
    [ -n "$TMP" ] && "$REPO_ROOT/tests/pg/server.sh" stop "$TMP/pg" >/dev/null 2>&1
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building gazette (release) in $BENCH_BUILD"
build_gazette

TMP=$(mktemp -d /tmp/gazette-bench-scale.XXXXXX)
chmod 755 "$TMP"
log "starting a private PostgreSQL server"
PG=$("$REPO_ROOT/tests/pg/server.sh" start "$TMP/pg") || die "PostgreSQL did not start"
DB="$PG options=-csearch_path=public"
FLUSH_MS=1000
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

log "creating a demo site with $ARTICLES articles in PostgreSQL"
"$GAZETTE" demo --db "$DB" --articles "$ARTICLES" --seed 1 >"$TMP/demo.log" 2>&1 ||
    die "gazette demo failed: $(cat "$TMP/demo.log")"
read -r ART_ID _ ART_PATH _ < <("$GAZETTE" list --db "$DB" --limit 1 2>/dev/null)
[ -n "${ART_PATH:-}" ] || die "gazette list printed no article"
ART=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$ART_PATH")

# start_server NAME THREADS: starts gazette; sets PORT_<NAME> and PID_<NAME>.
start_server() {
    local name=$1 threads=$2 port
    port=$(free_port)
    "$GAZETTE" serve --db "$DB" --listen 127.0.0.1 --port "$port" --threads "$threads" \
        --set views.reload_minutes=0 --set views.max_per_minute=0 --set views.heuristics=no \
        >"$TMP/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port/healthz" 30 || die "gazette $name did not start: $(cat "$TMP/$name.log")"
    printf -v "PORT_$name" '%s' "$port"
    printf -v "PID_$name" '%s' "$pid"
}

stop_server() { # PID: SIGTERM, which flushes
    kill -TERM "$1"
    wait "$1" || log "bench: gazette $1 exited with status $?"
}

# wrk_rps OUT: requests/s and requests of a finished wrk output.
wrk_field() { awk -v f="$2" '$0 ~ f { print $(f == "requests in" ? 1 : 2) }' "$1" | head -n1; }

printf 'machine: %s CPUs, %s; PostgreSQL %s on loopback (fsync off, as tests/pg/server.sh sets it); wrk -t1 -c64 -d%s\n\n' \
    "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(sql 'SHOW server_version' | cut -d' ' -f1)" "$DURATION"

# Two wrk processes in every setup, so the client's capacity is the same
# (one wrk thread tops out near a single server's rate on this machine).
# wrk2 OUT URL1 URL2: one wrk -t1 -c64 on each URL at the same time.
wrk2() {
    wrk -t1 -c64 -d"$DURATION" --latency -H "User-Agent: $BROWSER_UA" "$2" >"$1-1.txt" &
    local w1=$!
    wrk -t1 -c64 -d"$DURATION" --latency -H "User-Agent: $BROWSER_UA" "$3" >"$1-2.txt" &
    local w2=$!
    wait "$w1" "$w2"
}
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
p99() { awk '$1 == "99%" { print $2 }' "$1"; }

# ---- 1. one server ----
start_server one 2
URL1="http://127.0.0.1:$PORT_one$ART"
curl -s -A "$BROWSER_UA" -o /dev/null "$URL1"
wrk -t1 -c64 -d2s -H "User-Agent: $BROWSER_UA" "$URL1" >/dev/null
wrk2 "$TMP/wrk-one" "$URL1" "$URL1"
ONE_RPS=$(awk -v a="$(rps "$TMP/wrk-one-1.txt")" -v b="$(rps "$TMP/wrk-one-2.txt")" 'BEGIN { print a + b }')
ONE_P99="$(p99 "$TMP/wrk-one-1.txt")/$(p99 "$TMP/wrk-one-2.txt")"
stop_server "$PID_one"
PIDS=()

# ---- 2. two servers, wrk on each ----
start_server a 1
start_server b 1
URLA="http://127.0.0.1:$PORT_a$ART"
URLB="http://127.0.0.1:$PORT_b$ART"
for u in "$URLA" "$URLB"; do wrk -t1 -c64 -d2s -H "User-Agent: $BROWSER_UA" "$u" >/dev/null; done
wrk2 "$TMP/wrk-two" "$URLA" "$URLB"
A_RPS=$(rps "$TMP/wrk-two-1.txt")
B_RPS=$(rps "$TMP/wrk-two-2.txt")
A_P99=$(p99 "$TMP/wrk-two-1.txt")
B_P99=$(p99 "$TMP/wrk-two-2.txt")

printf '%-28s %12s %10s\n' setup 'req/s' p99
printf '%-28s %12s %10s\n' "one server (2 loops), 2 wrk" "$ONE_RPS" "$ONE_P99"
printf '%-28s %12s %10s\n' "two servers: A (1 loop)" "$A_RPS" "$A_P99"
printf '%-28s %12s %10s\n' "two servers: B (1 loop)" "$B_RPS" "$B_P99"
awk -v a="$A_RPS" -v b="$B_RPS" -v o="$ONE_RPS" 'BEGIN {
    printf "%-28s %12.2f\nratio two/one: %.2f\n", "two servers: A + B", a + b, (a + b) / o }'

# ---- 3. the store's write rate during a view burst over BURST articles ----
mapfile -t PATHS < <("$GAZETTE" list --db "$DB" --limit "$BURST" 2>/dev/null | awk '{ print $3 }')
[ "${#PATHS[@]}" -ge 1 ] || die "no articles for the burst"
{
    echo 'local paths = {'
    for p in "${PATHS[@]}"; do printf '  "%s",\n' "$p"; done
    echo '}'
    echo 'local i = 0'
    echo 'request = function()'
    echo '  i = i + 1'
    echo '  return wrk.format("GET", paths[(i % #paths) + 1])'
    echo 'end'
} >"$TMP/burst.lua"
writes() {
    sql "SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables
         WHERE relname IN ('views_daily', 'views_hourly')"
}
views_stored() { sql "SELECT coalesce(sum(count), 0) FROM views_daily"; }
sleep 2 # the flushes of part 2 are in
V0=$(views_stored)
W0=$(writes)
T0=$(now_ns)
wrk -t1 -c32 -d"$DURATION" -s "$TMP/burst.lua" -H "User-Agent: $BROWSER_UA" \
    "http://127.0.0.1:$PORT_a" >"$TMP/burst-a.txt" &
BA=$!
wrk -t1 -c32 -d"$DURATION" -s "$TMP/burst.lua" -H "User-Agent: $BROWSER_UA" \
    "http://127.0.0.1:$PORT_b" >"$TMP/burst-b.txt" &
BB=$!
wait "$BA" "$BB"
sleep 2.5 # two flushes: every counted view is written
# pg_stat counters are sent by the server's backends at the end of their
# transactions, and read here with a short delay.
sql "SELECT pg_stat_clear_snapshot()" >/dev/null
sleep 0.6
T1=$(now_ns)
W1=$(writes)
V1=$(views_stored)
SENT=$(cat "$TMP"/burst-*.txt | awk '/ requests in / { s += $1 } END { print s }')
SECS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
TOP_A=$(curl -s "http://127.0.0.1:$PORT_a/" | tr '\n' ' ' | grep -o 'id="most-viewed".*' | grep -o 'href="[^"]*"' | head -5 | tr '\n' ' ')
TOP_B=$(curl -s "http://127.0.0.1:$PORT_b/" | tr '\n' ' ' | grep -o 'id="most-viewed".*' | grep -o 'href="[^"]*"' | head -5 | tr '\n' ' ')

echo
printf 'view burst: %s articles, both servers, wrk -t1 -c32 -d%s on each + 2.5 s of flushes\n' "${#PATHS[@]}" "$DURATION"
awk -v sent="$SENT" -v stored=$((V1 - V0)) -v rows=$((W1 - W0)) -v secs="$SECS" \
    -v d="${DURATION%s}" -v burst="${#PATHS[@]}" -v fms="$FLUSH_MS" 'BEGIN {
    printf "  views sent %d (%.0f/s while wrk ran), views stored %d, lost %d\n", sent, sent / d, stored, (sent > stored ? sent - stored : 0)
    if (stored > sent)
        printf "  (%d more stored than wrk saw: at most 64, the requests in flight when wrk stops, %s)\n", stored - sent, (stored - sent <= 64 ? "within it" : "MORE: over-counting")
    printf "  rows written to views_daily + views_hourly: %d (%.0f/s)\n", rows, rows / secs
    printf "  one row per %.0f views; the bound is 2 rows per touched article per server per flush: %d rows/s\n",
        sent / (rows ? rows : 1), 2 * burst * 2 * 1000 / fms
}'
if [ "$TOP_A" = "$TOP_B" ]; then
    echo "  Most viewed: the same on both servers"
else
    printf '  Most viewed differs:\n    A %s\n    B %s\n' "$TOP_A" "$TOP_B"
fi

stop_server "$PID_a"
stop_server "$PID_b"
PIDS=()
