#!/usr/bin/env bash
# Search benchmark of gazette. Not a test: it prints numbers.
#
# Usage: bench/search.sh [--articles 100000] [--rounds 3] [--db FILE]
#
# Builds a demo site of N articles (`gazette demo --seed 1`, timed), then
# times a few hundred varied queries drawn from the site's own titles
# (seeded, so every run asks the same ones): single words, two words,
# phrases, prefixes, Persian/Arabic words in both spellings, and words
# found nowhere. bench/search_bench.c calls the store's search exactly as
# the /search page does (first page, 10 results, snippets), one query at a
# time, each query once to warm up and then --rounds times, and prints
# p50/p95/p99/max per kind. Then the same queries through HTTP
# (`gazette serve`, one keep-alive curl, sequential), p50/p95 of curl's
# time_total. --db reuses an existing site instead of building one.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARTICLES=100000
ROUNDS=3
DB=""
while [ $# -gt 0 ]; do
    case "$1" in
    --articles) ARTICLES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    -h | --help)
        sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done

need meson ninja curl python3 awk

TMP=""
GZ_PID=""
cleanup() {
    stop_pid "$GZ_PID" 10
    [ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building gazette and bench/search_bench (release) in $BENCH_BUILD"
build_gazette
ninja -C "$BENCH_BUILD" bench/search_bench >>"$BENCH_BUILD/bench-build.log" 2>&1 ||
    die "building bench/search_bench failed: $(tail -20 "$BENCH_BUILD/bench-build.log")"
DRIVER=$BENCH_BUILD/bench/search_bench
TMP=$(mktemp -d /tmp/gazette-bench-search.XXXXXX)

if [ -z "$DB" ]; then
    DB=$TMP/site.db
    log "gazette demo --articles $ARTICLES (one transaction, search index included)"
    t0=$(now_ns)
    "$GAZETTE" demo --db "$DB" --articles "$ARTICLES" --seed 1 >"$TMP/demo.log" 2>&1 ||
        die "gazette demo failed: $(tail -5 "$TMP/demo.log")"
    t1=$(now_ns)
    log "demo: $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e9 }') s wall"
fi
[ -f "$DB" ] || die "no database $DB"

# The queries: KIND<TAB>QUERY per line, drawn from the titles (the articles
# table is plain SQL; only the search index needs gazette's tokenizer).
python3 - "$DB" >"$TMP/queries.tsv" <<'EOF'
import random, re, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
rnd = random.Random(1)
en, other = [], []
for title, lang in db.execute(
        "SELECT title, lang FROM articles WHERE status = 1 ORDER BY id"):
    words = re.findall(r"\w+", title)
    (en if lang == "en" else other).append(words)
stop = {"the", "and", "for", "with", "from", "into", "after", "over", "this", "that",
        "says", "will", "about", "more", "than", "their", "have", "were", "what"}
def content(words):
    return [w for w in words if len(w) >= 4 and w.lower() not in stop]
vocab = sorted({w.lower() for t in en for w in content(t)})
out = []
for _ in range(150):
    out.append(("word", rnd.choice(vocab)))
for _ in range(100):
    ws = content(rnd.choice(en))
    if len(ws) >= 2:
        out.append(("two-words", " ".join(rnd.sample(ws, 2))))
for _ in range(50):
    t = rnd.choice(en)
    i = rnd.randrange(max(1, len(t) - 1))
    out.append(("phrase", '"%s"' % " ".join(t[i:i + 2])))
for _ in range(50):
    w = rnd.choice(vocab)
    out.append(("prefix", w[:rnd.randint(3, min(5, len(w)))] + "*"))
ovocab = sorted({w for t in other for w in t if len(w) >= 3})
swap = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643", "\u064a": "\u06cc",
                      "\u0643": "\u06a9"})
for i in range(26):
    w = rnd.choice(ovocab) if ovocab else "کتاب"
    out.append(("fa-ar", w.translate(swap) if i % 2 else w))
for _ in range(24):
    out.append(("no-match", "".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))))
for kind, q in out:
    print("%s\t%s" % (kind, q))
EOF
log "$(wc -l <"$TMP/queries.tsv") queries; store-level timing, $ROUNDS rounds"

echo "== store: gz_store search, as /search calls it"
"$DRIVER" "$DB" "$TMP/queries.tsv" "$ROUNDS"

# The same queries over HTTP: one curl, keep-alive, one request at a time.
port=$(free_port)
"$GAZETTE" serve --db "$DB" --listen 127.0.0.1 --port "$port" --threads 1 \
    >"$TMP/serve.log" 2>&1 &
GZ_PID=$!
wait_http "http://127.0.0.1:$port/healthz" 120 || die "gazette serve did not start: $(tail -5 "$TMP/serve.log")"
python3 - "$TMP/queries.tsv" "$port" >"$TMP/curl.cfg" <<'EOF'
import sys, urllib.parse
port = sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    kind, q = line.rstrip("\n").split("\t", 1)
    print('url = "http://127.0.0.1:%s/search?q=%s"\noutput = "/dev/null"'
          % (port, urllib.parse.quote(q, safe="")))
EOF
curl -s -K "$TMP/curl.cfg" -o /dev/null >/dev/null # warm-up
curl -s -K "$TMP/curl.cfg" -w '%{http_code} %{time_total}\n' >"$TMP/http.txt"
echo
echo "== HTTP: GET /search?q=..., whole response (curl time_total)"
awk '{ codes[$1]++; print $2 * 1000 }' "$TMP/http.txt" | sort -n | awk '
    { v[NR] = $1 } END { printf "%d requests  p50 %.2f ms  p95 %.2f ms  max %.2f ms\n",
        NR, v[int(NR * 0.50 + 0.5)], v[int(NR * 0.95 + 0.5)], v[NR] }'
awk '{ c[$1]++ } END { for (k in c) printf "status %s: %d\n", k, c[k] }' "$TMP/http.txt"
if command -v sqlite3 >/dev/null 2>&1; then
    echo
    echo "== database"
    sqlite3 "$DB" "SELECT 'articles: ' || count(*) FROM articles;
        SELECT 'file: ' || (page_count * page_size / 1048576) || ' MiB' FROM pragma_page_count, pragma_page_size;
        SELECT 'search index: ' || (sum(pgsize) / 1048576) || ' MiB' FROM dbstat WHERE name LIKE 'article_search%';" 2>/dev/null || true
fi
