#!/usr/bin/env bash
# `npm run bench:profile`: a CPU profile of the built server answering first views (every request a new address, so
# no stored page answers) of one page, on the local PostgreSQL with the demo data, then where the time went.
# PAGE=/technologies/kafka (default) | / | /portfolio, DURATION=10, C=10. Recreates the database opsm_profile, unless
# DATABASE_URL names one to profile as it is (the round `BENCH_KEEP=1 npm run bench` kept, say), with SIGN_IN=email:password.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
PG=${PG:-postgres://postgres@127.0.0.1:5432}
# The Node flags of `npm start`'s script (docs/operate.md): the server is measured as production runs it.
START_FLAGS=$(node -p "/^node((?: +-\\S+)*) +server\\.js$/.exec(require('./package.json').scripts.start)?.[1] ?? process.exit(1)") ||
	{ echo "FAIL: npm start's script is no longer \"node [flags] server.js\""; exit 1; }
PAGE=${PAGE:-/technologies/kafka}
PORT=4102; BASE=http://127.0.0.1:$PORT
OUT=$(mktemp -d)
DB=${DATABASE_URL:-}
if [ -z "$DB" ]; then
	DB=$PG/opsm_profile
	psql "$PG/postgres" -qAt -c "drop database if exists opsm_profile" -c "create database opsm_profile" >/dev/null
fi
WHO=${SIGN_IN:-admin@example.com:opsmaturity-demo}
# start [node flags…]: the built server on core 0; the first start migrates and seeds, the profiled one only serves.
start() {
	DATABASE_URL=$DB SEED_DEMO=1 PORT=$PORT HOST=127.0.0.1 ORIGIN=$BASE SHUTDOWN_DRAIN_MS=0 LOG_LEVEL=${LOG_LEVEL:-info} \
		taskset -c 0 node $START_FLAGS "$@" server.js >/dev/null 2>&1 &
	app=$!
	for _ in $(seq 1 240); do curl -fs $BASE/readyz >/dev/null 2>&1 && return; sleep 0.5; done
	echo "FAIL: the app did not become ready"; exit 1
}
trap 'kill $app 2>/dev/null || true; rm -rf "$OUT"' EXIT
start; kill -TERM $app; wait $app 2>/dev/null || true
started=$(date +%s%3N)
start --cpu-prof --cpu-prof-dir="$OUT"
cookie=$(curl -s -o /dev/null -D - -X POST -H "origin: $BASE" --data-urlencode "email=${WHO%%:*}" \
	--data-urlencode "password=${WHO#*:}" "$BASE/login" | grep -i '^set-cookie' | head -1 | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//')
# Warm up, then the measured load; the profile covers both, so the summary counts the requests of both.
load() { taskset -c 1 node "$HERE/first-view-load.mjs" "$BASE$PAGE" "$cookie" "$1" "${C:-10}"; }
[ -n "$cookie" ] || { echo "FAIL: could not sign in"; exit 1; }
echo "$PAGE: $(curl -s -H "cookie: $cookie" "$BASE$PAGE" | wc -c) bytes of HTML"
# The summary leaves out what came before the load (the server's start: loading and linking its modules).
from=$(($(date +%s%3N) - started))
warm=$(load 3)
measured=$(load "${DURATION:-10}")
echo "$PAGE first view: $measured"
for out in "$warm" "$measured"; do
	[[ $out == *"non2xx 0 "* ]] || { echo "FAIL: answers other than 2xx: $out"; exit 1; }
done
served=$((${warm##* } + ${measured##* }))
kill -TERM $app; wait $app 2>/dev/null || true
node "$HERE/profile-summary.mjs" "$(ls "$OUT"/*.cpuprofile)" "$served" "$from"
[ -n "${KEEP:-}" ] && cp "$OUT"/*.cpuprofile "$KEEP" && echo "profile kept in $KEEP"
true
