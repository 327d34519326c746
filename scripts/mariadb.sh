#!/usr/bin/env bash
# A throwaway MariaDB server for the MySQL metastore tests.
#   scripts/mariadb.sh start   installs Debian's mariadb-server if missing, starts a server in a temporary data directory
#                              on a free loopback port with the default time zone +05:00 (so tests see a non-UTC server,
#                              as canonical rows would), creates database `asherah` and user `asherah`, and writes the
#                              connection string to $ASHERAH_MARIADB_DIR/connection-string. Prints `export` lines.
#   scripts/mariadb.sh env     prints `export ASHERAH_TEST_MYSQL=...` for the running server.
#   scripts/mariadb.sh stop    shuts the server down and removes its directory.
#   scripts/mariadb.sh pause   shuts the server down and keeps its directory (data, port, user, connection string).
#   scripts/mariadb.sh resume  starts a paused server again over its data on the same port; prints `export` lines.
# The state lives in $ASHERAH_MARIADB_DIR (default /tmp/asherah-mariadb-$UID). Usage: eval "$(scripts/mariadb.sh start)".
set -euo pipefail

dir="${ASHERAH_MARIADB_DIR:-/tmp/asherah-mariadb-$(id -u)}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

say() { echo "mariadb: $*" >&2; }

# The OS user the server runs as: root may run it only when told so; anyone else runs it as themselves.
os_user="$(id -un)"

install_server() {
  if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
    return
  fi
  say "installing mariadb-server (Debian)"
  $SUDO apt-get update -qq
  # The package's own service is not wanted; where policy-rc.d allows it, it starts and is left alone.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mariadb-server >/dev/null
}

# A loopback port nothing listens on (python3 asks the kernel; without it, probe random ports).
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

print_env() {
  [ -f "$dir/connection-string" ] || { say "no server running (no $dir/connection-string)"; exit 1; }
  printf 'export ASHERAH_TEST_MYSQL=%q\n' "$(cat "$dir/connection-string")"
}

client() { mariadb --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot "$@"; }

# Runs mariadbd over $dir/data on port $1 and waits until it accepts connections.
launch() {
  local mariadbd
  mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  "$mariadbd" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
    --port="$1" --bind-address=127.0.0.1 --user="$os_user" --default-time-zone=+05:00 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --skip-log-bin --innodb-buffer-pool-size=32M --log-error="$dir/error.log" >/dev/null 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 120); do
    if client -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then say "server exited"; cat "$dir/error.log" >&2; exit 1; fi
    sleep 0.5
  done
  client -e 'SELECT 1' >/dev/null || { say "server did not accept connections"; cat "$dir/error.log" >&2; exit 1; }
}

start() {
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    say "already running in $dir"
    print_env
    return
  fi
  install_server
  rm -rf "$dir"
  mkdir -p "$dir/data"
  local port
  port="$(free_port)"
  mariadb-install-db --no-defaults --datadir="$dir/data" --user="$os_user" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  launch "$port"
  local password
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  # The tests create scratch databases (e.g. one with canonical's case-insensitive DDL), so the user may create any.
  client -e "CREATE DATABASE asherah; CREATE USER 'asherah'@'127.0.0.1' IDENTIFIED BY '$password';
             GRANT ALL PRIVILEGES ON *.* TO 'asherah'@'127.0.0.1'; FLUSH PRIVILEGES;"
  echo "Server=127.0.0.1;Port=$port;Database=asherah;User ID=asherah;Password=$password" >"$dir/connection-string"
  say "running on 127.0.0.1:$port (time zone +05:00), state in $dir"
  print_env
}

# Shuts the server down (its data stays).
shutdown() {
  if [ -f "$dir/pid" ]; then
    local pid
    pid="$(cat "$dir/pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    fi
  fi
}

stop() {
  shutdown
  rm -rf "$dir"
}

resume() {
  [ -f "$dir/connection-string" ] && [ -f "$dir/port" ] && [ -d "$dir/data" ] ||
    { say "nothing to resume in $dir (scripts/mariadb.sh start)"; exit 1; }
  if ! { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }; then
    launch "$(cat "$dir/port")"
  fi
  print_env
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pause) shutdown ;;
  resume) resume ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|pause|resume|env" >&2; exit 2 ;;
esac
