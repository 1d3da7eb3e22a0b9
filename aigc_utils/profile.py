"""Run profiles: how much compute a notebook may spend.

``quick`` is the default on a CPU: a notebook finishes in about 45 s on two
cores and still shows a real result. ``full`` is the default on a GPU: the
best result the method reaches in a few minutes. ``auto`` picks between them.

A notebook sets its budget in one obvious way::

    steps = run.budget(quick=2_000, full=20_000)
"""

from __future__ import annotations

import os
from typing import TypeVar

from aigc_utils import _validate
from aigc_utils.device import has_gpu

PROFILES = ("quick", "full")
PROFILE_ENV_VAR = "AIGC_PROFILE"

T = TypeVar("T")


def resolve_profile(profile: str | None = "auto") -> str:
    """Turn ``"quick"``, ``"full"``, ``"auto"`` or ``None`` into ``"quick"`` or ``"full"``.

    ``"auto"`` and ``None`` read ``$AIGC_PROFILE`` first; when that is unset they
    give ``"full"`` if a CUDA GPU is present and ``"quick"`` otherwise.

    Raises:
        TypeError: ``profile`` is not a string or None.
        ValueError: ``profile`` is not one of the names above.
    """
    if profile is None:
        profile = "auto"
    _validate.one_of("profile", profile, PROFILES + ("auto",))
    if profile == "auto":
        from_env = os.environ.get(PROFILE_ENV_VAR)
        if from_env:
            return _validate.one_of(f"${PROFILE_ENV_VAR}", from_env, PROFILES)
        return "full" if has_gpu() else "quick"
    return profile


def pick(profile: str, *, quick: T, full: T) -> T:
    """Return ``quick`` or ``full`` according to ``profile`` (already resolved).

    Raises:
        ValueError: ``profile`` is not ``"quick"`` or ``"full"``.
        TypeError: the two values are of different types (a typo such as
            ``quick=2000, full="20k"`` is caught here, not after ten minutes
            of training).
    """
    _validate.one_of("profile", profile, PROFILES)
    if type(quick) is not type(full) and not (isinstance(quick, (int, float)) and isinstance(full, (int, float))):
        raise TypeError(
            f"quick and full must be of the same type, got {type(quick).__name__} and {type(full).__name__}"
        )
    return quick if profile == "quick" else full
