#!/usr/bin/env bash
# Runs every test of the solution (the README's test command). Needs ../shared beside the checkout; starts a throwaway
# MariaDB server (scripts/mariadb.sh, installing Debian's mariadb-server if missing) for the MySQL metastore tests, and
# dynalite (scripts/dynalite.sh, installing npm dynalite@4.0.0 into a cache directory if missing) for the DynamoDB ones,
# and npm @grpc/grpc-js (scripts/grpc-node.sh) for the server's Node.js client tests.
# Prints a closing line "tests: N passed, M failed" and exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/vectors ]; then
  echo "test: ../shared (vectors, Wycheproof data) must sit beside the checkout" >&2
  exit 2
fi

scripts/setup.sh

# Throwaway database servers for the metastore tests, each in its own directory, stopped and removed on exit:
# PostgreSQL (TimeZone Asia/Kolkata) for PostgresMetastoreTests, MariaDB (+05:00) for MySqlMetastoreTests, two dynalite
# servers (in-memory DynamoDB, npm dynalite) for the DynamoDB metastore tests. Without their variables those tests skip
# locally and fail under CI.
export ASHERAH_PG_STATE="$(mktemp -d /tmp/asherah-postgres.XXXXXX)"
ASHERAH_MARIADB_DIR="$(mktemp -d -u /tmp/asherah-mariadb-test.XXXXXX)"
export ASHERAH_MARIADB_DIR
ASHERAH_DYNALITE_DIR="$(mktemp -d -u /tmp/asherah-dynalite-test.XXXXXX)"
export ASHERAH_DYNALITE_DIR
trap 'scripts/postgres.sh stop; scripts/mariadb.sh stop; scripts/dynalite.sh stop' EXIT
ASHERAH_TEST_POSTGRES="$(scripts/postgres.sh start)"
export ASHERAH_TEST_POSTGRES
mariadb_env="$(scripts/mariadb.sh start)"
eval "$mariadb_env"
dynalite_env="$(scripts/dynalite.sh start)"
eval "$dynalite_env"
# The Node.js gRPC client the server's tests drive it with (npm @grpc/grpc-js and @grpc/proto-loader, cached).
grpc_node_env="$(scripts/grpc-node.sh install)"
eval "$grpc_node_env"

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test Asherah.sln --configuration Release --nologo \
  --logger "trx" --results-directory "$results" "$@" || status=$?

# The README's quick start must keep running as written.
if ! dotnet run --project samples/QuickStart --configuration Release >/dev/null; then
  echo "test: samples/QuickStart (the README quick start) failed" >&2
  status=1
fi

# The ASP.NET Core sample, started and called over HTTP (built in Release by dotnet test above).
if ! scripts/sample-smoke.sh --no-build; then
  echo "test: samples/WebApi (scripts/sample-smoke.sh) failed" >&2
  status=1
fi

# The CLI as a native (NativeAOT) binary: publish (trim/AOT warnings fail it), install with scripts/install-native.sh into
# a temporary prefix, round trip as a new user.
if ! scripts/native-smoke.sh; then
  echo "test: the native CLI (scripts/native-smoke.sh) failed" >&2
  status=1
fi

# The gRPC sidecar as a native binary: publish, start on embedded defaults, Node.js client round trip, SIGTERM, exit 0.
if ! scripts/server-smoke.sh; then
  echo "test: the native server (scripts/server-smoke.sh) failed" >&2
  status=1
fi

python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    # xunit's skipped tests are counted in total but not in executed (notExecuted stays 0).
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
