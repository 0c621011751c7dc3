#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the storage tests.
#
#   url=$(tests/pg_cluster.sh start)   # prints postgresql+psycopg://postgres@127.0.0.1:PORT/postgres
#   PARTNERSHIP_FIT_TEST_POSTGRES_URL=$url python -m pytest tests/test_workshop_service.py
#   tests/pg_cluster.sh stop           # stops the server and deletes its folder
#
# The cluster lives in a fresh temp folder, listens on 127.0.0.1 only, on a free port, with
# trust authentication (nothing else can reach it). Root cannot run initdb, so as root the
# server runs as the `postgres` user. PG_CLUSTER_STATE names the file that remembers the
# folder between start and stop (default: /tmp/partnership-fit-pg-cluster.state), so two
# clusters can coexist with different state files.
set -euo pipefail

STATE=${PG_CLUSTER_STATE:-/tmp/partnership-fit-pg-cluster.state}
PGBIN=${PGBIN:-}
if [[ -z "$PGBIN" ]]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
  echo "pg_cluster.sh: PostgreSQL server binaries not found; apt-get install -y postgresql" >&2
  exit 2
fi

as_owner() {
  # $1 = command line; run as postgres when we are root (initdb refuses root).
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/bash -c "$1"
  else
    bash -c "$1"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if [[ -f "$STATE" ]]; then
    echo "pg_cluster.sh: a cluster is already recorded in $STATE; run stop first" >&2
    exit 1
  fi
  local dir port
  dir=$(mktemp -d /tmp/pf-pg.XXXXXX)
  chmod 755 "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  as_owner "'$PGBIN/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --no-sync >'$dir/initdb.log' 2>&1" || {
    cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  # A port can be taken between the check and the start; try a few.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "'$PGBIN/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 \
        -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200\" \
        start >/dev/null"; then
      printf '%s\n%s\n' "$dir" "$port" >"$STATE"
      echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
  done
  cat "$dir/server.log" >&2
  rm -rf "$dir"
  exit 1
}

stop() {
  if [[ ! -f "$STATE" ]]; then
    echo "pg_cluster.sh: no cluster recorded in $STATE" >&2
    return 0
  fi
  local dir
  dir=$(sed -n 1p "$STATE")
  if [[ -d "$dir/data" ]]; then
    as_owner "'$PGBIN/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
  fi
  rm -rf "$dir" "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
