#!/usr/bin/env bash
# Refresh the Spanish and Polish catalogues from the source, then compile them.
# Needs GNU gettext (apt-get install gettext).
set -euo pipefail
cd "$(dirname "$0")/../latido"
PY="${PYTHON:-../.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH="$(cd .. && pwd)"
"$PY" -m django makemessages -l es -l pl --no-obsolete \
  --ignore '*/tests/*' --ignore '*/migrations/*'
"$PY" -m django compilemessages -l es -l pl
