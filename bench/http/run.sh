#!/usr/bin/env bash
# `npm run bench:http`: the built app against the bare node:http + postgres.js baseline (baseline-server.mjs), in one
# run, server pinned to core 0 and load to core 1, c=10. The app runs twice: on the local PostgreSQL, then on the
# embedded database. Prints requests/s, p50 and p99 per measure, then the same-run ratios against the targets.
# Creates (and recreates) the PostgreSQL databases opsm_perf and bench.
# DURATION=10 (seconds per measure), ONLY=postgres|embedded (one database only)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
APP=$(cd "$HERE/../.." && pwd)
cd "$APP"
A=$APP/node_modules/.bin/autocannon
PG=${PG:-postgres://postgres@127.0.0.1:5432}
# The Node flags of `npm start`'s script (docs/operate.md): the server is measured as production runs it.
START_FLAGS=$(node -p "/^node((?: +-\\S+)*) +server\\.js$/.exec(require('./package.json').scripts.start)?.[1] ?? process.exit(1)") ||
	{ echo "FAIL: npm start's script is no longer \"node [flags] server.js\""; exit 1; }
D=${DURATION:-10}
C=10
LOG=${TMPDIR:-/tmp}/opsmaturity-bench-http.log
psql "$PG/postgres" -qAt -c "drop database if exists opsm_perf" -c "create database opsm_perf" -c "drop database if exists bench" -c "create database bench" >/dev/null
ac() { taskset -c 1 "$A" -c $C -d "$D" -j "$@" 2>/dev/null | node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const d=JSON.parse(s);console.log(Math.round(d.requests.average)+' req/s p50 '+d.latency.p50+' ms p99 '+d.latency.p99+' ms non2xx '+d.non2xx)})"; }
num() { awk '{print $1}'; }
ratio() { node -e "console.log(($1/$2).toFixed(2))"; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; }
DIR=$(mktemp -d)
trap 'cleanup; rm -rf "$DIR"' EXIT

# --- baseline
TOK=$(DATABASE_URL=$PG/bench node "$HERE/baseline-seed.mjs")
(DATABASE_URL=$PG/bench PORT=4100 exec taskset -c 0 node "$HERE/baseline-server.mjs") & pids+=($!)
B=http://127.0.0.1:4100

APORT=4101; ABASE=http://127.0.0.1:$APORT
# start_app ENV… : the built app on core 0, in its own process group so it can be stopped with its children
start_app() {
	(exec env "$@" SEED_DEMO=1 METRICS_TOKEN=$METRICS PORT=$APORT HOST=127.0.0.1 ORIGIN=$ABASE taskset -c 0 setsid node $START_FLAGS server.js >>"$LOG" 2>&1) &
	apid=$!; pids+=($apid)
	for _ in $(seq 1 240); do curl -fs $ABASE/readyz >/dev/null 2>&1 && return; sleep 0.5; done
	echo "FAIL: the app did not become ready; see $LOG"; exit 1
}
stop_app() { kill -TERM -- -"$apid" 2>/dev/null || kill -TERM "$apid"; wait "$apid" 2>/dev/null || true; }
METRICS=bench-metrics-token-$RANDOM$RANDOM
# The page cache's hits and misses so far, from /metrics: "<hits> <misses>".
cache_counts() {
	curl -fs -H "authorization: Bearer $METRICS" "$ABASE/metrics" |
		awk '/^opsmaturity_page_cache_total\{outcome="hit"\}/{h=$2} /^opsmaturity_page_cache_total\{outcome="miss"\}/{m=$2} END{print h+0, m+0}'
}
# sign_in [EMAIL]: the session cookie of a demo person (the member by default)
sign_in() {
	curl -s -o /dev/null -D - -X POST -H "origin: $ABASE" --data-urlencode email=${1:-member@example.com} --data-urlencode password=opsmaturity-demo "$ABASE/login" |
		grep -i '^set-cookie' | head -1 | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//'
}

