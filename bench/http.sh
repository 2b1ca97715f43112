#!/usr/bin/env bash
# HTTP benchmark: gazette serving one article page against nginx serving the
# same bytes as a static file, with wrk on 127.0.0.1. A benchmark, not a test:
# it prints numbers and never fails on them (it fails only when it cannot
# measure, e.g. the two bodies differ or a server does not start).
#
# Usage: bench/http.sh [--duration 10s] [--articles 1000] [--threads N]
#
# Steps: optimised build into bench/build; a demo site of 1000 articles in a
# temp dir; gazette serve (default threads and flush interval, fair counting
# off: every 200 is a view); fetch one
# article with a browser User-Agent and no Accept-Encoding; nginx (2 workers,
# sendfile, tcp_nopush, no access log) serves those bytes from the temp dir;
# wrk -t1 at 64 and 256 connections, the two servers alternately; for each
# run: requests/s, p99 latency and requests per server CPU-second (utime +
# stime from /proc/PID/stat; nginx = master + workers); then gazette gets
# SIGTERM (it flushes) and the views stored for the article are compared with
# the 200 responses sent.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=10s
WARMUP=2s
ARTICLES=1000
THREADS=""
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --articles) ARTICLES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    -h | --help)
        sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done

need meson ninja curl wrk nginx sqlite3 python3 awk cmp

TMP=""
GZ_PID=""
NGX_PID=""
cleanup() {
    stop_pid "$GZ_PID" 10
    stop_pid "$NGX_PID" 10
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building gazette (release) in $BENCH_BUILD"
build_gazette

TMP=$(mktemp -d /tmp/gazette-bench-http.XXXXXX)
# nginx workers run as an unprivileged user: they must be able to read www/.
chmod 755 "$TMP"
mkdir -p "$TMP/www" "$TMP/nginx"
DB=$TMP/site.db

log "creating a demo site with $ARTICLES articles"
"$GAZETTE" demo --db "$DB" --articles "$ARTICLES" --seed 1 >"$TMP/demo.log" 2>&1 ||
    die "gazette demo failed: $(cat "$TMP/demo.log")"

# The newest article: "ID  DATE  PATH  TITLE".
read -r ART_ID _ ART_PATH _ < <("$GAZETTE" list --db "$DB" --limit 1 2>/dev/null)
if [ -z "${ART_ID:-}" ] || [ -z "${ART_PATH:-}" ]; then
    die "gazette list printed no article"
fi
ART_URL_PATH=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$ART_PATH")

views_total() {
    sqlite3 -cmd '.timeout 5000' "$DB" \
        "SELECT coalesce(sum(count), 0) FROM views_daily WHERE article_id = $ART_ID;"
}
VIEWS_BEFORE=$(views_total)

GZ_PORT=$(free_port)
# Fair counting off (docs/readership.md): wrk and curl are one reader
# reloading one page without Accept-Language, which fair counting would count
# once; this measures raw counting, every 200 a view, as before issue 9.
serve_args=(serve --db "$DB" --listen 127.0.0.1 --port "$GZ_PORT"
    --set views.reload_minutes=0 --set views.max_per_minute=0 --set views.heuristics=no)
[ -n "$THREADS" ] && serve_args+=(--threads "$THREADS")
"$GAZETTE" "${serve_args[@]}" >"$TMP/gazette.log" 2>&1 &
GZ_PID=$!
wait_http "http://127.0.0.1:$GZ_PORT/healthz" 30 || die "gazette did not start: $(cat "$TMP/gazette.log")"
GZ_URL="http://127.0.0.1:$GZ_PORT$ART_URL_PATH"

# Each fetch with a browser User-Agent is a view, and is counted as sent.
BROWSER_FETCHES=0
code=$(curl -s -A "$BROWSER_UA" -o "$TMP/www/article.html" -w '%{http_code}' "$GZ_URL")
BROWSER_FETCHES=$((BROWSER_FETCHES + 1))
[ "$code" = 200 ] || die "GET $GZ_URL answered $code"

NGX_PORT=$(free_port)
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
master_process on;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types { text/html html; }
    default_type text/html;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$NGX_PORT;
        root $TMP/www;
    }
}
EOF
nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" &
NGX_PID=$!
NGX_URL="http://127.0.0.1:$NGX_PORT/article.html"
wait_http "$NGX_URL" 30 || die "nginx did not start: $(cat "$TMP/nginx/error.log" 2>/dev/null)"
NGX_WORKERS=$(ps -o pid= --ppid "$NGX_PID" | tr -d ' ' | tr '\n' ' ')
[ -n "$NGX_WORKERS" ] || die "nginx has no worker processes"

