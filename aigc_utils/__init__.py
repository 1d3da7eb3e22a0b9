"""aigc_utils: the helper package of the AIGC notebook course.

One import line at the top of a notebook::

    from aigc_utils import start, check

Modules, by what things are:

- ``device``: device choice (CPU, CUDA, MPS; ``$AIGC_DEVICE``) and ``seed_everything``
- ``profile``: the ``quick`` / ``full`` run profiles and per-profile budgets
- ``notebook``: ``start`` (first cell) and the closing results table
- ``check``: ``check(...)``, the one way a notebook asserts its lesson
- ``data``: offline data sets (digits as tensors, image grids, ...)
- ``models``: small reusable models (the digit judge, ...)
- ``metrics``: PSNR/SSIM, Fréchet distance, two-sample tests, ...
- ``train``: training loops with progress bars and loss histories
- ``plot``: titled, labelled, small PNG plots
- ``questions``: the map of the 150 source interview questions to notebooks
- ``runner``: ``aigc-run``, executes notebooks with papermill and summarises checks
- ``env``: ``python -m aigc_utils.env``, a dependency and device report
"""

from aigc_utils.check import CHECK_MIME, CheckResult, check
from aigc_utils.device import get_device, seed_everything
from aigc_utils.notebook import NotebookRun, start
from aigc_utils.profile import resolve_profile

__all__ = [
    "CHECK_MIME",
    "CheckResult",
    "NotebookRun",
    "check",
    "get_device",
    "resolve_profile",
    "seed_everything",
    "start",
]
__version__ = "0.1.0"
