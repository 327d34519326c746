#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Idempotent; safe to run on every CI run.
#   - python3 with the `cryptography` module, for ../shared/tools/refverify.py (an independent decryptor that checks the
#     records we write).
#   - Node.js with npm, for dynalite (scripts/dynalite.sh installs npm dynalite@4.0.0 itself).
#   - clang and zlib1g-dev, which NativeAOT (`dotnet publish -p:PublishAot=true`, scripts/native-smoke.sh and
#     scripts/install-native.sh) needs to link the native `asherah` binary on Linux.
set -euo pipefail

have_crypto() { "$1" -c 'import cryptography' >/dev/null 2>&1; }

missing=()
if ! { command -v python3 >/dev/null && have_crypto python3; } && ! { [ -x /usr/bin/python3 ] && have_crypto /usr/bin/python3; }; then
  missing+=(python3 python3-cryptography)
fi
# Node.js and npm run dynalite (scripts/dynalite.sh), the in-memory DynamoDB of the DynamoDB metastore tests.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "$(uname -s)" = Linux ]; then
  command -v clang >/dev/null || missing+=(clang)
  dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(zlib1g-dev)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (Debian)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
