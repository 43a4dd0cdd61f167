#!/usr/bin/env bash
# The README's run command on this clone: `npm start` must serve /health 200 within
# 90 s (embedded PostgreSQL when DATABASE_URL is unset), then stop cleanly on Ctrl-C.
set -euo pipefail
port=$(( 20000 + RANDOM % 20000 ))
pg_port=$(( port + 1 ))
log=$(mktemp)
# As on a fresh machine: npm start builds the dashboard itself when web/dist is missing.
rm -rf web/dist
PORT=$port EMBEDDED_POSTGRES_PORT=$pg_port setsid npm start >"$log" 2>&1 &
pid=$!
started=$(date +%s%N)
for _ in $(seq 1 900); do
  if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "npm start exited early"; exit 1; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" || { cat "$log"; echo "no /health"; exit 1; }
echo
echo "health 200 after $(( ($(date +%s%N) - started) / 1000000 )) ms"
curl -sf "http://127.0.0.1:$port/ready"; echo
curl -sf "http://127.0.0.1:$port/" | grep -q '<div id="app">' || { cat "$log"; echo "no dashboard at /"; exit 1; }
echo "dashboard served at /"
kill -INT -- -"$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "npm start did not stop on SIGINT"; kill -9 -- -"$pid"; exit 1; fi
grep -q 'shut down cleanly' "$log" || { cat "$log"; echo "no clean shutdown"; exit 1; }
echo "stopped cleanly"
