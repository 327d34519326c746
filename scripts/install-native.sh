#!/usr/bin/env bash
# Installs the `asherah` command as a native (NativeAOT) binary, which starts in milliseconds and needs no .NET runtime:
#   PREFIX/lib/asherah/asherah          the binary
#   PREFIX/lib/asherah/libe_sqlite3.so  the SQLite library it loads from beside itself
#   PREFIX/bin/asherah                  a symbolic link to the binary
# Usage: scripts/install-native.sh [PREFIX]      (PREFIX defaults to ~/.local, so the command is ~/.local/bin/asherah)
# Needs the .NET SDK, clang and zlib1g-dev (scripts/setup.sh installs the last two on Debian).
# ASHERAH_PUBLISH_DIR=DIR installs an existing `dotnet publish src/Asherah.Cli -c Release -p:PublishAot=true -o DIR`
# output instead of publishing again.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:-$HOME/.local}"

if [ -n "${ASHERAH_PUBLISH_DIR:-}" ]; then
  publish="$ASHERAH_PUBLISH_DIR"
else
  publish="$(mktemp -d)"
  trap 'rm -rf "$publish"' EXIT
  echo "install-native: publishing the CLI with NativeAOT (a minute or two)" >&2
  dotnet publish "$repo/src/Asherah.Cli" --configuration Release -p:PublishAot=true --output "$publish" --nologo >&2
fi

if [ ! -x "$publish/Asherah.Cli" ]; then
  echo "install-native: no native binary $publish/Asherah.Cli (was it published with -p:PublishAot=true?)" >&2
  exit 1
fi

mkdir -p "$prefix/lib/asherah" "$prefix/bin"
# Copy then rename, so a running `asherah` is never overwritten in place.
install -m 0755 "$publish/Asherah.Cli" "$prefix/lib/asherah/.asherah.new"
mv -f "$prefix/lib/asherah/.asherah.new" "$prefix/lib/asherah/asherah"
for lib in "$publish"/*.so "$publish"/*.dylib; do
  if [ -e "$lib" ]; then install -m 0644 "$lib" "$prefix/lib/asherah/"; fi
done
ln -sfn ../lib/asherah/asherah "$prefix/bin/asherah"

echo "install-native: installed $prefix/bin/asherah" >&2
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install-native: note: $prefix/bin is not on PATH" >&2 ;;
esac
