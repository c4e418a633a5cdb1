#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (if missing) and starts a throwaway cluster on loopback.
set -euo pipefail
PG_PORT="${PG_PORT:-54329}"
PGDATA="${PGDATA:-/tmp/quayside-pg}"

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

run_pg() {
    if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

if ! run_pg "$PGBIN/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
    run_pg "$PGBIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8 >/dev/null"
    run_pg "$PGBIN/pg_ctl -D $PGDATA -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $PGDATA/log -w start >/dev/null"
fi
psql_pg() { "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='quayside'" | grep -q 1 \
    || psql_pg -c "CREATE ROLE quayside LOGIN PASSWORD 'quayside' CREATEDB"
psql_pg -c "SELECT 1 FROM pg_database WHERE datname='quayside_test'" | grep -q 1 \
    || psql_pg -c "CREATE DATABASE quayside_test OWNER quayside"
echo "postgresql ready on 127.0.0.1:$PG_PORT"
