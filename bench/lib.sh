# shellcheck shell=bash disable=SC2034 # variables are used by the scripts that source this
# Helpers shared by bench/http.sh and bench/memory.sh (sourced, not run).
# Everything here talks to 127.0.0.1 only.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_BUILD=${BENCH_BUILD:-$BENCH_DIR/build}
GAZETTE=$BENCH_BUILD/src/cli/gazette
# A desktop browser: gazette counts views only for browser User-Agents.
BROWSER_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s\n' "$*" >&2; }
die() {
    log "bench: $*"
    exit 1
}

need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "$c not found (scripts/deps.sh installs it)"
    done
}

# Optimised build of gazette in its own build dir (never the developers').
# Warnings are errors here too, as in every build.
build_gazette() {
    if [ ! -f "$BENCH_BUILD/build.ninja" ]; then
        meson setup "$BENCH_BUILD" "$REPO_ROOT" --buildtype=release -Db_ndebug=true \
            >/dev/null || die "meson setup failed"
    else
        meson configure "$BENCH_BUILD" --buildtype=release -Db_ndebug=true -Dwerror=true >/dev/null ||
            die "meson configure failed"
    fi
    ninja -C "$BENCH_BUILD" src/cli/gazette >"$BENCH_BUILD/bench-build.log" 2>&1 || {
        cat "$BENCH_BUILD/bench-build.log" >&2
        die "building gazette failed"
    }
    if grep -q 'warning:' "$BENCH_BUILD/bench-build.log"; then
        log "bench: compiler warnings in the release build:"
        grep 'warning:' "$BENCH_BUILD/bench-build.log" | sort -u >&2
    fi
    [ -x "$GAZETTE" ] || die "no $GAZETTE after the build"
}

# A free TCP port on 127.0.0.1 (the kernel picks it; a tiny race is fine here).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Seconds since the epoch with nanoseconds, for start-up timing.
now_ns() { date +%s%N; }

# Waits until URL answers 200 (up to $2 seconds, default 30).
wait_http() {
    local url=$1 limit=${2:-30} i=0
    while [ "$i" -lt $((limit * 200)) ]; do
        if curl -s -o /dev/null -f --max-time 1 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.005
        i=$((i + 1))
    done
    return 1
}

# utime+stime of one process (all its threads), in clock ticks. Fields 14 and
# 15 of /proc/PID/stat, counted after the ")" that ends the command name.
proc_ticks() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || {
        echo 0
        return
    }
    rest=${stat##*) }
    # rest starts at field 3 (state): utime is its 12th word, stime the 13th.
    # shellcheck disable=SC2086 # split into fields on purpose
    set -- $rest
    echo $((${12} + ${13}))
}

# Sum of proc_ticks over PIDs.
ticks_of() {
    local sum=0 p
    for p in "$@"; do
        sum=$((sum + $(proc_ticks "$p")))
    done
    echo "$sum"
}

# A field in kB from /proc/PID/status (VmRSS, VmHWM).
status_kb() {
    awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# Stops a process we started: SIGTERM, then SIGKILL after $2 seconds.
stop_pid() {
    local pid=$1 limit=${2:-10} i=0
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$i" -lt $((limit * 20)) ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "bench: pid $pid ignored SIGTERM for ${limit}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
