#!/usr/bin/env bash
# Make this checkout runnable on a fresh machine: a virtualenv with the project and its dev extras, and
# Debian's Chromium (Playwright drives it via executable_path; Playwright's own browser download is never used:
# nothing can be downloaded offline). Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${PLAN_AND_ACT_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# Extras: dev (tests), train (torch, transformers, TRL, PEFT: the fine-tuning tests need them; the CPU torch
# wheel is pinned in pyproject.toml) and ray (core Ray for --ray sweeps; its tests start a loopback head).
# PLAN_AND_ACT_EXTRAS=dev skips the ~1.5 GB training stack.
EXTRAS="${PLAN_AND_ACT_EXTRAS:-dev,train,ray}"

# Reinstall only when pyproject.toml or the extras changed since the last successful install.
stamp="$VENV/.plan-and-act-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$(cat "$stamp")" != "$EXTRAS" ]; then
  echo "setup: installing plan-and-act[$EXTRAS] into $VENV"
  log="$VENV/pip-install.log"
  if ! { "$VENV/bin/python" -m pip install --upgrade pip && "$VENV/bin/python" -m pip install -e ".[$EXTRAS]"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "setup: pip install failed (full log: $log)" >&2
    exit 1
  fi
  echo "$EXTRAS" >"$stamp"
fi

find_chromium() {
  for candidate in "${PLAN_AND_ACT_CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && { command -v "$candidate"; return 0; }
  done
  return 1
}

apt_install() {  # apt_install PACKAGE WHAT-IT-IS-FOR
  echo "setup: installing Debian $1 ($2)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "setup: $1 is missing and this user cannot install packages; install Debian's '$1' package." >&2
    return 1
  fi
}

if ! find_chromium >/dev/null; then
  apt_install chromium "the browser" || {
    echo "       Or set PLAN_AND_ACT_CHROMIUM to a Chrome/Chromium binary." >&2
    exit 1
  }
fi
# Large real-world pages nobody here wrote, served on loopback by the observation tests and benchmark.
if [ ! -f /usr/share/doc/python3.11/html/library/functions.html ]; then
  apt_install python3.11-doc "large static pages for the observation tests" || exit 1
fi

# PostgreSQL's server binaries (initdb, pg_ctl): the Postgres checkpointer is tested against a real server that
# the test starts on loopback. Debian keeps them in /usr/lib/postgresql/<version>/bin, off PATH.
find_initdb() {
  command -v initdb 2>/dev/null || ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1
}
if [ -z "$(find_initdb)" ]; then
  apt_install postgresql "the server the Postgres checkpointer tests start" || exit 1
fi
echo "setup: ready ($("$VENV/bin/python" --version), $(find_chromium), $(find_initdb))"
