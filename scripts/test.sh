#!/usr/bin/env bash
# The course's test command (what .ci/run calls): set up if needed, then one
# pytest run over the helper package's tests and, with nbval, every notebook
# (quick profile, CPU). Two workers, one thread each (two threads per worker
# would oversubscribe a 2-core machine); --dist loadfile keeps each notebook's
# cells on one worker.
# Offline: AIGC_OFFLINE=1 with aigc_utils/_offline_site on PYTHONPATH makes every
# Python process started here (pytest, its workers, the notebook kernels) refuse
# non-loopback connections and DNS look-ups (aigc_utils.offline); pytest-socket
# (pyproject.toml) guards the unit tests as well. The book test (tests/test_book.py)
# builds _build/book and opens it in headless Chromium (installed by setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export AIGC_PROFILE=quick MPLBACKEND=Agg PYTHONHASHSEED=0 OMP_NUM_THREADS=1
export AIGC_OFFLINE=1 PYTHONPATH="$PWD/aigc_utils/_offline_site${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env tests notebooks "$@"
