#!/usr/bin/env bash
# `make run`: migrate, load the demo, then run the web server and the worker together.
# Ctrl-C stops both. Running it again reuses the database in instance/.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"
export BASE_URL="${BASE_URL:-http://$HOST:$PORT}"
FLASK=(.venv/bin/flask --app wsgi)

"${FLASK[@]}" db upgrade
"${FLASK[@]}" demo

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "Stopped the web server and the worker."
}
trap stop INT TERM EXIT

"${FLASK[@]}" worker &
pids+=($!)
"${FLASK[@]}" run --host "$HOST" --port "$PORT" --no-reload &
pids+=($!)

sleep 1
cat <<MSG

  Feedback is running at $BASE_URL
  Sign in with one of the demo accounts above. Mail is written to instance/mail/.
  Press Ctrl-C to stop the web server and the worker.

MSG
# Stop everything as soon as either process ends.
wait -n "${pids[@]}"