# Same body from both servers.
curl -s -A "$BROWSER_UA" -o "$TMP/from-gazette.html" "$GZ_URL"
BROWSER_FETCHES=$((BROWSER_FETCHES + 1))
curl -s -A "$BROWSER_UA" -o "$TMP/from-nginx.html" "$NGX_URL"
GZ_LEN=$(stat -c %s "$TMP/from-gazette.html")
NGX_LEN=$(stat -c %s "$TMP/from-nginx.html")
[ "$GZ_LEN" = "$NGX_LEN" ] || die "body lengths differ: gazette $GZ_LEN, nginx $NGX_LEN bytes"
cmp -s "$TMP/from-gazette.html" "$TMP/from-nginx.html" || die "bodies differ (same length $GZ_LEN)"
GZ_HDR=$(curl -s -A "$BROWSER_UA" -o /dev/null -D - "$GZ_URL" | wc -c)
BROWSER_FETCHES=$((BROWSER_FETCHES + 1))
NGX_HDR=$(curl -s -A "$BROWSER_UA" -o /dev/null -D - "$NGX_URL" | wc -c)

# Exact view accounting first: curl clients that each finish every request
# (so nothing is in flight), then wait for the periodic flush (default 1 s)
# and read the store while gazette runs.
EXACT_CLIENTS=8
EXACT_EACH=250
for _ in $(seq 1 "$EXACT_EACH"); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$GZ_URL"
done >"$TMP/exact.cfg"
curl_pids=()
for i in $(seq 1 "$EXACT_CLIENTS"); do
    curl -s -A "$BROWSER_UA" -K "$TMP/exact.cfg" -w '%{http_code}\n' >"$TMP/exact-$i.codes" &
    curl_pids+=($!)
done
wait "${curl_pids[@]}" || true
EXACT_OK=$(cat "$TMP"/exact-*.codes | grep -c '^200$' || true)
EXACT_ALL=$(cat "$TMP"/exact-*.codes | wc -l)
BROWSER_FETCHES=$((BROWSER_FETCHES + EXACT_OK))
sleep 2.5
EXACT_STORED=$(($(views_total) - VIEWS_BEFORE))

GZ_THREADS=$(awk '/^Threads:/ { print $2 }' "/proc/$GZ_PID/status")
printf '%s: %s (%s), pid %s, %s OS threads (event loops: %s), flush: default\n' \
    "$("$GAZETTE" --version 2>/dev/null | head -n1 || true)" "$ART_PATH" "article $ART_ID" "$GZ_PID" \
    "$GZ_THREADS" "${THREADS:-default}"
printf 'nginx %s: master %s, workers %s\n' "$(nginx -v 2>&1 | sed 's/.*\///')" "$NGX_PID" "$NGX_WORKERS"
printf 'body %s bytes from both; response headers: gazette %s bytes, nginx %s bytes\n' \
    "$GZ_LEN" "$GZ_HDR" "$NGX_HDR"
printf 'wrk -t1 -d%s --latency, User-Agent: browser, no Accept-Encoding; machine: %s CPUs, %s\n\n' \
    "$DURATION" "$(nproc)" "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"

GZ_OK_TOTAL=0 # 2xx responses from gazette over every wrk run (warm-up too)
# A wrk run that stops leaves at most one request in flight per connection:
# the server may have counted it while wrk never saw its response. So the
# views stored may exceed those sent by up to this many.
IN_FLIGHT_MAX=0
declare -A RPS RPC

# run_wrk NAME CONNS DURATION URL PID...: one wrk run; results in globals.
run_wrk() {
    local name=$1 conns=$2 dur=$3 url=$4
    shift 4
    local out=$TMP/wrk-$name-$conns-$dur.txt t0 t1
    t0=$(ticks_of "$@")
    wrk -t1 -c"$conns" -d"$dur" --latency -H "User-Agent: $BROWSER_UA" "$url" >"$out" 2>&1 ||
        die "wrk failed: $(cat "$out")"
    t1=$(ticks_of "$@")
    W_REQS=$(awk '/ requests in / { print $1 }' "$out")
    W_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    W_P99=$(awk '$1 == "99%" { print $2 }' "$out")
    W_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    W_NON2XX=${W_NON2XX:-0}
    W_ERRS=$(sed -n 's/^ *Socket errors: //p' "$out")
    W_CPU=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')
    W_RPC=$(awk -v r="$W_REQS" -v d=$((t1 - t0)) -v hz="$CLK_TCK" \
        'BEGIN { if (d > 0) printf "%.0f", r / (d / hz); else print "n/a" }')
    if [ -z "$W_REQS" ] || [ -z "$W_RPS" ]; then
        die "cannot read wrk output: $(cat "$out")"
    fi
    if [ "$name" = gazette ]; then
        GZ_OK_TOTAL=$((GZ_OK_TOTAL + W_REQS - W_NON2XX))
        IN_FLIGHT_MAX=$((IN_FLIGHT_MAX + conns))
    fi
}

