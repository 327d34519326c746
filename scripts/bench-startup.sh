#!/usr/bin/env bash
# Start-up time of the CLI as a new user meets it: one small `asherah encrypt` (SQLite metastore and development master
# key in a fresh data directory, created by a first untimed run), measured with hyperfine for three builds:
#   JIT         dotnet src/Asherah.Cli/bin/Release/net10.0/Asherah.Cli.dll   (dotnet build -c Release)
#   ReadyToRun  dotnet OUT/r2r/Asherah.Cli.dll                              (dotnet publish -p:PublishReadyToRun=true)
#   NativeAOT   OUT/aot/Asherah.Cli                                          (dotnet publish -p:PublishAot=true)
# Usage: scripts/bench-startup.sh [OUT]   (OUT defaults to a temporary directory; results go to OUT/startup.md and
# OUT/startup.json; RUNS=N sets the runs per command, default 30)
# Installs hyperfine (Debian) when missing; NativeAOT needs clang and zlib1g-dev (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq hyperfine >/dev/null
fi
scripts/setup.sh

echo "bench-startup: building (JIT), publishing ReadyToRun and NativeAOT into $out" >&2
dotnet build src/Asherah.Cli --configuration Release --nologo -v q >/dev/null
dotnet publish src/Asherah.Cli --configuration Release -p:PublishReadyToRun=true --output "$out/r2r" --nologo -v q >/dev/null
dotnet publish src/Asherah.Cli --configuration Release -p:PublishAot=true --output "$out/aot" --nologo -v q >/dev/null

jit="dotnet $repo/src/Asherah.Cli/bin/Release/net10.0/Asherah.Cli.dll"
r2r="dotnet $out/r2r/Asherah.Cli.dll"
aot="$out/aot/Asherah.Cli"

while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ASHERAH_' || true)
export HOME="$out/home" ASHERAH_DATA_DIR="$out/home/data" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$HOME"
printf 'hello, world\n' >"$out/payload.txt"
args="encrypt --partition bench --in $out/payload.txt"
$aot $args >/dev/null 2>&1 # creates the master key and the metastore once, as a user's first run would

grep -m1 'model name' /proc/cpuinfo >&2 || true
echo "bench-startup: $(nproc) CPUs" >&2
hyperfine --shell=none --warmup 3 --runs "${RUNS:-30}" --export-markdown "$out/startup.md" --export-json "$out/startup.json" \
  --command-name JIT "$jit $args" \
  --command-name ReadyToRun "$r2r $args" \
  --command-name NativeAOT "$aot $args"
cat "$out/startup.md"
# Medians resist the noise of a busy machine better than means.
python3 - "$out/startup.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}: median {r['median'] * 1000:.1f} ms, min {r['min'] * 1000:.1f} ms")
PY
