#!/usr/bin/env bash
# The CLI as a native (NativeAOT) binary, end to end: publish once (a trim or AOT warning fails it), install into a
# temporary prefix with scripts/install-native.sh, then as a new user (empty HOME and data directory) encrypt and
# decrypt, list keys, check a usage error, check that SQLite error codes survive trimming, run concurrent first
# invocations (one master key, one SK, all decrypt), and round trip over the PostgreSQL and MySQL test servers when
# ASHERAH_TEST_POSTGRES / ASHERAH_TEST_MYSQL name them, and over dynalite (the trimmed AWS SDK DynamoDB client, table
# made with --create-table) when ASHERAH_TEST_DYNAMODB does.
# Exits non-zero on any failure. scripts/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "native-smoke: $*" >&2; exit 1; }

echo "native-smoke: publishing src/Asherah.Cli with NativeAOT" >&2
dotnet publish src/Asherah.Cli --configuration Release -p:PublishAot=true --output "$work/publish" --nologo \
  >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; fail "dotnet publish -p:PublishAot=true failed"; }

ASHERAH_PUBLISH_DIR="$work/publish" scripts/install-native.sh "$work/prefix" 2>/dev/null
asherah="$work/prefix/bin/asherah"
[ -x "$asherah" ] || fail "install-native.sh did not install $asherah"

# The test servers, if the caller has them (scripts/test.sh does), before the environment is cleared.
smoke_postgres="${ASHERAH_TEST_POSTGRES:-}"
smoke_mysql="${ASHERAH_TEST_MYSQL:-}"
smoke_dynamodb="${ASHERAH_TEST_DYNAMODB:-}"

# A new user: nothing from the caller's environment chooses keys or files.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ASHERAH_' || true)
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
cd "$work"

head -c 5000 /dev/urandom >payload.bin
"$asherah" encrypt --partition smoke --in payload.bin >record.json 2>encrypt.err || { cat encrypt.err >&2; fail "encrypt failed"; }
"$asherah" decrypt --partition smoke <record.json >decrypted.bin 2>decrypt.err || { cat decrypt.err >&2; fail "decrypt failed"; }
cmp -s payload.bin decrypted.bin || fail "the decrypted bytes differ from the payload"
[ "$(stat -c %a "$XDG_DATA_HOME/asherah/master.key")" = 600 ] || fail "master.key is not mode 600"
"$asherah" keys list | grep -q '^_IK_smoke_asherah-cli_asherah-cli ' || fail "keys list does not show the intermediate key"

status=0
"$asherah" encrypt --partition '' </dev/null >/dev/null 2>usage.err || status=$?
[ "$status" -eq 2 ] && grep -q '^asherah: ' usage.err || fail "an empty partition did not exit 2 with an 'asherah:' line (exit $status)"

# The SQLite result code must survive trimming: a trigger that refuses every insert with RAISE(ABORT) reports
# SQLITE_CONSTRAINT, which the metastore reads as "another writer stored it" (so the library looks for that key) rather
# than as a database failure. Without the code the message would be the trigger's.
python3 - "$work/constraint.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE encryption_key (id VARCHAR(255) NOT NULL, created TIMESTAMP NOT NULL, key_record TEXT NOT NULL, PRIMARY KEY (id, created))")
db.execute("CREATE TRIGGER refuse BEFORE INSERT ON encryption_key BEGIN SELECT RAISE(ABORT, 'refused by the smoke test'); END")
db.commit()
PY
status=0
printf x | ASHERAH_SQLITE_PATH="$work/constraint.db" "$asherah" encrypt --partition c >/dev/null 2>constraint.err || status=$?
[ "$status" -eq 1 ] && grep -q 'was not present after a concurrent writer stored it' constraint.err \
  || { cat constraint.err >&2; fail "the native binary did not read SQLite's constraint code (exit $status)"; }

# Concurrent first runs in a fresh data directory: they race to create the master key and the system key (the SQLite
# duplicate-key path), and every record must decrypt with what is left on disk.
export ASHERAH_DATA_DIR="$work/race"
for i in 1 2 3 4 5 6; do
  (printf 'payload %s' "$i" | "$asherah" encrypt --partition race >"race-$i.json" 2>"race-$i.err"; echo $? >"race-$i.rc") &
done
wait
for i in 1 2 3 4 5 6; do
  [ "$(cat "race-$i.rc")" = 0 ] || { cat "race-$i.err" >&2; fail "concurrent encrypt $i failed"; }
  [ "$("$asherah" decrypt --partition race <"race-$i.json" 2>/dev/null)" = "payload $i" ] || fail "concurrent record $i does not decrypt"
