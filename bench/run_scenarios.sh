#!/usr/bin/env bash
# Run the four load scenarios against a running server and keep each output.
#   bench/run_scenarios.sh [URL] [INFO] [SECONDS] [CONCURRENCY]
# Writes bench/results/<scenario>.txt: the progress lines, then the JSON summary last.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${1:-http://127.0.0.1:8100}
info=${2:-bench/results/info.json}
seconds=${3:-20}
concurrency=${4:-16}
python=${PYTHON:-.venv/bin/python}
mkdir -p bench/results
for scenario in create queue ticket list; do
    out=bench/results/$scenario.txt
    {
        echo "# $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        "$python" bench/load.py --scenario "$scenario" --concurrency "$concurrency" \
            --seconds "$seconds" --url "$url" --info "$info" 2>&1
    } | tee "$out"
done
