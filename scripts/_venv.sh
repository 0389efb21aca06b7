# Shared by scripts/try and scripts/test: make .venv with a Python 3.11+ and install the pinned set.
# Usage: source scripts/_venv.sh LOCKFILE PACKAGE-SPEC
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "socket needs Python 3.11 or newer: set PYTHON=/path/to/python3.11" >&2
    exit 1
fi
VENV="${SOCKET_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$1" -e "$2" 2>&1 \
    | grep -v "^WARNING: Location" >&2 || true
"$VENV/bin/python" -c "import socketcli" # fail here, clearly, if the install did not work
