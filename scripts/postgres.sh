#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests.
#   scripts/postgres.sh start   installs Debian's postgresql if missing, starts a cluster in a temporary directory on a
#                               free loopback port (TimeZone Asia/Kolkata, +05:30, to exercise the time-zone hazard),
#                               creates database "asherah" and prints its connection string
#   scripts/postgres.sh env     prints "export ASHERAH_TEST_POSTGRES='…'" for the running server (eval it)
#   scripts/postgres.sh stop    stops the server and removes its directory
#   scripts/postgres.sh pause   stops the server and keeps its directory (data, port, connection string)
#   scripts/postgres.sh resume  starts a paused server again over its data, on the same port; prints its connection string
# State lives in $ASHERAH_PG_STATE (default /tmp/asherah-postgres), whose file "connection" holds the connection string.
# Runs as root (the server itself runs as the "postgres" OS user) or as any user that can run initdb. Safe to repeat:
# start on a running server prints its connection string again; stop on a stopped one does nothing.
set -euo pipefail

state="${ASHERAH_PG_STATE:-/tmp/asherah-postgres}"
zone="${ASHERAH_PG_TIMEZONE:-Asia/Kolkata}"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install() {
  if pg_bin >/dev/null; then return; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgres: PostgreSQL is not installed and installing it needs root (apt-get install postgresql)" >&2
    exit 2
  fi
  echo "postgres: installing Debian postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  # The package starts its own cluster on 5432; this script does not use it.
  pg_bin >/dev/null || { echo "postgres: no initdb under /usr/lib/postgresql/*/bin after install" >&2; exit 2; }
}

# Runs a command as the server's OS user (PostgreSQL refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [ -f "$state/connection" ] && [ -d "$state/data" ] && as_owner "$(pg_bin)/pg_ctl" -D "$state/data" status >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  install
  if running; then cat "$state/connection"; return; fi
  stop_quietly
  local bin port
  bin="$(pg_bin)"
  port="$(free_port)"
  mkdir -p "$state"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$state"
  chmod 700 "$state"
  as_owner "$bin/initdb" -D "$state/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 ||
    { cat "$state/initdb.log" >&2; exit 1; }
  cat >>"$state/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$state'
timezone = '$zone'
log_timezone = '$zone'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  # trust on loopback only (initdb's pg_hba.conf already limits host lines to 127.0.0.1/::1).
  as_owner "$bin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start >/dev/null ||
    { cat "$state/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres asherah
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=asherah" >"$state/connection"
  cat "$state/connection"
}

stop_quietly() {
  if [ -d "$state/data" ] && pg_bin >/dev/null; then
    as_owner "$(pg_bin)/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
}

# Stops the server, keeping its data directory and connection string for resume.
pause() {
  if [ -d "$state/data" ] && pg_bin >/dev/null; then
    as_owner "$(pg_bin)/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

resume() {
  [ -f "$state/connection" ] && [ -d "$state/data" ] ||
    { echo "postgres: nothing to resume in $state (scripts/postgres.sh start)" >&2; exit 1; }
  if ! running; then
    as_owner "$(pg_bin)/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start >/dev/null ||
      { cat "$state/server.log" >&2; exit 1; }
  fi
  cat "$state/connection"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly ;;
  pause) pause ;;
  resume) resume ;;
  env)
    running || { echo "postgres: not running (scripts/postgres.sh start)" >&2; exit 1; }
    echo "export ASHERAH_TEST_POSTGRES='$(cat "$state/connection")'" ;;
  *) echo "usage: $0 start|stop|pause|resume|env" >&2; exit 2 ;;
esac
