#!/usr/bin/env bash
# Differential soak of the intrinsics AES-256-GCM engine against System.Security.Cryptography.AesGcm.
# Not part of CI: run by hand, e.g. before a release or after touching src/Asherah/Crypto.
#
#   scripts/crypto-soak.sh                       # 5,000,000 cases, lengths up to 4096, all cores
#   CASES=50000000 MAX_LENGTH=65536 scripts/crypto-soak.sh
#   SECONDS_LIMIT=3600 CASES=1000000000 scripts/crypto-soak.sh   # stop after an hour
#   SEED=1234 THREADS=1 scripts/crypto-soak.sh   # reproduce a failure reported with its seed
#
# The engine has a 512-bit GHASH path (VPCLMULQDQ) and a 128-bit one; where the CPU has AVX-512 the soak runs
# twice, the second time with DOTNET_EnableAVX512=0 so the 128-bit path gets the same scrutiny. PASSES=wide or
# PASSES=narrow runs only one of them.
#
# Exit status: 0 when every case agreed, 1 on the first disagreement (details on stderr), 2 when unsupported.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases="${CASES:-5000000}"
max_length="${MAX_LENGTH:-4096}"
threads="${THREADS:-$(nproc)}"
seed="${SEED:-$(( RANDOM * 32768 + RANDOM ))}"
seconds="${SECONDS_LIMIT:-}"

args=(--cases "$cases" --max-length "$max_length" --threads "$threads" --seed "$seed")
if [[ -n "$seconds" ]]; then
  args+=(--seconds "$seconds")
fi

passes="${PASSES:-both}"

dotnet build "$root/tests/Asherah.Crypto.Soak" -c Release --nologo -v quiet
soak="$root/tests/Asherah.Crypto.Soak/bin/Release/net10.0/Asherah.Crypto.Soak.dll"

if [[ "$passes" == "both" || "$passes" == "wide" ]]; then
  echo "== default instruction sets"
  dotnet "$soak" "${args[@]}"
fi
if [[ "$passes" == "both" || "$passes" == "narrow" ]]; then
  echo "== DOTNET_EnableAVX512=0 (128-bit GHASH path)"
  DOTNET_EnableAVX512=0 dotnet "$soak" "${args[@]}"
fi
