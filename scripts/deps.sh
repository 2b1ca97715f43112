#!/bin/sh
# Install every build, test and benchmark dependency of gazette from Debian.
# Idempotent: when everything is present it prints nothing and exits 0.
# Usage: scripts/deps.sh [--no-browser]
set -eu

PKGS="build-essential pkg-config meson ninja-build
libh2o-evloop-dev libssl-dev libsqlite3-dev sqlite3 libmd4c-dev
libmd4c-html0-dev libgumbo-dev libjansson-dev libsodium-dev libbrotli-dev
zlib1g-dev libcmocka-dev
python3 curl brotli wrk nginx-light procps slowhttptest
systemd logrotate openssl groff-base
clang libclang-rt-14-dev valgrind
libxml2-utils libxml2-dev
tidy
libpq-dev postgresql"
BROWSER_PKGS="chromium nodejs npm"

want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0
[ "$want_browser" = 1 ] && PKGS="$PKGS $BROWSER_PKGS"

missing=""
for p in $PKGS; do
    # nodejs/npm may come from elsewhere (e.g. NodeSource); accept a working one.
    case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "deps: installing:$missing"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Browser tests: playwright-core drives Debian's chromium; never download a
# browser. Reinstalled whenever package-lock.json changes.
if [ "$want_browser" = 1 ]; then
    dir=$(cd "$(dirname "$0")/.." && pwd)/tests/browser
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    have=$(cat "$dir/node_modules/.gazette-lock" 2>/dev/null || true)
    if [ "$want" != "$have" ]; then
        echo "deps: installing browser test packages (npm ci)"
        (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
            npm ci --no-audit --no-fund --silent >/dev/null)
        echo "$want" >"$dir/node_modules/.gazette-lock"
    fi
fi
exit 0
