#!/usr/bin/env bash
# Services the engine tests need (tests/engines, docs/engines.md): PostgreSQL from Debian's
# packages, started, with a role and a database for the tests; and a Java runtime for the Spark
# engine (PySpark itself comes with the dev extras). Run as root; safe to run again.
#
# Afterwards the tests reach PostgreSQL at
#   PANTAU_TEST_PG=postgresql://pantau:pantau@127.0.0.1:5432/pantau_test
# (override role, password, database or port with PANTAU_PG_USER / _PASSWORD / _DB / _PORT).
set -euo pipefail

PG_USER=${PANTAU_PG_USER:-pantau}
PG_PASSWORD=${PANTAU_PG_PASSWORD:-pantau}
PG_DB=${PANTAU_PG_DB:-pantau_test}
PG_PORT=${PANTAU_PG_PORT:-5432}

if [ "$(id -u)" -ne 0 ]; then
  echo "ci-services: run as root (installs Debian packages and starts PostgreSQL)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The newest installed cluster; create one when the package left none behind.
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main --port "$PG_PORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start
fi

psql_admin() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 1 30); do psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
  psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\""
fi
echo "ci-services: PostgreSQL $version ready;" \
  "PANTAU_TEST_PG=postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
