#!/usr/bin/env bash
# The ASP.NET Core sample (samples/WebApi) as a user runs it: build, start it on a free loopback port with a fresh data
# directory (Development: SQLite metastore, static master key), wait for /healthz, then over HTTP: store a note and read
# it back, 404 for a missing note, 400 problems for bad requests, 403 for another user's note, the stored row is a data
# row record without the plaintext, a damaged row gives a clear 500 problem without a stack trace; stop it with SIGTERM
# and require exit code 0. Also checks that Production without a KMS region map refuses to start with a clear line.
#
#   scripts/sample-smoke.sh [--no-build]     # --no-build: use the Release build already made (scripts/test.sh)
#
# Needs curl and python3 (for JSON and the app's SQLite file). Exits non-zero on any failure. scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

build=1
[ "${1:-}" = "--no-build" ] && build=0

work="$(mktemp -d /tmp/asherah-sample-smoke.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "sample-smoke: $*" >&2
  if [ -s "$work/app.log" ]; then
    echo "sample-smoke: --- last lines of the app's log ---" >&2
    tail -n 40 "$work/app.log" >&2
  fi
  exit 1
}

command -v curl >/dev/null || fail "curl is required"
command -v python3 >/dev/null || fail "python3 is required"

if [ "$build" = 1 ]; then
  dotnet build samples/WebApi --configuration Release --nologo >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; fail "dotnet build samples/WebApi failed"; }
fi
bin="$repo/samples/WebApi/bin/Release/net10.0"
[ -f "$bin/Asherah.Samples.WebApi.dll" ] || fail "$bin/Asherah.Samples.WebApi.dll is missing (build samples/WebApi in Release first)"

# The app's environment: nothing from the caller's ASHERAH_* variables chooses keys or files.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ASHERAH_' || true)
unset OTEL_EXPORTER_OTLP_ENDPOINT
export DataDirectory="$work/data" DOTNET_NOLOGO=1

# --- Production without a region map: refused before listening, with one clear line ------------------------------
status=0
(cd "$bin" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:0 \
  timeout 60 dotnet Asherah.Samples.WebApi.dll) >"$work/production.log" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$work/production.log" >&2; fail "Production without a region map exited $status, expected 1"; }
grep -q '^notes-api: invalid configuration: .*ASHERAH_REGION_MAP' "$work/production.log" \
  || { cat "$work/production.log" >&2; fail "Production without a region map did not name ASHERAH_REGION_MAP"; }

# --- Start (Development) on a port Kestrel picks, read back from its "Now listening on" line ----------------------
(cd "$bin" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=http://127.0.0.1:0 \
  dotnet Asherah.Samples.WebApi.dll) >"$work/app.log" 2>&1 &
pid=$!

base=""
for _ in $(seq 1 300); do   # 30 s at most
  kill -0 "$pid" 2>/dev/null || fail "the app exited before listening"
  base="$(grep -o -m1 'Now listening on: http://127\.0\.0\.1:[0-9]*' "$work/app.log" | sed 's/^Now listening on: //' || true)"
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || fail "the app did not report a listening address within 30 s"

healthy=""
for _ in $(seq 1 100); do   # 10 s at most
  if [ "$(curl -s --max-time 2 "$base/healthz" || true)" = Healthy ]; then healthy=1; break; fi
  sleep 0.1
done
[ -n "$healthy" ] || fail "$base/healthz did not answer Healthy within 10 s"

