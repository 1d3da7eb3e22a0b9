"""Install the course's offline guard in every Python process when ``$AIGC_OFFLINE`` is ``1``.

This folder goes on ``PYTHONPATH`` (``scripts/test.sh``, ``aigc-run``); Python
imports ``sitecustomize`` at start-up. The guard (``aigc_utils/offline.py``)
is loaded from its file, so that start-up does not import the whole package
(and torch). Another ``sitecustomize`` further down ``sys.path`` still runs.
"""

import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))

if os.environ.get("AIGC_OFFLINE", "") == "1":
    _spec = importlib.util.spec_from_file_location("_aigc_offline_guard", os.path.join(os.path.dirname(_here), "offline.py"))
    if _spec is not None and _spec.loader is not None:
        _guard = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(_guard)
        _guard.install()

_next = importlib.machinery.PathFinder.find_spec(
    "sitecustomize", [p for p in sys.path if os.path.abspath(p or ".") != _here]
)
if _next is not None and _next.loader is not None:
    _module = importlib.util.module_from_spec(_next)
    _next.loader.exec_module(_module)
