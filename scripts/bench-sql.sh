#!/usr/bin/env bash
# SQL metastore latency and throughput on real servers: starts a throwaway PostgreSQL and MariaDB (scripts/postgres.sh,
# scripts/mariadb.sh, each in its own new state directory), runs the BenchmarkDotNet SQL suite
# (bench/Asherah.Benchmarks/Sql) against both, stops and removes the servers, and prints where the tables are.
#   scripts/bench-sql.sh [OUT] [-- BENCHMARKDOTNET ARGS…]
# OUT (default: a new temporary directory) receives BenchmarkDotNet's artifacts (OUT/results/*-report-github.md) and
# OUT/environment.txt (CPU, server versions). Without BenchmarkDotNet arguments both classes run:
#   SqlMetastoreBenchmarks   per-operation P50/P95/P99: SELECT 1, cold-partition encrypt, uncached-key decrypt, and
#                            the metastore's load-latest miss and store on their own (1,000 operations each)
#   SqlThroughputBenchmarks  2 workers x 1,000 new partitions (Op/s)
# each for Server = postgres, postgres-tuned, mariadb, mariadb-noreset (see bench/Asherah.Benchmarks/Sql/SqlServer.cs).
# Takes about 5 minutes on 2 cores. Example: scripts/bench-sql.sh /tmp/sqlbench -- --filter '*SqlMetastoreBenchmarks*'
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
if [ $# -eq 0 ]; then set -- --filter '*SqlMetastoreBenchmarks*' '*SqlThroughputBenchmarks*'; fi
out="${out:-$(mktemp -d /tmp/asherah-bench-sql.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

dotnet build bench/Asherah.Benchmarks --configuration Release --nologo -v q >/dev/null

ASHERAH_PG_STATE="$(mktemp -d /tmp/asherah-bench-postgres.XXXXXX)"
ASHERAH_MARIADB_DIR="$(mktemp -d -u /tmp/asherah-bench-mariadb.XXXXXX)"
export ASHERAH_PG_STATE ASHERAH_MARIADB_DIR
trap 'scripts/postgres.sh stop; scripts/mariadb.sh stop' EXIT
ASHERAH_TEST_POSTGRES="$(scripts/postgres.sh start)"
export ASHERAH_TEST_POSTGRES
eval "$(scripts/mariadb.sh start)"

# The machine and the servers, for the table's reader.
pg_port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$ASHERAH_TEST_POSTGRES")"
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) logical CPUs)"
  echo "postgres: $(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d asherah -Atc 'SELECT version()')"
  echo "mariadb: $(mariadb --no-defaults --protocol=socket --socket="$ASHERAH_MARIADB_DIR/mysqld.sock" -uroot -Nse 'SELECT VERSION()')"
  echo "dotnet: $(dotnet --version)"
} | tee "$out/environment.txt" >&2

dotnet bench/Asherah.Benchmarks/bin/Release/net10.0/Asherah.Benchmarks.dll --artifacts "$out" "$@" | tee "$out/run.log" >&2

echo "bench-sql: results in $out/results:" >&2
ls "$out"/results/*-report-github.md
