#!/usr/bin/env bash
# The Node.js gRPC client libraries the server's tests drive it with, as canonical Asherah's Node sample client uses
# them: npm @grpc/grpc-js and @grpc/proto-loader, installed once into a cache directory.
#   scripts/grpc-node.sh install   installs them if missing and prints `export ASHERAH_TEST_GRPC_NODE=DIR/node_modules`
#   scripts/grpc-node.sh env       prints the same line (fails when not installed)
# The cache is $ASHERAH_GRPC_NODE_HOME (default ${XDG_CACHE_HOME:-~/.cache}/asherah/grpc-node-VERSIONS, or under $TMPDIR
# without a writable home). Needs Node.js 20+ and npm. Usage: eval "$(scripts/grpc-node.sh install)".
set -euo pipefail

grpc_js=1.14.7
proto_loader=0.8.1
cache="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}"
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache="${TMPDIR:-/tmp}/asherah-cache-$(id -u)"
home="${ASHERAH_GRPC_NODE_HOME:-$cache/asherah/grpc-node-$grpc_js-$proto_loader}"
modules="$home/node_modules"

say() { echo "grpc-node: $*" >&2; }

installed() { [ -f "$modules/@grpc/grpc-js/package.json" ] && [ -f "$modules/@grpc/proto-loader/package.json" ]; }

install() {
  command -v node >/dev/null 2>&1 || { say "node is not installed (Node.js 20 or later with npm; scripts/setup.sh)"; exit 2; }
  if ! installed; then
    command -v npm >/dev/null 2>&1 || { say "npm is not installed"; exit 2; }
    mkdir -p "$home"
    (
      flock 9
      if ! installed; then
        say "installing npm @grpc/grpc-js@$grpc_js and @grpc/proto-loader@$proto_loader into $home"
        npm_config_cache="$home/.npm-cache" npm install --prefix "$home" --no-audit --no-fund --loglevel=error \
          "@grpc/grpc-js@$grpc_js" "@grpc/proto-loader@$proto_loader" >&2
      fi
    ) 9>"$home.lock"
    installed || { say "npm install did not produce $modules/@grpc"; exit 1; }
  fi
  print_env
}

print_env() {
  installed || { say "not installed (scripts/grpc-node.sh install)"; exit 1; }
  echo "export ASHERAH_TEST_GRPC_NODE=$modules"
}

case "${1:-}" in
  install) install ;;
  env) print_env ;;
  *) echo "usage: $0 install|env" >&2; exit 2 ;;
esac
