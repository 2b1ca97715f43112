#!/bin/sh
# Static export: gazette export static against Hugo (Debian's hugo) on the
# same N articles (default 10,000) with a comparable theme (bench/hugo-theme:
# list and single pages, the same header, sidebar blocks and pagination).
# Prints pages/s and peak RSS of each and the ratios, then the time of a
# second, incremental gazette export with nothing changed.
# Usage: bench/export.sh [BUILD_DIR] [N]   (use a release build)
# Needs hugo (apt-get install hugo) and GNU time (apt-get install time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-rel}
n=${2:-10000}
gz="$build/src/cli/gazette"
command -v hugo >/dev/null || { echo "hugo not found: apt-get install hugo" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time not found: apt-get install time" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$gz" init --db "$dir/site.db" >/dev/null 2>&1
"$gz" demo --db "$dir/site.db" --articles "$n" >/dev/null 2>&1
mkdir -p "$dir/themes"
cp -r "$here/hugo-theme" "$dir/themes/gz"
python3 "$here/export_hugo_gen.py" "$dir/site.db" "$dir/hugo" "$dir/themes/gz" >/dev/null

secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$1"; }
pages() { find "$1" -name '*.html' -o -name '*.xml' -o -name '*.json' | wc -l; }

/usr/bin/time -v hugo --quiet -s "$dir/hugo" -d "$dir/hugo-out" > /dev/null 2> "$dir/hugo.time"
/usr/bin/time -v "$gz" export static --db "$dir/site.db" "$dir/gz-out" \
    > "$dir/gz.out" 2> "$dir/gz.time"
/usr/bin/time -v "$gz" export static --db "$dir/site.db" "$dir/gz-out" \
    > "$dir/gz2.out" 2> "$dir/gz2.time"

hp=$(pages "$dir/hugo-out"); hs=$(secs "$dir/hugo.time"); hr=$(rss "$dir/hugo.time")
gp=$(pages "$dir/gz-out"); gs=$(secs "$dir/gz.time"); gr=$(rss "$dir/gz.time")
awk -v hp="$hp" -v hs="$hs" -v hr="$hr" -v gp="$gp" -v gs="$gs" -v gr="$gr" 'BEGIN {
    printf "hugo:    %6d pages in %6.2fs = %7.0f pages/s, peak RSS %4d MB\n", hp, hs, hp / hs, hr
    printf "gazette: %6d pages in %6.2fs = %7.0f pages/s, peak RSS %4d MB\n", gp, gs, gp / gs, gr
    printf "gazette/hugo: %.2fx pages/s, %.2fx memory\n", (gp / gs) / (hp / hs), gr / hr }'
echo "incremental, nothing changed: $(cat "$dir/gz2.out") (peak RSS $(rss "$dir/gz2.time") MB)"
