# Shared by scripts/run.sh and scripts/test.sh: a virtualenv in .venv with Latido installed.
# Sourced, not run. Works on a fresh Debian 12 (Python 3.11) and installs only from PyPI.

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # apt_install PACKAGE... — only as root, only what is missing, quietly.
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: $* (run as root, or install them yourself)." >&2
    return 1
  fi
  echo "Installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_python() {
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    apt_install python3 || { echo "Python 3.11 or newer is needed." >&2; exit 1; }
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is needed; $PYTHON is $("$PYTHON" -V 2>&1)." >&2
    exit 1
  fi
}

ensure_venv() {
  ensure_python
  if "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
    # Debian ships venv's pip bootstrap separately.
    rm -rf "$VENV"
    apt_install python3-venv || exit 1
    "$PYTHON" -m venv "$VENV"
  fi
}

pip_install() {
  # pip_install SPEC — skipped when pyproject.toml has not changed since the last install.
  local spec="$1"
  local stamp="$VENV/.latido-installed"
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) $spec"
  if [ -f "$stamp" ] && grep -qxF "$want" "$stamp"; then
    return 0
  fi
  echo "Installing Python packages ($spec) into $VENV …"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
  echo "$want" >> "$stamp"
}
