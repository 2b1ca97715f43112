#!/usr/bin/env bash
# Soak: gazette under saturating load for a long time, with articles being
# published all along. A benchmark, not a test (not part of `make test`): it
# prints a table and never fails on the numbers; it fails only when it cannot
# measure (a build, the demo site or the server does not come up).
#
# Usage: bench/soak.sh [--minutes 10] [--articles 1000] [--connections 64]
#                      [--pages 8] [--publish-every 0.5]
#
# Steps: optimised build into bench/build; a demo site in a temp dir; gazette
# serve (default threads and flush interval); wrk -t1 with a Lua script that
# cycles through --pages different article pages, browser User-Agent, run in
# back-to-back 10-second slices for --minutes; meanwhile `gazette new
# --publish` once every --publish-every seconds. After each slice: wrk's
# requests/s and p99, its errors (non-2xx/3xx answers and socket errors),
# and the server's RSS (VmRSS). At the end: RSS before the load, after the
# first slice (caches warm) and at the end, with the change from the first
# slice to the end; total errors; articles published (and failures); the
# exit code of gazette after SIGTERM.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MINUTES=10
ARTICLES=1000
CONNECTIONS=64
PAGES=8
PUBLISH_EVERY=0.5
SLICE=10
while [ $# -gt 0 ]; do
    case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --articles) ARTICLES=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --pages) PAGES=$2; shift 2 ;;
    --publish-every) PUBLISH_EVERY=$2; shift 2 ;;
    -h | --help)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done

need meson ninja curl wrk python3 awk

TMP=""
GZ_PID=""
PUB_PID=""
cleanup() {
    if [ -n "$PUB_PID" ]; then
        kill "$PUB_PID" 2>/dev/null || true
        wait "$PUB_PID" 2>/dev/null || true
    fi
    stop_pid "$GZ_PID" 10
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building gazette (release) in $BENCH_BUILD"
build_gazette

TMP=$(mktemp -d /tmp/gazette-bench-soak.XXXXXX)
DB=$TMP/site.db
log "creating a demo site with $ARTICLES articles"
"$GAZETTE" demo --db "$DB" --articles "$ARTICLES" --seed 1 >"$TMP/demo.log" 2>&1 ||
    die "gazette demo failed: $(cat "$TMP/demo.log")"

# The newest PAGES articles ("ID  DATE  PATH  TITLE"), percent-encoded.
"$GAZETTE" list --db "$DB" --limit "$PAGES" 2>/dev/null | awk '{ print $3 }' >"$TMP/paths"
[ -s "$TMP/paths" ] || die "gazette list printed no article"
python3 - "$TMP/paths" "$BROWSER_UA" >"$TMP/pages.lua" <<'EOF'
import sys, urllib.parse
paths = [urllib.parse.quote(l.strip()) for l in open(sys.argv[1]) if l.strip()]
print("local paths = {%s}" % ", ".join('"%s"' % p for p in paths))
print('local headers = {["User-Agent"] = "%s"}' % sys.argv[2])
print("""local i = 0
request = function()
    i = i + 1
    return wrk.format("GET", paths[(i % #paths) + 1], headers)
end""")
EOF

GZ_PORT=$(free_port)
# Fair counting off (docs/readership.md): wrk is one reader, whose reloads
# would count once; every request stays a counted view, as before issue 9.
"$GAZETTE" serve --db "$DB" --listen 127.0.0.1 --port "$GZ_PORT" \
    --set views.reload_minutes=0 --set views.max_per_minute=0 --set views.heuristics=no \
    >"$TMP/serve.log" 2>&1 &
GZ_PID=$!
wait_http "http://127.0.0.1:$GZ_PORT/healthz" 30 || die "gazette serve did not start: $(cat "$TMP/serve.log")"
URL="http://127.0.0.1:$GZ_PORT"
RSS_IDLE=$(status_kb "$GZ_PID" VmRSS)

# One article every PUBLISH_EVERY seconds; one line per run in published.log.
publisher() {
    local i=0
    while :; do
        i=$((i + 1))
        if printf 'Soak body %d.\n\nA paragraph with *emphasis* and words.\n' "$i" |
            "$GAZETTE" new --db "$DB" --title "Soak article $i" --publish - \
                >>"$TMP/published.out" 2>>"$TMP/published.err"; then
            echo ok >>"$TMP/published.log"
        else
            echo fail >>"$TMP/published.log"
        fi
        sleep "$PUBLISH_EVERY"
    done
}
: >"$TMP/published.log"
publisher &
PUB_PID=$!

slices=$((MINUTES * 60 / SLICE))
[ "$slices" -ge 1 ] || slices=1
log "soak: $slices slices of ${SLICE}s, wrk -t1 -c$CONNECTIONS on $PAGES article pages, publishing every ${PUBLISH_EVERY}s"
printf '%6s %6s %10s %9s %8s %8s %9s %10s\n' slice t_s req_s p99_ms non2xx sockerr rss_mib published
total_req=0 total_non2xx=0 total_sockerr=0 rss_first="" rss_last=""
for s in $(seq 1 "$slices"); do
    wrk -t1 -c"$CONNECTIONS" -d"${SLICE}s" --latency -s "$TMP/pages.lua" "$URL" >"$TMP/wrk.$s" 2>&1 || true
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk.$s")
    reqs=$(awk '/ requests in / { print $1 }' "$TMP/wrk.$s")
    p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
        printf "%.2f", v }' "$TMP/wrk.$s")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$TMP/wrk.$s")
    sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$TMP/wrk.$s")
    rss=$(status_kb "$GZ_PID" VmRSS 2>/dev/null || echo 0)
    [ -n "$rss_first" ] || rss_first=$rss
    rss_last=$rss
    published=$(grep -c ok "$TMP/published.log" || true)
    total_req=$((total_req + ${reqs:-0}))
    total_non2xx=$((total_non2xx + ${non2xx:-0}))
    total_sockerr=$((total_sockerr + ${sockerr:-0}))
    printf '%6d %6d %10s %9s %8d %8d %9.1f %10d\n' "$s" $((s * SLICE)) "${rps:-?}" "${p99:-?}" \
        "${non2xx:-0}" "${sockerr:-0}" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$published"
    kill -0 "$GZ_PID" 2>/dev/null || die "gazette serve exited during the soak: $(tail -n 20 "$TMP/serve.log")"
done

kill "$PUB_PID" 2>/dev/null || true
wait "$PUB_PID" 2>/dev/null || true
PUB_PID=""
published=$(grep -c ok "$TMP/published.log" || true)
pub_failed=$(grep -c fail "$TMP/published.log" || true)
kill -TERM "$GZ_PID"
rc=0
wait "$GZ_PID" || rc=$?
GZ_PID=""

echo
echo "soak: $MINUTES min, $total_req requests, errors: $total_non2xx non-2xx/3xx, $total_sockerr socket errors"
awk -v idle="$RSS_IDLE" -v first="$rss_first" -v last="$rss_last" 'BEGIN {
    printf "RSS: %.1f MiB idle, %.1f MiB after the first slice, %.1f MiB at the end: %+.1f%%\n",
        idle / 1024, first / 1024, last / 1024, (last - first) * 100 / first }'
echo "published during the soak: $published articles, $pub_failed failed"
echo "gazette serve exit code after SIGTERM: $rc"
if [ -s "$TMP/published.err" ]; then
    echo "gazette new stderr (last lines):"
    tail -n 5 "$TMP/published.err"
fi
