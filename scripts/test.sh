#!/usr/bin/env bash
# Install what the tests need, then lint, type-check and run the whole suite.
# On SQLite always; on PostgreSQL too when LATIDO_TEST_DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_python

redis_answers() {
  "$PYTHON" - <<'PYEOF'
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PYEOF
}
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# The IMAP polling tests start a private dovecot on loopback.
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
if ! command -v redis-server >/dev/null 2>&1 && ! redis_answers; then
  missing+=(redis-server)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}" || echo "Continuing without: ${missing[*]}" >&2
fi
set -e
ensure_venv
pip_install '.[test]'
set +e

if ! redis_answers && command -v redis-server >/dev/null 2>&1; then
  echo "Starting redis-server on 127.0.0.1:6379"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no \
    >/dev/null
  for _ in $(seq 50); do redis_answers && break; sleep 0.1; done
fi

failed=()
step() {
  # step NAME COMMAND... — run one check, remember it if it fails (any non-zero exit,
  # including pytest's 5 for "no tests collected").
  local name="$1"; shift
  echo
  echo "=== $name"
  "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "=== $name FAILED (exit $rc)"
    failed+=("$name")
  fi
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

step "ruff" "$VENV/bin/ruff" check .
step "mypy" "$VENV/bin/mypy"
step "import contracts" "$VENV/bin/lint-imports"
step "migrations are current" env LATIDO_DATA_DIR="$scratch/var" \
  "$VENV/bin/latido" makemigrations --check --dry-run
step "tests on SQLite" env -u LATIDO_TEST_ON_POSTGRES "$VENV/bin/pytest" -n 2 -q
if [ -n "${LATIDO_TEST_DATABASE_URL:-}" ]; then
  step "tests on PostgreSQL" env LATIDO_TEST_ON_POSTGRES=1 "$VENV/bin/pytest" -n 2 -q
else
  echo
  echo "=== PostgreSQL: skipped (set LATIDO_TEST_DATABASE_URL to run the suite on it too)"
fi

echo
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All checks passed."
