#!/usr/bin/env bash
# Instructions per 64-byte encrypt+decrypt pair on the hot path (one warm partition), per key-cache policy, counted by
# valgrind's callgrind: each policy runs bench/Asherah.Benchmarks' `hotpath` command twice, with LOW and HIGH measured
# pairs after the same warm-up, and (instructions(HIGH) − instructions(LOW)) / (HIGH − LOW) leaves the pairs alone
# (start-up, JIT and warm-up cancel out). Instruction counts do not depend on the machine's load or clock, so the
# figures compare across runs; they do depend on the CPU features the JIT uses (printed with the table).
# The JIT compiles every method once, fully optimized, framework code included (no tiering, no ReadyToRun code, no
# background GC): with tiering on, its background work lands in one run's count and not the other's (the same
# policy measured 12,022 and 48,734 that way). So the figures are of that code, not of tiered PGO's.
#   scripts/count-instructions.sh [--policies simple,lru,...] [--shared] [--low N] [--high N]
# Needs valgrind (Debian package `valgrind`; installed here when missing and apt-get can). About 1 minute per policy.
set -euo pipefail
cd "$(dirname "$0")/.."

policies="simple,lru,lfu,slru,tinylfu"
shared=()
low=10000
high=30000
while [ $# -gt 0 ]; do
  case "$1" in
    --policies) policies="$2"; shift 2 ;;
    --shared) shared=(--shared); shift ;;
    --low) low="$2"; shift 2 ;;
    --high) high="$2"; shift 2 ;;
    *) echo "count-instructions: unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v valgrind >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq valgrind >/dev/null
  else
    echo "count-instructions: valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
  fi
fi

dotnet build bench/Asherah.Benchmarks --configuration Release --nologo -v q >/dev/null
dll=bench/Asherah.Benchmarks/bin/Release/net10.0/Asherah.Benchmarks.dll

# Instructions the whole process executed, as callgrind's summary line "Collected : N" reports them.
count() {
  local log
  log="$(mktemp)"
  DOTNET_TieredCompilation=0 DOTNET_ReadyToRun=0 DOTNET_gcConcurrent=0 DOTNET_TieredPGO=0 \
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file \
    dotnet "$dll" hotpath --policy "$1" --pairs "$2" "${shared[@]}" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log" | tail -1
  rm -f "$log"
}

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'); flags used by the JIT include: $(grep -o -w 'aes\|pclmulqdq\|avx2\|avx512f\|vaes\|vpclmulqdq' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "pairs counted: $((high - low)) (runs of $low and $high after the same warm-up)${shared:+, shared intermediate-key cache}"
echo
echo "| key-cache policy | instructions per encrypt+decrypt pair |"
echo "|---|---:|"
IFS=',' read -ra names <<<"$policies"
for policy in "${names[@]}"; do
  a="$(count "$policy" "$low")"
  b="$(count "$policy" "$high")"
  printf '| %s | %s |\n' "$policy" "$(( (b - a) / (high - low) ))"
done
