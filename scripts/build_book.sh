#!/usr/bin/env bash
# Build the rendered book: a static HTML site of the executed notebooks in _build/book/
# (open _build/book/index.html). Sets the course up first if needed (.venv, MathJax).
# Any extra argument is the output folder.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || bash scripts/setup.sh
exec .venv/bin/python -m aigc_utils.book "$@"
