#!/usr/bin/env bash
# AWS latency on loopback: starts throwaway dynalite servers (scripts/dynalite.sh, in a new state directory of their
# own), runs the BenchmarkDotNet AWS suite (bench/Asherah.Benchmarks/Aws) against them (the KMS test server,
# tests/Asherah.Kms.Aws.TestServer, starts inside each benchmark process), stops and removes dynalite, and prints where
# the tables are.
#   scripts/bench-aws.sh [OUT] [-- BENCHMARKDOTNET ARGS…]
# OUT (default: a new temporary directory) receives BenchmarkDotNet's artifacts (OUT/results/*-report-github.md) and
# OUT/environment.txt (CPU, load, versions). Without BenchmarkDotNet arguments both classes run:
#   AwsLatencyBenchmarks   per-operation P50/P95/P99 (1,000 operations each): DynamoDB GetItem and KMS Decrypt through
#                          the SDK (baselines), cold-partition encrypt (system key cached), decrypt with neither the
#                          intermediate nor the system key cached (2 GetItem + KMS Decrypt)
#   AwsFailoverBenchmarks  that decrypt (200 operations) with the preferred KMS region healthy, failing fast (HTTP 500),
#                          hanging (costs AwsKmsOptions.RegionTimeout, 200 ms here)
# Takes about 4 minutes on 2 cores. Example: scripts/bench-aws.sh /tmp/awsbench -- --filter '*AwsFailoverBenchmarks*'
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
if [ $# -eq 0 ]; then set -- --filter '*AwsLatencyBenchmarks*' '*AwsFailoverBenchmarks*'; fi
out="${out:-$(mktemp -d /tmp/asherah-bench-aws.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

dotnet build bench/Asherah.Benchmarks --configuration Release --nologo -v q >/dev/null

ASHERAH_DYNALITE_DIR="$(mktemp -d -u /tmp/asherah-bench-dynalite.XXXXXX)"
export ASHERAH_DYNALITE_DIR
trap 'scripts/dynalite.sh stop' EXIT
eval "$(scripts/dynalite.sh start)"

# The machine, for the table's reader: other work on it shows in the load average.
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) logical CPUs)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dynalite: $(node --version) $(scripts/dynalite.sh env | head -1)"
  echo "dotnet: $(dotnet --version)"
} | tee "$out/environment.txt" >&2

dotnet bench/Asherah.Benchmarks/bin/Release/net10.0/Asherah.Benchmarks.dll --artifacts "$out" "$@" | tee "$out/run.log" >&2
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt" >&2

echo "bench-aws: results in $out/results:" >&2
ls "$out"/results/*-report-github.md