# request METHOD PATH [BODY]: writes the body to $work/body, the headers to $work/headers, prints the status code.
request() {
  local args=(-s --max-time 10 -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$1")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}" "$base$2"
}
# json EXPR: evaluates a Python expression over the last response body as `j`.
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/body" "$1"; }
# expect_problem STATUS TITLE WHAT: the last response is a problem+json with this status and title, without a stack trace.
expect_problem() {
  local got="$4"
  [ "$got" = "$1" ] || fail "$3: status $got, expected $1: $(cat "$work/body")"
  grep -qi '^content-type: application/problem+json' "$work/headers" || fail "$3: not application/problem+json: $(cat "$work/headers")"
  [ "$(json 'j["status"]')" = "$1" ] || fail "$3: problem status is not $1: $(cat "$work/body")"
  [ "$(json 'j["title"]')" = "$2" ] || fail "$3: problem title is not '$2': $(cat "$work/body")"
  if grep -q -E '   at |Exception' "$work/body"; then fail "$3: the response shows an exception: $(cat "$work/body")"; fi
}

# --- Store a note and read it back ---------------------------------------------------------------------------------
marker="smoke-plaintext-$RANDOM$RANDOM"
text="$marker: the door code is 4711 — ünïcödé ✓"
body="$(python3 -c 'import json,sys; print(json.dumps({"text": sys.argv[1]}))' "$text")"
status="$(request POST /users/alice/notes "$body")"
[ "$status" = 201 ] || fail "POST /users/alice/notes: status $status: $(cat "$work/body")"
id="$(json 'j["id"]')"
location="$(tr -d '\r' <"$work/headers" | sed -n 's/^[Ll]ocation: //p')"
[ "$location" = "/users/alice/notes/$id" ] || fail "POST: Location is '$location', expected /users/alice/notes/$id"

status="$(request GET "$location")"
[ "$status" = 200 ] || fail "GET $location: status $status: $(cat "$work/body")"
[ "$(json 'j["text"]')" = "$text" ] || fail "GET $location: the text differs: $(cat "$work/body")"
[ "$(json 'j["id"]')" = "$id" ] || fail "GET $location: the id differs: $(cat "$work/body")"

# --- Missing notes and bad requests --------------------------------------------------------------------------------
expect_problem 404 "Note not found" "GET a missing note" "$(request GET /users/alice/notes/00000000-0000-0000-0000-000000000000)"
expect_problem 400 "Bad request" "POST malformed JSON" "$(request POST /users/alice/notes '{"text": ')"
expect_problem 400 "Bad request" "POST without a body" "$(request POST /users/alice/notes)"
expect_problem 400 "One or more validation errors occurred." "POST an empty text" "$(request POST /users/alice/notes '{"text": ""}')"
[ "$(json 'j["errors"]["text"][0]')" != "" ] || fail "POST an empty text: no error for 'text': $(cat "$work/body")"
expect_problem 400 "Invalid request" "POST for a blank user id" "$(request POST /users/%20/notes '{"text": "x"}')"

# --- Another user's note: refused by the encryption itself (the note's key is in alice's partition) -----------------
expect_problem 403 "Note not readable by this user" "GET alice's note as bob" "$(request GET "/users/bob/notes/$id")"

# --- At rest: the row is a data row record; no file under the data directory holds the plaintext -------------------
python3 - "$work/data/notes.db" "$id" <<'PY' || fail "the stored row is not a data row record of alice's partition"
import json, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute("SELECT record FROM notes WHERE id = ?", (sys.argv[2],)).fetchone()
drr = json.loads(row[0])
assert set(drr) == {"Key", "Data"}, drr
assert drr["Key"]["ParentKeyMeta"]["KeyId"] == "_IK_alice_notes-api_asherah-samples", drr["Key"]
PY
[ -s "$work/data/keys.db" ] || fail "the key database $work/data/keys.db was not written"
if grep -r -a -l -F "$marker" "$work/data" >/dev/null; then
  fail "plaintext found at rest: $(grep -r -a -l -F "$marker" "$work/data" | tr '\n' ' ')"
fi

# --- A damaged row: one byte of the ciphertext changed in the app's database ----------------------------------------
python3 - "$work/data/notes.db" "$id" <<'PY' || fail "could not damage the stored row"
import base64, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
drr = json.loads(db.execute("SELECT record FROM notes WHERE id = ?", (sys.argv[2],)).fetchone()[0])
data = bytearray(base64.b64decode(drr["Data"]))
data[0] ^= 0x01
drr["Data"] = base64.b64encode(bytes(data)).decode()
db.execute("UPDATE notes SET record = ? WHERE id = ?", (json.dumps(drr), sys.argv[2]))
db.commit()
PY
expect_problem 500 "Stored note is damaged" "GET a damaged note" "$(request GET "$location")"

# --- Stop with SIGTERM: a clean shutdown exits 0 --------------------------------------------------------------------
kill -TERM "$pid"
for _ in $(seq 1 150); do   # 15 s at most
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the app did not stop within 15 s of SIGTERM"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || fail "the app exited $status after SIGTERM, expected 0"
grep -q 'Application is shutting down' "$work/app.log" || fail "the app's log does not show a graceful shutdown"

echo "sample-smoke: samples/WebApi passed (store/read, 404, 400 x4, 403, not plaintext at rest, damaged row 500, SIGTERM exit 0, Production refuses without a region map)" >&2