# measure LABEL: the three app measures, each after the baseline's counterpart in the same round
measure() {
	local label=$1 cookie slug paths
	cookie=$(sign_in); [ -n "$cookie" ] || { echo "FAIL: could not sign in"; exit 1; }
	slug=${SLUGS%% *}
	paths=$(for s in $SLUGS; do printf '/rounds/%s/assess/%s?/save ' "$ROUND" "$s"; done)
	echo "== $label: round $ROUND, technology page /technologies/$slug"
	taskset -c 1 "$A" -c $C -d 3 -H "cookie=session=$TOK" $B/page >/dev/null 2>&1
	taskset -c 1 "$A" -c $C -d 3 -H "cookie=$cookie" "$ABASE/technologies/$slug" >/dev/null 2>&1
	taskset -c 1 "$A" -c $C -d 3 -H "cookie=$cookie" "$ABASE/" >/dev/null 2>&1
	for _ in 1 2; do
		b=$(ac -H "cookie=session=$TOK" $B/page); echo "baseline page: $b"
		p=$(ac -H "cookie=$cookie" "$ABASE/technologies/$slug"); echo "app /technologies/$slug: $p"
		h=$(ac -H "cookie=$cookie" "$ABASE/"); echo "app / (dashboard): $h"
		bs=$(taskset -c 1 node "$HERE/autosave-load.mjs" baseline $B "session=$TOK" "$D" $C); echo "baseline autosave: $bs"
		as=$(taskset -c 1 node "$HERE/autosave-load.mjs" app "$ABASE" "$cookie" "$D" $C $paths); echo "app autosave: $as"
	done
	# Stored pages while someone else saves 10 drafts a second: a draft changes no page but its author's dashboard.
	local lead drafts
	lead=$(sign_in lead@example.com); [ -n "$lead" ] || { echo "FAIL: could not sign in the lead"; exit 1; }
	for target in "/technologies/$slug" "/"; do
		read -r h0 m0 <<<"$(cache_counts)"
		(RATE=10 taskset -c 1 node "$HERE/autosave-load.mjs" app "$ABASE" "$cookie" "$D" 2 $paths >"$DIR/drafts") & drafts=$!
		d=$(ac -H "cookie=$lead" "$ABASE$target"); wait $drafts
		read -r h1 m1 <<<"$(cache_counts)"
		echo "app $target as the lead, 10 drafts/s saved beside it: $d; drafts: $(cat "$DIR/drafts");" \
			"page cache hit rate $(node -e "console.log((100 * ($h1 - $h0) / Math.max(1, $h1 - $h0 + $m1 - $m0)).toFixed(1))") %"
	done
	# First views: every request a new address, so no stored page can answer.
	fv() { taskset -c 1 node "$HERE/first-view-load.mjs" "$1" "$2" "$D" $C; }
	fb=$(fv "$B/page" "session=$TOK"); echo "baseline page, new address each time: $fb"
	fp=$(fv "$ABASE/technologies/$slug" "$cookie"); echo "app first view /technologies/$slug: $fp"
	fh=$(fv "$ABASE/" "$cookie"); echo "app first view / (dashboard): $fh"
	fo=$(fv "$ABASE/portfolio" "$cookie"); echo "app first view /portfolio: $fo"
	for out in "$fb" "$fp" "$fh" "$fo"; do [[ $out == *"non2xx 0 "* ]] || { echo "FAIL: answers other than 2xx: $out"; exit 1; }; done
	# The framework's own floor: a signed-in request answered with a redirect (session query, hooks, no page).
	f=$(ac -H "cookie=$cookie" "$ABASE/login"); echo "app floor, signed-in /login redirect: $f"
	echo "$label ratios: technology page $(ratio "$(echo "$p" | num)" "$(echo "$b" | num)")" \
		"dashboard $(ratio "$(echo "$h" | num)" "$(echo "$b" | num)")" \
		"autosave $(ratio "$(echo "$as" | num)" "$(echo "$bs" | num)") (targets 0.15, 0.25, 0.5);" \
		"framework floor $(ratio "$(echo "$f" | num)" "$(echo "$b" | num)")"
	echo "$label first-view ratios: technology page $(ratio "$(echo "$fp" | num)" "$(echo "$fb" | num)")" \
		"dashboard $(ratio "$(echo "$fh" | num)" "$(echo "$fb" | num)")" \
		"portfolio $(ratio "$(echo "$fo" | num)" "$(echo "$fb" | num)") (targets 0.15, 0.15, -)"
	echo "$label first-view p50/p99: technology page $(echo "$fp" | awk '{print $4"/"$7}') ms," \
		"dashboard $(echo "$fh" | awk '{print $4"/"$7}') ms, portfolio $(echo "$fo" | awk '{print $4"/"$7}') ms (target p99 < 50)"
	echo "$label p99: technology page $(echo "$p" | awk '{print $7}') ms, dashboard $(echo "$h" | awk '{print $7}') ms, autosave $(echo "$as" | awk '{print $7}') ms (target < 50)"
}

: >"$LOG"
ONLY=${ONLY:-}   # postgres or embedded: measure the app on one database only
# --- app on PostgreSQL with demo data
if [ "$ONLY" != embedded ]; then
start_app DATABASE_URL=$PG/opsm_perf
read -r ROUND SLUGS <<<"$(DATABASE_URL=$PG/opsm_perf node "$HERE/prepare.mjs")"
measure PostgreSQL
stop_app
fi
[ "$ONLY" = postgres ] && exit 0

# --- app on the embedded database: seeded by a first start, prepared while stopped (one process may open it)
start_app DATA_DIR=$DIR/data; stop_app
read -r ROUND SLUGS <<<"$(DATA_DIR=$DIR/data node "$HERE/prepare.mjs")"
start_app DATA_DIR=$DIR/data
measure embedded
