#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Idempotent; safe to run on every CI run.
#   - python3 with the `cryptography` module, for ../shared/tools/refverify.py (an independent decryptor that checks the
#     records we write).
set -euo pipefail

have_crypto() { "$1" -c 'import cryptography' >/dev/null 2>&1; }

if ! { command -v python3 >/dev/null && have_crypto python3; } && ! { [ -x /usr/bin/python3 ] && have_crypto /usr/bin/python3; }; then
  echo "setup: installing python3-cryptography (Debian)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-cryptography >/dev/null
fi
