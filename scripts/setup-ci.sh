#!/usr/bin/env sh
# Installs what the compatibility tests need beyond the .NET SDK: python3 with the 'cryptography' package, used by
# ../shared/tools/refverify.py (the independent reference decryptor).
set -eu
if python3 -c "import cryptography" >/dev/null 2>&1; then
    echo "python3-cryptography: present"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y python3 python3-cryptography
python3 -c "import cryptography; print('python3-cryptography', cryptography.__version__)"
