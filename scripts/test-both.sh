#!/usr/bin/env bash
# The suite on SQLite here, and, when TEST_POSTGRES_URL is set, on PostgreSQL at the same
# time (the two runs share nothing: their own database, ports, temporary folders). Run
# together on two cores they take about as long as the longer one alone.
# Usage: scripts/test-both.sh BIN (the virtualenv's bin folder)
set -uo pipefail
bin="$1"

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  "$bin/pytest"
  status=$?
  echo "PostgreSQL run skipped: set TEST_POSTGRES_URL, for example from scripts/postgres-for-tests.sh"
  exit $status
fi

log="$(mktemp -t feedback-postgres-tests.XXXXXX.log)"
base="$(mktemp -d -t feedback-postgres-tests.XXXXXX)"
echo "--- the suite on PostgreSQL runs meanwhile; its output follows the SQLite run's ($log)"
TEST_DATABASE_URL="$TEST_POSTGRES_URL" "$bin/pytest" -p no:cacheprovider --basetemp="$base/tmp" \
  >"$log" 2>&1 &
postgres_pid=$!
trap 'kill $postgres_pid 2>/dev/null' INT TERM

"$bin/pytest"
sqlite=$?
wait $postgres_pid
postgres=$?
echo "--- the suite on PostgreSQL"
cat "$log"
rm -rf "$base"
echo "--- SQLite: exit $sqlite; PostgreSQL: exit $postgres"
[ $sqlite -eq 0 ] && [ $postgres -eq 0 ]
