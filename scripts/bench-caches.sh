#!/usr/bin/env bash
# Key-cache policies measured three ways (bench/Asherah.Benchmarks/Caching), with the machine they ran on:
#   1. hit rates: five traces (Zipf s = 0.8, 1.0, 1.2 over 1,000,000 partitions, a scan-heavy trace, a shifting hot
#      set; 10,000,000 accesses each) through every policy at caches of 1 % and 10 %, next to Belady's optimum on the
#      same trace (OUT/hitrates.md);
#   2. hit throughput on 1 and 2 threads, BenchmarkDotNet (OUT/results/*CacheHitThroughputBenchmarks-report-github.md,
#      column speed-up = throughput on 2 threads / on 1), and the speed-up as the median of 21 paired rounds
#      (cachescaling, OUT/scaling.md: steadier on a shared machine, where separate cases drift apart);
#   3. managed and locked bytes per cached intermediate key (OUT/memory.md).
#   scripts/bench-caches.sh [OUT] [--quick]
# OUT (default: a new temporary directory) also receives environment.txt (CPU, load before and after, .NET).
# --quick: traces a tenth the size and a short BenchmarkDotNet job (a smoke run, not figures to publish).
# Measured on 2 vCPUs with a load average of ~25 from other jobs: hit rates 17 min (with lru/lfu/slru adding in O(1);
# see LockedPolicyCache.TryAdd's ConcurrentDictionary.Count, which takes every bucket lock and made those three policies
# ~50x slower to replay), hit throughput 9 min, memory 10 s. Keep the machine otherwise idle: the 2-thread figure needs
# both cores to itself, and under load it measures the scheduler, not the cache.
set -euo pipefail
cd "$(dirname "$0")/.."

out=""
quick=()
bdn=()
scaling=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick); bdn=(--warmupCount 1 --iterationCount 3); scaling=(--rounds 3 --hits 200000) ;;
    -*) echo "bench-caches: unknown option $arg" >&2; exit 2 ;;
    *) out="$arg" ;;
  esac
done
out="${out:-$(mktemp -d /tmp/asherah-bench-caches.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

dotnet build bench/Asherah.Benchmarks --configuration Release --nologo -v q >/dev/null
bench=(dotnet bench/Asherah.Benchmarks/bin/Release/net10.0/Asherah.Benchmarks.dll)

load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) logical CPUs)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "load (1, 5, 15 min) before: $(load)"
  echo "dotnet: $(dotnet --version)"
  echo "memlock limit: $(ulimit -l) KiB"
} | tee "$out/environment.txt" >&2

"${bench[@]}" hitrates "${quick[@]}" --out "$out/hitrates.md" >/dev/null
echo "load after hit rates: $(load)" | tee -a "$out/environment.txt" >&2

"${bench[@]}" --artifacts "$out" --filter '*CacheHitThroughputBenchmarks*' "${bdn[@]}" | tee "$out/run.log" >&2
echo "load after throughput: $(load)" | tee -a "$out/environment.txt" >&2

"${bench[@]}" cachescaling "${scaling[@]}" --out "$out/scaling.md" >/dev/null
echo "load after scaling: $(load)" | tee -a "$out/environment.txt" >&2

"${bench[@]}" cachememory --out "$out/memory.md" >/dev/null

echo >&2
cat "$out/environment.txt"
echo
cat "$out/hitrates.md"
echo
sed -n '/^|/p' "$out"/results/*CacheHitThroughputBenchmarks-report-github.md
echo
cat "$out/scaling.md"
echo
cat "$out/memory.md"
echo "bench-caches: results in $out" >&2
