#!/usr/bin/env bash
# Memory and start-up benchmark of gazette. Not a test: it prints numbers.
#
# Usage: bench/memory.sh [--sizes "10000 100000"] [--pages "1000 10000"]
#
# For each site size: time and peak memory of `gazette demo --articles N`
# (GNU time -v when /usr/bin/time exists, else wall time and VmHWM sampled
# while it runs); start-up time of `gazette serve` (exec to the first 200 from
# /healthz); VmRSS and VmHWM (/proc/PID/status) after start and after
# requesting 1,000 different article pages spread over the whole site
# (browser User-Agent, one keep-alive curl), then 10,000 (filling more of the
# page cache, 64 MB by default). Everything on 127.0.0.1.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZES="10000 100000"
PAGES="1000 10000"
while [ $# -gt 0 ]; do
    case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --pages) PAGES=$2; shift 2 ;;
    -h | --help)
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done

need meson ninja curl sqlite3 python3 awk

TMP=""
GZ_PID=""
cleanup() {
    stop_pid "$GZ_PID" 10
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building gazette (release) in $BENCH_BUILD"
build_gazette
TMP=$(mktemp -d /tmp/gazette-bench-mem.XXXXXX)

# One GET /healthz over bash's /dev/tcp (no process to spawn, so polling
# every millisecond costs little and measures start-up finely).
healthz_ok() {
    local fd line=""
    exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
    read -r -t 5 line <&"$fd" || true
    exec {fd}>&-
    [[ $line == *" 200 "* ]]
}

# A sleep without a process: read with a timeout from a pipe nobody writes.
exec {SLEEP_FD}<> <(:)
short_sleep() { read -r -t "$1" -u "$SLEEP_FD" _ || true; }

# demo_run N DB: sets DEMO_S (wall seconds) and DEMO_KB (peak RSS).
demo_run() {
    local n=$1 db=$2 out=$TMP/demo-$1.time
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$GAZETTE" demo --db "$db" --articles "$n" --seed 1 >"$TMP/demo-$n.log" 2>"$out" ||
            die "gazette demo failed: $(tail -5 "$out")"
        DEMO_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out")
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:12.34"
        DEMO_S=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0;
            for (i = 1; i <= n; i++) s = s * 60 + a[i]; printf "%.2f", s }' "$out")
        DEMO_HOW="GNU time -v"
    else
        local t0 t1 pid hwm=0 v
        t0=$(now_ns)
        "$GAZETTE" demo --db "$db" --articles "$n" --seed 1 >"$TMP/demo-$n.log" 2>&1 &
        pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            v=$(status_kb "$pid" VmHWM 2>/dev/null || true)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            short_sleep 0.02
        done
        wait "$pid" || die "gazette demo failed: $(tail -5 "$TMP/demo-$n.log")"
        t1=$(now_ns)
        DEMO_KB=$hwm
        DEMO_S=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }')
        DEMO_HOW="VmHWM sampled every 20 ms (install package 'time' for GNU time -v)"
    fi
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# curl_config PATHS COUNT PORT: a curl -K file fetching COUNT article pages
# spread evenly over the list, percent-encoded, bodies to /dev/null.
curl_config() {
    python3 - "$@" <<'EOF'
import sys, urllib.parse
paths = open(sys.argv[1], encoding="utf-8").read().split()
want, port = int(sys.argv[2]), sys.argv[3]
step = len(paths) / want
for i in range(want):
    p = urllib.parse.quote(paths[int(i * step)])
    print(f'url = "http://127.0.0.1:{port}{p}"\noutput = "/dev/null"')
EOF
}

declare -a ROWS PROWS
for n in $SIZES; do
    db=$TMP/site-$n.db
    log "gazette demo --articles $n"
    demo_run "$n" "$db"
    db_kb=$(du -k "$db" | awk '{ print $1 }')

    "$GAZETTE" list --db "$db" --limit "$n" 2>/dev/null | awk '{ print $3 }' >"$TMP/paths-$n.txt"
    total=$(wc -l <"$TMP/paths-$n.txt")
    port=$(free_port)
    for pages in $PAGES; do
        [ "$total" -ge "$pages" ] || die "only $total articles listed for a $n-article site"
        curl_config "$TMP/paths-$n.txt" "$pages" "$port" >"$TMP/curl-$n-$pages.cfg"
    done

    log "gazette serve ($n articles) on 127.0.0.1:$port"
    t0=$(now_ns)
    "$GAZETTE" serve --db "$db" --listen 127.0.0.1 --port "$port" >"$TMP/serve-$n.log" 2>&1 &
    GZ_PID=$!
    up=0
    for _ in $(seq 1 60000); do
        if healthz_ok "$port" 2>/dev/null; then
            up=1
            break
        fi
        kill -0 "$GZ_PID" 2>/dev/null || die "gazette serve exited: $(cat "$TMP/serve-$n.log")"
        short_sleep 0.001
    done
    t1=$(now_ns)
    [ "$up" = 1 ] || die "gazette serve did not answer /healthz within a minute"
    start_ms=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.0f", d / 1e6 }')
    ROWS+=("$(printf '%-8s %8ss %9s %8s %9s %10s %10s' "$n" "$DEMO_S" "$(mb "$DEMO_KB")" "$(mb "$db_kb")" \
        "$start_ms" "$(mb "$(status_kb "$GZ_PID" VmRSS)")" "$(mb "$(status_kb "$GZ_PID" VmHWM)")")")

    for pages in $PAGES; do
        p0=$(now_ns)
        codes=$(curl -s -A "$BROWSER_UA" -K "$TMP/curl-$n-$pages.cfg" -w '%{http_code}\n' | sort | uniq -c |
            awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
        p1=$(now_ns)
        PROWS+=("$(printf '%-8s %8s %9ss %10s %10s  %s' "$n" "$pages" \
            "$(awk -v d=$((p1 - p0)) 'BEGIN { printf "%.2f", d / 1e9 }')" \
            "$(mb "$(status_kb "$GZ_PID" VmRSS)")" "$(mb "$(status_kb "$GZ_PID" VmHWM)")" "$codes")")
    done
    stop_pid "$GZ_PID" 10
    GZ_PID=""
    rm -f "$db" "$db-wal" "$db-shm"
done

printf 'gazette %s, release build; %s CPUs, %s; demo peak memory: %s\n' \
    "$("$GAZETTE" --version | awk '{ print $2 }')" "$(nproc)" \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "$DEMO_HOW"
printf 'sizes in MB; start-up = exec to the first 200 from /healthz\n\n'
printf '%-8s %9s %9s %8s %9s %10s %10s\n' articles demo demo-peak db start-ms RSS-start HWM-start
for row in "${ROWS[@]}"; do
    printf '%s\n' "$row"
done
printf '\nafter GETs of different article pages (cumulative: each row continues the one above)\n'
printf '%-8s %8s %10s %10s %10s  %s\n' articles pages time RSS HWM 'status codes'
for row in "${PROWS[@]}"; do
    printf '%s\n' "$row"
done
