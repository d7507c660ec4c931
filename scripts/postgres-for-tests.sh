#!/usr/bin/env bash
# Start a local PostgreSQL on 127.0.0.1 for the test suite and print its URL.
# Installs Debian's server if it is missing (needs root). Safe to run again.
set -euo pipefail

PORT="${PGPORT_TESTS:-5432}"
ROLE=feedback
DB=feedback_test

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "installing postgresql from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$VERSION main$"; then
  pg_createcluster "$VERSION" main --port "$PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$VERSION" main start >&2
fi
CLUSTER_PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')

for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p "$CLUSTER_PORT" -q && break
  sleep 1
done

as_postgres() { su postgres -c "$1" >&2; }
as_postgres "psql -p $CLUSTER_PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\" | grep -q 1 \
  || psql -p $CLUSTER_PORT -c \"CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE'\""
as_postgres "psql -p $CLUSTER_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\" | grep -q 1 \
  || psql -p $CLUSTER_PORT -c \"CREATE DATABASE $DB OWNER $ROLE\""

echo "postgresql://$ROLE:$ROLE@127.0.0.1:$CLUSTER_PORT/$DB"
