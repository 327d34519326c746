#!/usr/bin/env bash
# Measures the gRPC sidecar on this machine (loopback only, bounded):
#   start-up   time from exec to the Unix socket accepting a connection, and resident memory (VmRSS) then, median of
#              RUNS starts (default 10) on embedded defaults (SQLite file, development key), for the JIT build and, when
#              NATIVE names a NativeAOT publish directory (or NATIVE=publish to publish one), the native binary
#   load       STREAMS concurrent Session streams (default 64) for DURATION seconds (default 30), each encrypting a PAYLOAD-byte
#              payload (default 64) and decrypting the record it got back, over PARTITIONS partitions (default 64):
#              throughput and p50/p99 per operation and the error count, against the in-process API (BytesSession,
#              same workers, same SQLite metastore and static key) on the same machine; RSS after the load
# Usage: [RUNS=10] [STREAMS=64] [DURATION=30] [NATIVE=dir|publish] scripts/bench-server.sh
# Exits non-zero when a load run saw an error.
set -euo pipefail
cd "$(dirname "$0")/.."
# (DURATION, not SECONDS: bash's SECONDS counts the shell's own run time.)
runs="${RUNS:-10}" streams="${STREAMS:-64}" seconds="${DURATION:-30}" payload="${PAYLOAD:-64}" partitions="${PARTITIONS:-64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "bench-server: building (Release)" >&2
dotnet build src/Asherah.Server -c Release --nologo -v q >/dev/null
dotnet build bench/Asherah.Server.Load -c Release --nologo -v q >/dev/null
jit="src/Asherah.Server/bin/Release/net10.0/asherah-server"
load="bench/Asherah.Server.Load/bin/Release/net10.0/Asherah.Server.Load.dll"

native="${NATIVE:-}"
if [ "$native" = publish ]; then
  native="$work/native"
  echo "bench-server: publishing NativeAOT" >&2
  dotnet publish src/Asherah.Server -c Release -p:PublishAot=true -o "$native" --nologo >/dev/null
fi

# start-up: exec -> socket accepts; VmRSS at that moment; SIGTERM -> exit code.
startup() {
  local name="$1" binary="$2"
  python3 - "$binary" "$work/startup-$name" "$runs" "$name" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time
binary, base, runs, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times, rss = [], []
for i in range(runs):
    d = f"{base}-{i}"
    os.makedirs(d)
    sock = os.path.join(d, "s.sock")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASHERAH_")}
    env["ASHERAH_DATA_DIR"] = os.path.join(d, "data")
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "--socket-file", sock], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock); s.close(); break
        except OSError:
            s.close()
            if p.poll() is not None: sys.exit(f"{name}: the server exited {p.returncode}")
            time.sleep(0.0005)
    times.append((time.perf_counter() - t0) * 1000)
    with open(f"/proc/{p.pid}/status") as f:
        rss.append(next(int(l.split()[1]) for l in f if l.startswith("VmRSS")))
    p.send_signal(signal.SIGTERM)
    if p.wait(30) != 0: sys.exit(f"{name}: exit {p.returncode} after SIGTERM")
print(f"| {name} | {statistics.median(times):.0f} ms | {min(times):.0f} ms | {max(times):.0f} ms | {statistics.median(rss)/1024:.1f} MiB |")
PY
}

echo
echo "Start-up on embedded defaults ($runs starts each): exec to socket ready, RSS at ready"
echo
echo "| build | median | min | max | RSS (median) |"
echo "|---|---:|---:|---:|---:|"
startup "JIT (dotnet build, apphost)" "$jit"
[ -n "$native" ] && startup "NativeAOT" "$native/asherah-server"

server="${native:+$native/asherah-server}"
server="${server:-$jit}"
mkdir -p "$work/load"
ASHERAH_DATA_DIR="$work/load/data" "$server" --socket-file "$work/load/s.sock" >"$work/load/server.log" 2>&1 &
pid=$!
until python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$work/load/s.sock" 2>/dev/null; do sleep 0.05; done
status=0
dotnet "$load" server "$work/load/s.sock" --streams "$streams" --seconds "$seconds" --payload "$payload" --partitions "$partitions" >"$work/server.tsv" || status=$?
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" || true
dotnet "$load" library "$work/load" --streams "$streams" --seconds "$seconds" --payload "$payload" --partitions "$partitions" >"$work/library.tsv" || status=$?

echo
echo "Load: $streams streams, ${seconds} s, ${payload}-byte payloads, $partitions partitions; server: $( [ -n "$native" ] && echo NativeAOT || echo JIT ), RSS after load $((rss / 1024)) MiB"
echo
python3 - "$work/server.tsv" "$work/library.tsv" <<'PY'
import sys
def read(path):
    rows, errors = {}, None
    for line in open(path):
        parts = line.strip().split("\t")
        if parts[1] == "errors": errors = int(parts[2]); continue
        rows[parts[1]] = {k: float(v) for k, v in (p.split("=") for p in parts[2:])}
    return rows, errors
server, server_errors = read(sys.argv[1])
library, library_errors = read(sys.argv[2])
print("| operation | sidecar ops/s | sidecar p50 | sidecar p99 | in-process ops/s | in-process p50 | in-process p99 | throughput ratio |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for op in ("encrypt", "decrypt"):
    s, l = server[op], library[op]
    print(f"| {op} | {s['ops_per_s']:,.0f} | {s['p50_us']:.0f} µs | {s['p99_us']:.0f} µs | {l['ops_per_s']:,.0f} | {l['p50_us']:.1f} µs | {l['p99_us']:.1f} µs | {l['ops_per_s'] / s['ops_per_s']:.1f}x |")
print(f"\nerrors: sidecar {server_errors}, in-process {library_errors}")
PY
exit $status
