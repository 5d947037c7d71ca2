#!/bin/bash
# bench/start-time.sh CHECKOUT DATA_DIR [RUNS]
# Seconds from the spawn of `npm start` in CHECKOUT, on a filled DATA_DIR, to the first
# 200 from /readyz (polled every 50 ms), and the server's own "engine open" time; then a
# SIGTERM. Alternate two checkouts to compare them on a noisy machine.
set -euo pipefail
cd "$1"
PORT=${PORT:-3997}
for _ in $(seq "${3:-3}"); do
  log=$(mktemp)
  start=$(date +%s.%N)
  DATA_DIR="$2" PORT=$PORT npm start >"$log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz"; do sleep 0.05; done
  end=$(date +%s.%N)
  echo "$1: ready in $(echo "$end - $start" | bc) s; engine open after $(grep -o '"ms":[0-9]*,"msg":"engine open"' "$log" | grep -o '[0-9]*' | head -1) ms"
  kill -TERM $pid
  wait $pid || true
  rm -f "$log"
done
