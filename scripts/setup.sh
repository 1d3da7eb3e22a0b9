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

# The rendered book's test set-up (tests/test_book.py): headless Chromium (plus a CJK font
# for the Chinese in the screenshots) with apt-get when none is found and apt-get can run;
# MathJax 3 from npm so the book's formulas render offline. Both are skipped when present.
chromium_found() {
  local name
  for name in "${AIGC_CHROMIUM:-}" chromium-headless-shell chromium chromium-browser google-chrome google-chrome-stable; do
    [ -n "$name" ] && command -v "$name" >/dev/null 2>&1 && return 0
  done
  return 1
}
if ! chromium_found; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && $SUDO true 2>/dev/null; then
    echo "installing headless Chromium for the book test (apt-get install chromium-headless-shell)"
    apt-cache show chromium-headless-shell >/dev/null 2>&1 || $SUDO apt-get update -qq >/dev/null || true
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium-headless-shell fonts-wqy-microhei >/dev/null 2>&1 ||
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || true
  fi
  chromium_found || echo "WARNING: no headless Chromium (and no apt-get with root/sudo to install it): the book test" \
    "(tests/test_book.py) will fail. Install chromium or Google Chrome, or set AIGC_CHROMIUM to its binary."
fi
MATHJAX_DIR=.venv/share/aigc-mathjax
if [ ! -f "$MATHJAX_DIR/node_modules/mathjax/es5/tex-chtml-full.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm install --prefix "$MATHJAX_DIR" --no-audit --no-fund --silent mathjax@3 >/dev/null 2>&1 ||
      echo "WARNING: npm could not install mathjax@3: the book's formulas would show as TeX source"
  else
    echo "WARNING: npm not found, so MathJax is not installed: the book's formulas would show as TeX source" \
      "and its test fails (install Node.js/npm, or set AIGC_MATHJAX_DIR to MathJax 3's es5 folder)"
  fi
fi

.venv/bin/python -m aigc_utils.env
echo "set-up finished in $(( $(date +%s) - started )) s"
