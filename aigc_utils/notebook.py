"""The first and last cells of every notebook: ``start`` and ``results_table``.

    run = start(profile, seed)                 # device, seed, plots, profile
    steps = run.budget(quick=2_000, full=20_000)
    ...
    check("classes covered", covered, at_least=8)
    run.results_table()                        # metric, value, bar, baseline, time
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd
import torch

from aigc_utils.check import RUN_MIME, clear_checks, display_record, recorded_checks
from aigc_utils.device import describe_device, get_device, seed_everything
from aigc_utils.plot import setup_plots
from aigc_utils.profile import pick, resolve_profile

T = TypeVar("T")


@dataclass
class NotebookRun:
    """What a notebook runs with: profile, seed, device, a seeded generator and a clock."""

    profile: str
    seed: int
    device: torch.device
    generator: torch.Generator
    started: float = field(default_factory=time.perf_counter)

    def budget(self, *, quick: T, full: T) -> T:
        """The value for this run's profile: ``run.budget(quick=2_000, full=20_000)``."""
        return pick(self.profile, quick=quick, full=full)

    def elapsed(self) -> float:
        """Seconds since ``start``."""
        return time.perf_counter() - self.started

    def results_table(self) -> pd.DataFrame:
        """The closing table: every ``check`` of this run, then time, device and profile.

        Under IPython it also records the run (seconds, device, profile, seed)
        as a display output of MIME type ``application/vnd.aigc.run+json``, so
        the README's table can quote the committed notebooks' run times.
        """
        seconds = round(self.elapsed(), 1)
        record = {"seconds": seconds, "device": self.device.type, "profile": self.profile, "seed": self.seed}
        display_record(
            RUN_MIME, record, f"run: {seconds} s on {self.device.type}, profile {self.profile}, seed {self.seed}"
        )
        rows = [
            {
                "result": c.claim,
                "value": round(c.value, 4),
                "bar": c.bar,
                "baseline": "" if c.baseline is None else f"{c.baseline:.4g} ({c.baseline_label or 'baseline'})",
                "holds": "yes" if c.passed else "NO",
            }
            for c in recorded_checks()
        ]
        rows.append(
            {
                "result": "run",
                "value": seconds,
                "bar": "seconds",
                "baseline": f"{self.device.type}, profile {self.profile}, seed {self.seed}",
                "holds": "",
            }
        )
        return pd.DataFrame(rows).set_index("result")


def start(profile: str | None = "auto", seed: int = 0, *, device: str | None = None) -> NotebookRun:
    """Set up a notebook run: resolve the profile, seed everything, choose the device, style plots.

    Args:
        profile: ``"quick"``, ``"full"`` or ``"auto"`` (full on a GPU, else quick;
            ``$AIGC_PROFILE`` overrides auto).
        seed: the seed of the run (the course's bars hold for seeds 0, 1, 2).
        device: force a device (``"cpu"``, ``"cuda"``, ``"mps"``); by default
            ``$AIGC_DEVICE``, else CUDA if present, else CPU.

    Returns:
        A :class:`NotebookRun`; prints one line saying what was chosen.

    Raises:
        TypeError / ValueError: unknown profile, negative seed, unknown device.
    """
    resolved = resolve_profile(profile)
    generator = seed_everything(seed)
    chosen = get_device(device)
    setup_plots()
    clear_checks()
    print(f"profile {resolved} | seed {seed} | device {describe_device(chosen)}")
    return NotebookRun(profile=resolved, seed=seed, device=chosen, generator=generator)
