#!/usr/bin/env bash
# A private PostgreSQL server for the tests: initdb in a folder of its own,
# a free port on loopback, run by a user that is not root (initdb refuses
# root). Nothing of the machine's own clusters is touched.
#
#   tests/pg/server.sh start DIR   starts it; prints the connection string
#   tests/pg/server.sh stop DIR    stops it and deletes DIR
#   tests/pg/server.sh restart DIR stops and starts it on the same port
#   tests/pg/server.sh pause DIR   stops it, keeping DIR (an outage)
#   tests/pg/server.sh resume DIR  starts it again on the same port
#
# Fails, saying why, when it cannot start: the tests that need it must not
# be skipped.
set -euo pipefail
usage="usage: server.sh start|stop|restart|pause|resume DIR"
cmd=${1:?$usage}
dir=${2:?$usage}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "server.sh: PostgreSQL is not installed (run scripts/deps.sh)" >&2
    exit 1
fi

# As root the server runs as the postgres user Debian's package creates;
# as anyone else, as that user.
as_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local port=$1
    as_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || {
        echo "server.sh: PostgreSQL did not start; its log:" >&2
        tail -n 20 "$dir/server.log" >&2
        exit 1
    }
}

case "$cmd" in
start)
    mkdir -p "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || {
            echo "server.sh: no 'postgres' user to run the server as" >&2
            exit 1
        }
        chown -R postgres "$dir"
    fi
    as_user "$bindir/initdb" -D "$dir/data" -U gazette --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        echo "server.sh: initdb failed:" >&2
        tail -n 20 "$dir/initdb.log" >&2
        exit 1
    }
    port=$(free_port)
    echo "$port" >"$dir/port"
    start "$port"
    as_user "$bindir/createdb" -h "$dir/sock" -p "$port" -U gazette gazette
    echo "host=127.0.0.1 port=$port user=gazette dbname=gazette"
    ;;
stop)
    [ -d "$dir/data" ] && as_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
restart)
    as_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    start "$(cat "$dir/port")"
    ;;
pause)
    as_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    start "$(cat "$dir/port")"
    ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac
