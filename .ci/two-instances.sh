#!/usr/bin/env bash
# Starts two app instances at once against one empty PostgreSQL database: both must become
# ready (migrations under the advisory lock, framework installed once, the job queue set up
# without an error) and stop on SIGTERM.
set -euo pipefail
admin_url=$1
db=opsm_ci_$$
base=${admin_url%/*}
psql "$admin_url" -qc "drop database if exists $db" -c "create database $db"
pids=()
for port in 3301 3302; do
	DATABASE_URL="$base/$db" SEED_DEMO=1 PORT=$port HOST=127.0.0.1 node build >"/tmp/$db-$port.log" 2>&1 &
	pids+=($!)
done
cleanup() { kill "${pids[@]}" 2>/dev/null || true; psql "$admin_url" -qc "drop database if exists $db with (force)" || true; }
trap cleanup EXIT
for port in 3301 3302; do
	ok=
	for _ in $(seq 1 60); do
		if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; then ok=1; break; fi
		sleep 1
	done
	[ -n "$ok" ] || { cat "/tmp/$db-$port.log"; exit 1; }
done
# Starting together must not cost either an error (a deadlock setting up the job queue, say).
if grep -l '"level":50' "/tmp/$db-3301.log" "/tmp/$db-3302.log"; then cat "/tmp/$db-3301.log" "/tmp/$db-3302.log"; exit 1; fi
queues=$(psql "$base/$db" -tAc "select count(*) from pgboss.queue where name like 'mail-%'")
[ "$queues" -ge 1 ] || { echo "expected the mail queues, found $queues"; exit 1; }
frameworks=$(psql "$base/$db" -tAc "select count(*) from framework_version")
admins=$(psql "$base/$db" -tAc "select count(*) from app_user where email = 'admin@example.com'")
[ "$frameworks" = 1 ] || { echo "expected one framework version, found $frameworks"; exit 1; }
[ "$admins" = 1 ] || { echo "expected the demo admin once, found $admins"; exit 1; }
start=$(date +%s%N)
kill -TERM "${pids[@]}"
wait "${pids[@]}" || true
echo "both instances ready; stopped $(( ($(date +%s%N) - start) / 1000000 )) ms after SIGTERM"
