#!/usr/bin/env bash
# The server as a native (NativeAOT) binary, end to end: publish it (a trim or AOT warning fails it), start it as a new
# user on embedded defaults (empty HOME: SQLite file and development key created in the data directory) on a temporary
# socket, run the Node.js client (npm @grpc/grpc-js via scripts/grpc-node.sh) through it, send SIGTERM and expect exit
# 0 with the socket removed. Prints the time from start to socket ready and the resident memory.
# Usage: scripts/server-smoke.sh [PUBLISH_DIR]   (an existing publish directory skips the publish)
# Exits non-zero on any failure. scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

work="$(mktemp -d)"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "server-smoke: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }

publish="${1:-}"
if [ -z "$publish" ]; then
  publish="$work/publish"
  echo "server-smoke: publishing src/Asherah.Server with NativeAOT" >&2
  dotnet publish src/Asherah.Server --configuration Release -p:PublishAot=true --output "$publish" --nologo \
    >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; fail "dotnet publish -p:PublishAot=true failed"; }
  if grep -E "warning (IL|AOT)[0-9]+" "$work/publish.log" >&2; then fail "the native publish has trim or AOT warnings"; fi
fi
server="$publish/asherah-server"
[ -x "$server" ] || fail "no native binary at $server"

node_env="$(scripts/grpc-node.sh install)"
eval "$node_env"
node_path="$ASHERAH_TEST_GRPC_NODE"

# A new user: nothing from the caller's environment chooses keys or files.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ASHERAH_' || true)
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
socket="$work/app.sock"

start_ns=$(date +%s%N)
"$server" --socket-file "$socket" >"$work/server.log" 2>&1 &
server_pid=$!
until python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$socket" 2>/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
  [ $(( $(date +%s%N) - start_ns )) -lt 30000000000 ] || fail "the server did not listen within 30 s"
  sleep 0.005
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
rss_start=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")

[ -f "$XDG_DATA_HOME/asherah/master.key" ] || fail "the development key was not created under the data directory"
grep -q "development master key" "$work/server.log" || fail "the development key was not announced"

echo '{"partition":"smoke","otherPartition":"other","payloads":["aGVsbG8=",""],"records":[]}' \
  | NODE_PATH="$node_path" node tests/Asherah.Server.Tests/Node/client.js "$socket" src/Asherah.Server/Protos/appencryption.proto \
  >"$work/node.json" 2>"$work/node.err" || { cat "$work/node.err" >&2; fail "the Node.js client failed"; }
python3 - "$work/node.json" <<'PY' || fail "the Node.js client's results are wrong: $(cat "$work/node.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["roundTrip"] == ["aGVsbG8=", ""], out["roundTrip"]
assert out["records"][0]["key"]["parent_key_meta"]["key_id"] == "_IK_smoke_asherah-server_asherah-server"
assert out["notInitialized"] == "session not yet initialized"
assert out["alreadyInitialized"] == "session has already been initialized"
assert out["damaged"] and out["wrongPartition"]
assert out["afterErrors"] == "YWZ0ZXIgZXJyb3Jz"
PY
rss_after=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
[ "$status" -eq 0 ] || fail "the server exited $status after SIGTERM"
[ ! -e "$socket" ] || fail "the socket file was left behind"
echo "server-smoke: native asherah-server ok: socket ready in ${ready_ms} ms, RSS ${rss_start} KiB at start, ${rss_after} KiB after the Node.js client; SIGTERM exit 0" >&2