done
[ "$(wc -c <"$ASHERAH_DATA_DIR/master.key")" -eq 32 ] || fail "the master key is not 32 bytes"

# The server metastores through the native binary (Npgsql's slim builder and MySqlConnector, trimmed): a round trip and
# keys list under a product of this run's own, so rows left by other runs in the shared table cannot interfere.
servers=""
for server in "postgres:$smoke_postgres" "mysql:$smoke_mysql" "rdbms:$smoke_mysql"; do
  name="${server%%:*}" conn="${server#*:}"
  [ -n "$conn" ] || { echo "native-smoke: no $name test server; skipping it" >&2; continue; }
  product="smoke-$name-$$-$RANDOM"
  ASHERAH_CONNECTION_STRING="$conn" ASHERAH_STATIC_MASTER_KEY=thisIsAStaticMasterKeyForTesting \
    "$asherah" encrypt --metastore "$name" --product "$product" --partition s --create-table --in payload.bin >"$name.json" 2>"$name.err" \
    || { cat "$name.err" >&2; fail "encrypt over $name failed"; }
  ASHERAH_CONNECTION_STRING="$conn" ASHERAH_STATIC_MASTER_KEY=thisIsAStaticMasterKeyForTesting \
    "$asherah" decrypt --metastore "$name" --product "$product" --partition s <"$name.json" >"$name.bin" 2>"$name.err" \
    || { cat "$name.err" >&2; fail "decrypt over $name failed"; }
  cmp -s payload.bin "$name.bin" || fail "the bytes decrypted over $name differ from the payload"
  ASHERAH_CONNECTION_STRING="$conn" "$asherah" keys list --metastore "$name" | grep -q "^_IK_s_asherah-cli_$product " \
    || fail "keys list over $name does not show the intermediate key"
  servers="$servers, $name"
done

# DynamoDB through the native binary: the canonical server's options, a table of this run's own created by the CLI,
# dummy credentials (dynalite checks none) and no instance-metadata lookups.
if [ -n "$smoke_dynamodb" ]; then
  table="smoke-$$-$RANDOM"
  dynamodb=(--metastore dynamodb --dynamodb-endpoint "$smoke_dynamodb" --dynamodb-region us-west-2 --dynamodb-table-name "$table")
  export AWS_ACCESS_KEY_ID=smoke AWS_SECRET_ACCESS_KEY=smoke AWS_EC2_METADATA_DISABLED=true
  ASHERAH_STATIC_MASTER_KEY=thisIsAStaticMasterKeyForTesting \
    "$asherah" encrypt "${dynamodb[@]}" --partition s --create-table --in payload.bin >dynamodb.json 2>dynamodb.err \
    || { cat dynamodb.err >&2; fail "encrypt over dynamodb failed"; }
  ASHERAH_STATIC_MASTER_KEY=thisIsAStaticMasterKeyForTesting \
    "$asherah" decrypt "${dynamodb[@]}" --partition s <dynamodb.json >dynamodb.bin 2>dynamodb.err \
    || { cat dynamodb.err >&2; fail "decrypt over dynamodb failed"; }
  cmp -s payload.bin dynamodb.bin || fail "the bytes decrypted over dynamodb differ from the payload"
  "$asherah" keys list "${dynamodb[@]}" | grep -q '^_IK_s_asherah-cli_asherah-cli ' \
    || fail "keys list over dynamodb does not show the intermediate key"
  status=0
  "$asherah" keys list "${dynamodb[@]/$table/$table-missing}" >/dev/null 2>dynamodb-missing.err || status=$?
  [ "$status" -eq 1 ] && grep -q '^asherah: cannot list keys in the dynamodb metastore .*--create-table' dynamodb-missing.err \
    || { cat dynamodb-missing.err >&2; fail "a missing dynamodb table did not fail with one line naming --create-table (exit $status)"; }
  servers="$servers, dynamodb"
else
  echo "native-smoke: no dynamodb test server; skipping it" >&2
fi

# The aws KMS's settings are checked before anything is contacted: no region map is a usage error.
status=0
"$asherah" encrypt --kms aws </dev/null >/dev/null 2>aws.err || status=$?
[ "$status" -eq 2 ] && grep -q '^asherah: .*--region-map' aws.err || { cat aws.err >&2; fail "--kms aws without a region map did not exit 2 naming --region-map (exit $status)"; }

echo "native-smoke: ok ($(du -h "$work/prefix/lib/asherah/asherah" | cut -f1) native binary: encrypt, decrypt, keys list, usage error, SQLite constraint code, concurrent first runs, aws usage error$servers)" >&2
