#!/usr/bin/env bash
# The course's test command (what .ci/run calls): set up if needed, then one
# pytest run over the helper package's tests and, with nbval, every notebook
# (quick profile, CPU). Two workers, one thread each (two threads per worker
# would oversubscribe a 2-core machine); --dist loadfile keeps each notebook's
# cells on one worker.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export AIGC_PROFILE=quick MPLBACKEND=Agg PYTHONHASHSEED=0 OMP_NUM_THREADS=1
exec .venv/bin/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env tests notebooks "$@"