printf 'views, periodic flush (%d curl clients x %d requests, read 2.5 s later): sent %d, stored %d, lost %d\n' \
    "$EXACT_CLIENTS" "$EXACT_EACH" "$BROWSER_FETCHES" "$EXACT_STORED" "$((BROWSER_FETCHES - EXACT_STORED))"
[ "$EXACT_OK" = "$EXACT_ALL" ] || printf '  (%d of %d curl requests were not 200)\n' "$((EXACT_ALL - EXACT_OK))" "$EXACT_ALL"
echo

log "warming up both servers ($WARMUP each)"
run_wrk gazette 64 "$WARMUP" "$GZ_URL" "$GZ_PID"
# shellcheck disable=SC2086 # one word per worker pid
run_wrk nginx 64 "$WARMUP" "$NGX_URL" "$NGX_PID" $NGX_WORKERS

printf '%-8s %5s %12s %10s %10s %8s %12s  %s\n' server conns 'req/s' p99 requests cpu-s 'req/cpu-s' notes
for conns in 64 256; do
    for server in gazette nginx; do
        if [ "$server" = gazette ]; then
            run_wrk gazette "$conns" "$DURATION" "$GZ_URL" "$GZ_PID"
        else
            # shellcheck disable=SC2086
            run_wrk nginx "$conns" "$DURATION" "$NGX_URL" "$NGX_PID" $NGX_WORKERS
        fi
        notes=""
        [ "$W_NON2XX" != 0 ] && notes="non-2xx: $W_NON2XX "
        [ -n "$W_ERRS" ] && notes="${notes}socket errors: $W_ERRS"
        printf '%-8s %5s %12s %10s %10s %8s %12s  %s\n' "$server" "$conns" "$W_RPS" "$W_P99" \
            "$W_REQS" "$W_CPU" "$W_RPC" "$notes"
        RPS[$server$conns]=$W_RPS
        RPC[$server$conns]=$W_RPC
    done
done

echo
for conns in 64 256; do
    awk -v c="$conns" -v gr="${RPS[gazette$conns]}" -v nr="${RPS[nginx$conns]}" \
        -v gc="${RPC[gazette$conns]}" -v nc="${RPC[nginx$conns]}" 'BEGIN {
        printf "ratio gazette/nginx at %s connections: req/s %.2f (target >= 0.9), ", c, gr / nr
        if (gc + 0 > 0 && nc + 0 > 0) printf "req per CPU-second %.2f (target >= 1.5)\n", gc / nc
        else print "req per CPU-second n/a"
    }'
done

# Views: SIGTERM makes gazette flush what it counted, then exit.
log "stopping gazette (SIGTERM) to flush its views"
kill -TERM "$GZ_PID"
gz_rc=0
wait "$GZ_PID" || gz_rc=$?
GZ_PID=""
[ "$gz_rc" = 0 ] || log "bench: gazette exited with status $gz_rc after SIGTERM"
VIEWS_AFTER=$(views_total)
SENT=$((GZ_OK_TOTAL + BROWSER_FETCHES))
STORED=$((VIEWS_AFTER - VIEWS_BEFORE))
LOST=$((SENT - STORED))
echo
if [ "$LOST" -ge 0 ]; then
    printf 'views: sent %d, stored %d, lost %d\n' "$SENT" "$STORED" "$LOST"
else
    printf 'views: sent %d, stored %d, lost 0\n' "$SENT" "$STORED"
    EXTRA=$((-LOST))
    if [ "$EXTRA" -le "$IN_FLIGHT_MAX" ]; then
        printf '  (%d more stored than wrk saw, within the %d requests that can be in flight when wrk runs stop)\n' \
            "$EXTRA" "$IN_FLIGHT_MAX"
    else
        printf '  (%d more stored than sent: MORE than the %d that can be in flight when wrk runs stop: over-counting)\n' \
            "$EXTRA" "$IN_FLIGHT_MAX"
    fi
fi
printf '  (sent = %d 2xx responses to wrk, warm-up included, + %d curl requests; gazette exit status %d)\n' \
    "$GZ_OK_TOTAL" "$BROWSER_FETCHES" "$gz_rc"
