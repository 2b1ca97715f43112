#!/bin/sh
# The WordPress import benchmark: a generated export of N posts (default
# 10,000) imported into an empty site; prints posts/s and peak RSS.
# Usage: bench/wxr.sh [BUILD_DIR] [N]   (use a release build)
set -eu
build=${1:-build-rel}
n=${2:-10000}
gz="$build/src/cli/gazette"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$(dirname "$0")/wxr_gen.py" "$n" > "$dir/posts.xml"
"$gz" init --db "$dir/site.db" >/dev/null 2>&1
/usr/bin/time -v "$gz" import wxr --db "$dir/site.db" "$dir/posts.xml" \
    > "$dir/out" 2> "$dir/time"
cat "$dir/out"
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/time")
rss=$(awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$dir/time")
size=$(du -m "$dir/posts.xml" | cut -f1)
echo "wxr import: $n posts ($size MB) in ${secs}s = $(awk "BEGIN {printf \"%d\", $n / $secs}") posts/s, peak RSS ${rss} MB"
