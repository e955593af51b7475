#!/usr/bin/env bash
# Local PostgreSQL and Redis for `make run`, as plain processes (no Docker, no systemd) with their data under
# .local/. Ports are chosen free on first use and remembered in .local/ports.env, so nothing collides with
# other servers and a second `make run` finds the same ones.
#
# As root, Postgres runs as the postgres user, which must be able to enter every directory above its data. When it
# cannot enter this checkout (a clone in root's home, mode 0700, or under any other closed directory), Postgres'
# data, socket and log live in the postgres user's home instead, in a directory named by a hash of the checkout's
# path that only that user may enter; .local/postgres is a link to it, so every later start and stop finds it again.
# No permission of the checkout or of the directories above it is changed.
#
#   scripts/local-services.sh start   start both (no-op for any already running); prints the env file path
#   scripts/local-services.sh stop    stop both
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd -P)"
local_dir="$root/.local"
ports_file="$local_dir/ports.env"
pg_link="$local_dir/postgres"
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

is_root() { [ "$(id -u)" -eq 0 ]; }

# From / rather than the caller's directory, which the postgres user may not be able to enter.
as_postgres() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Postgres' data directory: .local/postgres, or the directory that link points to.
pg_data() { if [ -L "$pg_link" ]; then readlink "$pg_link"; else echo "$pg_link"; fi; }

# Its socket directory and log sit beside the data: .local/run, or run/ in the directory outside the checkout.
pg_run_dir() { echo "$(dirname "$(pg_data)")/run"; }

# Where the data goes when the postgres user cannot enter .local: its home (Debian: /var/lib/postgresql, which
# only it may write to), else /var/tmp. The name is stable for this checkout's path.
external_dir() {
  local home hash
  home=$(getent passwd postgres | cut -d: -f6)
  hash=$(printf '%s' "$root" | sha256sum | cut -c1-16)
  if [ -n "$home" ] && [ -d "$home" ] && [ "$(stat -c %U "$home")" = postgres ]; then
    echo "$home/authz-webhook-$hash"
  else
    echo "/var/tmp/authz-webhook-postgres-$hash"
  fi
}

# As root, makes sure the postgres user can reach the data directory, placing it outside the checkout when it cannot.
place_postgres() {
  is_root || return 0
  if [ -L "$pg_link" ]; then
    if [ -d "$(readlink "$pg_link")" ]; then return 0; fi
    rm "$pg_link" # its directory was removed: place it again
  fi
  if as_postgres test -x "$local_dir"; then return 0; fi
  if [ -f "$pg_link/PG_VERSION" ]; then
    echo "The postgres user cannot enter $local_dir, which holds this checkout's database (.local/postgres)." >&2
    echo "Run from a checkout that user can enter, or remove .local/postgres (its data is lost) to have the database" >&2
    echo "made afresh in $(external_dir)." >&2
    exit 1
  fi
  # An empty directory is what an earlier start left when initdb could not reach it.
  if [ -d "$pg_link" ] && ! rmdir "$pg_link" 2>/dev/null; then
    echo "$pg_link holds files but no database; remove it and run this again." >&2
    exit 1
  fi

  local dir
  dir=$(external_dir)
  # Made by the postgres user and checked afterwards, so that nobody else's directory or link (in /var/tmp) is used.
  if [ ! -e "$dir" ] && [ ! -L "$dir" ]; then as_postgres mkdir -m 0700 "$dir"; fi
  if [ -L "$dir" ] || [ ! -d "$dir" ] || [ "$(stat -c %U "$dir")" != postgres ]; then
    echo "$dir is not a directory of the postgres user; remove it and run this again." >&2
    exit 1
  fi
  as_postgres chmod 0700 "$dir"
  as_postgres mkdir -p -m 0700 "$dir/data" "$dir/run"
  ln -s "$dir/data" "$pg_link"
}

pg_running() {
  local data
  data=$(pg_data)
  [ -f "$data/postmaster.pid" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$data" status >/dev/null 2>&1
}
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

  local bin data pg_run
  bin="$(pg_bin)"
  place_postgres
  data=$(pg_data)
  pg_run=$(pg_run_dir)
  if is_root && [ ! -L "$pg_link" ]; then chown postgres:postgres "$run_dir"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    if is_root; then chown postgres:postgres "$data"; fi
    as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  fi
  if ! pg_running; then
    if port_in_use "$PG_PORT"; then
      echo "Port $PG_PORT (from $ports_file) is taken by something else; delete that file to pick new ports." >&2
      exit 1
    fi
    as_postgres "$bin/pg_ctl" -D "$data" -l "$pg_run/postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pg_run" >/dev/null
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
  if [ -L "$pg_link" ]; then
    echo "PostgreSQL on 127.0.0.1:$PG_PORT (data in $(dirname "$data"), linked from .local/postgres, as the postgres" \
      "user cannot enter this checkout), Redis on 127.0.0.1:$REDIS_PORT (data under .local/)" >&2
  else
    echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (data under .local/)" >&2
  fi
}

stop() {
  if pg_running; then as_postgres "$(pg_bin)/pg_ctl" -D "$(pg_data)" -m fast -w stop >/dev/null; fi
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
