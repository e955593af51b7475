#!/usr/bin/env bash
# Local PostgreSQL and Redis for `make run`, as plain processes (no Docker, no systemd) with their data under
# .local/. Ports are chosen free on first use and remembered in .local/ports.env, so nothing collides with
# other servers and a second `make run` finds the same ones.
#
#   scripts/local-services.sh start   start both (no-op for any already running); prints the env file path
#   scripts/local-services.sh stop    stop both
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
local_dir="$root/.local"
ports_file="$local_dir/ports.env"
pg_dir="$local_dir/postgres"
redis_dir="$local_dir/redis"
run_dir="$local_dir/run"
mkdir -p "$local_dir" "$redis_dir" "$run_dir"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

pg_bin() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || { echo "PostgreSQL not installed; run scripts/ensure-packages.sh" >&2; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [ -f "$pg_dir/postmaster.pid" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; }
redis_running() { [ -f "$run_dir/redis.pid" ] && kill -0 "$(cat "$run_dir/redis.pid")" 2>/dev/null; }

start() {
  if [ ! -f "$ports_file" ]; then
    pg_port=$(pick_port 55432)
    redis_port=$(pick_port 56379)
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$pg_port" "$redis_port" >"$ports_file"
  fi
  # shellcheck disable=SC1090
  . "$ports_file"
  # shellcheck disable=SC2153 # PG_PORT and REDIS_PORT come from the ports file
  : "$PG_PORT" "$REDIS_PORT"

  local bin
  bin="$(pg_bin)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$run_dir"; fi
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$pg_dir"; fi
    as_postgres "$bin/initdb" -D "$pg_dir" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  fi
  if ! pg_running; then
    if port_in_use "$PG_PORT"; then
      echo "Port $PG_PORT (from $ports_file) is taken by something else; delete that file to pick new ports." >&2
      exit 1
    fi
    as_postgres "$bin/pg_ctl" -D "$pg_dir" -l "$run_dir/postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run_dir" >/dev/null
  fi
  if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='authz'" | grep -q 1; then
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres authz
  fi

  if ! redis_running; then
    if port_in_use "$REDIS_PORT"; then
      echo "Port $REDIS_PORT (from $ports_file) is taken by something else; delete that file to pick new ports." >&2
      exit 1
    fi
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$redis_dir" \
      --pidfile "$run_dir/redis.pid" --logfile "$local_dir/redis.log" --appendonly yes >/dev/null
    for _ in $(seq 1 100); do
      redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi

  cat >"$local_dir/services.env" <<ENV
AuthzWebhook__Postgres__ConnectionString='Host=127.0.0.1;Port=$PG_PORT;Database=authz;Username=postgres'
AuthzWebhook__Redis__Configuration='127.0.0.1:$REDIS_PORT'
ENV
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (data under .local/)" >&2
}

stop() {
  if pg_running; then as_postgres "$(pg_bin)/pg_ctl" -D "$pg_dir" -m fast -w stop >/dev/null; fi
  if redis_running; then
    # shellcheck disable=SC1090
    . "$ports_file"
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
