"""Device choice and seeding: the two calls every notebook makes first.

Rule of the course: CUDA when present, Apple MPS only when asked for (some
operations give different numbers there), else the CPU. The environment
variable ``AIGC_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) overrides the
automatic choice, so a teacher can force the CPU on a GPU machine without
editing a notebook.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from aigc_utils import _validate

DEVICE_ENV_VAR = "AIGC_DEVICE"


def _available(kind: str) -> bool:
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    return False


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the device a notebook trains on.

    Args:
        prefer: ``"cpu"``, ``"cuda"`` (optionally ``"cuda:N"``), ``"mps"`` or
            ``None``. ``None`` reads ``$AIGC_DEVICE`` and, when that is unset,
            takes CUDA if present, else the CPU (MPS is never chosen unasked).

    Returns:
        The chosen ``torch.device``.

    Raises:
        TypeError: ``prefer`` is not a string or None.
        ValueError: ``prefer`` names an unknown device, or one this machine lacks.
    """
    source = "prefer"
    if prefer is None:
        prefer = os.environ.get(DEVICE_ENV_VAR) or None
        source = f"${DEVICE_ENV_VAR}"
    if prefer is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(prefer, str):
        raise TypeError(f"prefer must be a string or None, got {type(prefer).__name__}")
    kind = prefer.strip().lower().split(":")[0]
    if kind not in ("cpu", "cuda", "mps"):
        raise ValueError(f"{source} must be 'cpu', 'cuda', 'cuda:N' or 'mps', got {prefer!r}")
    if not _available(kind):
        raise ValueError(f"{source} asks for {prefer!r}, but this machine has no {kind.upper()} device")
    return torch.device(prefer.strip().lower())


def has_gpu() -> bool:
    """True when a CUDA GPU is present (this is what makes ``full`` the default profile)."""
    return torch.cuda.is_available()


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA) with one number.

    Args:
        seed: a non-negative integer.

    Returns:
        A CPU ``torch.Generator`` seeded with ``seed``, to pass explicitly to
        samplers and data loaders so that re-running one cell reproduces it.

    Raises:
        TypeError: ``seed`` is not an integer.
        ValueError: ``seed`` is negative.
    """
    seed = _validate.non_negative_int("seed", seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


def describe_device(device: torch.device) -> str:
    """One line a learner can paste into a bug report: device, torch build, threads."""
    if not isinstance(device, torch.device):
        raise TypeError(f"device must be a torch.device, got {type(device).__name__}")
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    elif device.type == "mps":
        name = "Apple MPS"
    else:
        name = f"CPU, {torch.get_num_threads()} threads"
    return f"{device} ({name}), torch {torch.__version__}"
