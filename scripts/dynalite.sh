#!/usr/bin/env bash
# Throwaway DynamoDB servers (dynalite, an in-memory DynamoDB on Node.js) for the DynamoDB metastore tests.
#   scripts/dynalite.sh start   installs npm dynalite@4.0.0 into a cache directory if missing, starts two in-memory
#                               servers on free loopback ports (tables ACTIVE at once: --createTableMs 0) in a temporary
#                               directory, and prints `export` lines: ASHERAH_TEST_DYNAMODB (the endpoint) and
#                               ASHERAH_TEST_DYNAMODB_REPLICA (a second, independent one: the other region of the
#                               global-table tests)
#   scripts/dynalite.sh env     prints the same `export` lines for the running servers
#   scripts/dynalite.sh stop    stops both servers and removes the directory
# State lives in $ASHERAH_DYNALITE_DIR (default /tmp/asherah-dynalite-$UID); the npm package in $ASHERAH_DYNALITE_HOME
# (default ${XDG_CACHE_HOME:-~/.cache}/asherah/dynalite-4.0.0, or under $TMPDIR without a writable home). Needs Node.js 20+ and npm; runs as root or any user.
# Usage: eval "$(scripts/dynalite.sh start)". Safe to repeat: start on running servers prints their lines again.
set -euo pipefail

version=4.0.0
dir="${ASHERAH_DYNALITE_DIR:-/tmp/asherah-dynalite-$(id -u)}"
cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}"
# A user without a writable home (a CI or service account) caches under the temporary directory instead.
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache="${TMPDIR:-/tmp}/asherah-cache-$(id -u)"
home="${ASHERAH_DYNALITE_HOME:-$cache/asherah/dynalite-$version}"
bin="$home/node_modules/.bin/dynalite"

say() { echo "dynalite: $*" >&2; }

install_dynalite() {
  command -v node >/dev/null 2>&1 || { say "node is not installed (Node.js 20 or later with npm; scripts/setup.sh)"; exit 2; }
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || say "warning: dynalite $version declares Node.js >= 20; this is $(node --version)"
  [ -x "$bin" ] && return
  command -v npm >/dev/null 2>&1 || { say "npm is not installed (Node.js 20 or later with npm; scripts/setup.sh)"; exit 2; }
  mkdir -p "$home"
  # One installer at a time: parallel test runs share the cache directory.
  (
    flock 9
    if [ ! -x "$bin" ]; then
      say "installing npm dynalite@$version into $home"
      npm_config_cache="$home/.npm-cache" npm install --prefix "$home" --no-audit --no-fund --loglevel=error "dynalite@$version" >&2
    fi
  ) 9>"$home.lock"
  [ -x "$bin" ] || { say "npm install did not produce $bin"; exit 1; }
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

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() {
  local name
  for name in primary replica; do
    [ -f "$dir/$name.pid" ] && [ -f "$dir/$name.port" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || return 1
  done
}

print_env() {
  running || { say "not running (scripts/dynalite.sh start)"; exit 1; }
  echo "export ASHERAH_TEST_DYNAMODB=http://127.0.0.1:$(cat "$dir/primary.port")"
  echo "export ASHERAH_TEST_DYNAMODB_REPLICA=http://127.0.0.1:$(cat "$dir/replica.port")"
}

# Starts one server called $1; retries on another port if the chosen one was taken meanwhile.
start_one() {
  local name="$1" port pid attempt
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    "$bin" --host 127.0.0.1 --port "$port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
      >"$dir/$name.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      if listening "$port"; then
        echo "$pid" >"$dir/$name.pid"
        echo "$port" >"$dir/$name.port"
        return
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    say "$name did not start on port $port (attempt $attempt):"
    cat "$dir/$name.log" >&2
  done
  exit 1
}

start() {
  if running; then
    print_env
    return
  fi
  install_dynalite
  stop
  mkdir -p "$dir"
  start_one primary
  start_one replica
  say "running on 127.0.0.1:$(cat "$dir/primary.port") and 127.0.0.1:$(cat "$dir/replica.port"), state in $dir"
  print_env
}

stop() {
  local name pid
  for name in primary replica; do
    [ -f "$dir/$name.pid" ] || continue
    pid="$(cat "$dir/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
