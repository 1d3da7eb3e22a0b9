#!/usr/bin/env bash
# Set up the course in .venv: the tested torch pair, the course package with
# every dependency, then print the dependency report. Safe to run again
# (already-installed packages are skipped). Offline-friendly: pip reads the
# machine's own configuration (local wheel folders, package index).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
TORCH_PIN="torch==2.14.1 torchvision==0.29.1"   # the tested pair, see README

quiet_pip() {
  # pip prints one warning per configured local folder that lacks a package; hide those lines only.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | sed '/is ignored: it is neither a file nor a directory/d'
}

started=$(date +%s)
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# shellcheck disable=SC2086
quiet_pip $TORCH_PIN
quiet_pip -e .
.venv/bin/python -m aigc_utils.env
echo "set-up finished in $(( $(date +%s) - started )) s"
