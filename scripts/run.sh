#!/usr/bin/env bash
# Run Latido on this machine: install into .venv, load the demo once, serve on 127.0.0.1:8000.
# Extra arguments go to `latido serve` (e.g. --port 9000). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_venv
pip_install .
LATIDO=("$VENV/bin/latido")
"${LATIDO[@]}" migrate --verbosity 0
# Loads the demo department the first time; afterwards it only prints the sign-ins. A
# database with real data keeps it (the demo refuses, says why, and Latido starts anyway).
"${LATIDO[@]}" demo || echo "No demo data loaded; starting Latido anyway." >&2
exec "${LATIDO[@]}" serve --no-migrate --host 127.0.0.1 --port 8000 "$@"
