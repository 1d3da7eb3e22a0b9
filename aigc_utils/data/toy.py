"""Two-dimensional toy distributions: rings and grids of Gaussians, and mode coverage.

A mixture of well-separated Gaussians in the plane is the standard test bed for
mode collapse (Metz et al. 2017, unrolled GANs; Srivastava et al. 2017, VEEGAN;
Lin et al. 2018, PacGAN): every mode is visible in a scatter plot, and a sample
can be assigned to the mode it came from. Two numbers summarise a generator:

- :func:`modes_covered`: how many modes receive a fair part of the samples;
- :func:`high_quality_share`: how many samples land near *some* mode at all.

The rule, written once here so every notebook counts the same way: a sample
*belongs to* a mode when it lies within ``n_std`` standard deviations (3 by
default) of that mode's centre; a mode is *covered* when it holds at least
``min_fair_share`` (0.2 by default) of its fair share, i.e. at least
``0.2 * n_samples / n_modes`` samples. For 8 modes and 1,000 samples that is
25 samples, where a perfect generator puts 125; for a 5 x 5 grid and 2,500
samples it is 20, the PacGAN paper's threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from aigc_utils import _validate


@dataclass(frozen=True)
class GaussianMixture2D:
    """An equal-weight mixture of isotropic 2-D Gaussians with a shared standard deviation.

    Build one with :func:`ring_of_gaussians` or :func:`grid_of_gaussians`.

    Attributes:
        centres: (modes, 2) float32 tensor of mode centres.
        std: the standard deviation of every component.
    """

    centres: torch.Tensor
    std: float

    @property
    def n_modes(self) -> int:
        """Number of mixture components."""
        return int(self.centres.shape[0])

    def sample(self, n_samples: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``n_samples`` points: a mode uniformly at random, then Gaussian noise around it.

        Args:
            n_samples: number of points.
            generator: a seeded ``torch.Generator`` (CPU), so a re-run reproduces.

        Returns:
            ``(points, modes)``: (n_samples, 2) float32 points and the (n_samples,)
            int64 index of the mode each came from.

        Raises:
            TypeError / ValueError: bad ``n_samples`` or ``generator``.
        """
        n_samples = _validate.positive_int("n_samples", n_samples)
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
        modes = torch.randint(self.n_modes, (n_samples,), generator=generator)
        noise = torch.randn(n_samples, 2, generator=generator)
        return self.centres[modes] + self.std * noise, modes

    def modes_covered(self, samples: Any, *, n_std: float = 3.0, min_fair_share: float = 0.2) -> int:
        """:func:`modes_covered` with this mixture's centres and standard deviation."""
        return modes_covered(samples, self.centres, self.std, n_std=n_std, min_fair_share=min_fair_share)

    def mode_counts(self, samples: Any, *, n_std: float = 3.0) -> np.ndarray:
        """:func:`mode_counts` with this mixture's centres and standard deviation."""
        return mode_counts(samples, self.centres, self.std, n_std=n_std)

    def high_quality_share(self, samples: Any, *, n_std: float = 3.0) -> float:
        """:func:`high_quality_share` with this mixture's centres and standard deviation."""
        return high_quality_share(samples, self.centres, self.std, n_std=n_std)


def ring_of_gaussians(modes: int = 8, radius: float = 2.0, std: float = 0.05) -> GaussianMixture2D:
    """``modes`` Gaussians spaced evenly on a circle (the first on the positive x axis).

    Args:
        modes: number of components (at least 2).
        radius: radius of the circle of centres.
        std: standard deviation of each component.

    Returns:
        A :class:`GaussianMixture2D`.

    Raises:
        TypeError / ValueError: ``modes`` < 2, or ``radius`` / ``std`` not positive.
    """
    modes = _validate.positive_int("modes", modes)
    if modes < 2:
        raise ValueError(f"modes must be at least 2, got {modes}")
    radius = _validate.real_number("radius", radius, positive=True)
    std = _validate.real_number("std", std, positive=True)
    angles = torch.arange(modes, dtype=torch.float64) * (2 * math.pi / modes)
    centres = torch.stack([radius * torch.cos(angles), radius * torch.sin(angles)], dim=1).float()
    return GaussianMixture2D(centres=centres, std=std)


def grid_of_gaussians(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture2D:
    """``side`` x ``side`` Gaussians on a square grid centred at the origin.

    Args:
        side: modes per row and column (at least 2).
        spacing: distance between neighbouring centres.
        std: standard deviation of each component.

    Returns:
        A :class:`GaussianMixture2D` with ``side**2`` modes, row by row.

    Raises:
        TypeError / ValueError: ``side`` < 2, or ``spacing`` / ``std`` not positive.
    """
    side = _validate.positive_int("side", side)
    if side < 2:
        raise ValueError(f"side must be at least 2, got {side}")
    spacing = _validate.real_number("spacing", spacing, positive=True)
    std = _validate.real_number("std", std, positive=True)
    axis = (torch.arange(side, dtype=torch.float32) - (side - 1) / 2) * spacing
    ys, xs = torch.meshgrid(axis, axis, indexing="ij")
    return GaussianMixture2D(centres=torch.stack([xs.flatten(), ys.flatten()], dim=1), std=std)


def _points(name: str, value: Any) -> torch.Tensor:
    points = _validate.tensor(name, value, ndim=2)
    _validate.floating(name, points)
    if points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, 2) with N >= 1, got {tuple(points.shape)}")
    return points.detach().cpu().double()


def nearest_mode(samples: Any, centres: Any, std: float, *, n_std: float = 3.0) -> torch.Tensor:
    """The mode each sample belongs to: its nearest centre if within ``n_std * std``, else -1.

    Args:
        samples: (N, 2) points (tensor or array, any device).
        centres: (modes, 2) mode centres.
        std: the components' standard deviation.
        n_std: how many standard deviations from a centre still count as that mode.

    Returns:
        (N,) int64 tensor of mode indices, -1 for samples far from every mode.

    Raises:
        TypeError / ValueError: inputs that are not (N, 2) float points, or
            ``std`` / ``n_std`` not positive.
    """
    points = _points("samples", samples)
    modes = _points("centres", centres)
    std = _validate.real_number("std", std, positive=True)
    n_std = _validate.real_number("n_std", n_std, positive=True)
    distances, index = torch.cdist(points, modes).min(dim=1)
    return torch.where(distances <= n_std * std, index, torch.full_like(index, -1))


def mode_counts(samples: Any, centres: Any, std: float, *, n_std: float = 3.0) -> np.ndarray:
    """(modes,) number of samples that belong to each mode (see :func:`nearest_mode`).

    Raises:
        TypeError / ValueError: as for :func:`nearest_mode`.
    """
    index = nearest_mode(samples, centres, std, n_std=n_std)
    n_modes = _validate.tensor("centres", centres, ndim=2).shape[0]
    return np.bincount(index[index >= 0].numpy(), minlength=n_modes)


def modes_covered(
    samples: Any, centres: Any, std: float, *, n_std: float = 3.0, min_fair_share: float = 0.2
) -> int:
    """Number of modes that receive at least ``min_fair_share`` of their fair share of samples.

    A sample belongs to a mode when it lies within ``n_std`` standard
    deviations of the mode's centre. With ``N`` samples and ``K`` modes a
    perfect generator gives each mode about ``N / K``; a mode counts as
    covered when it holds at least ``min_fair_share * N / K`` (and at least one)
    sample. Samples far from every mode count for none.

    Args:
        samples: (N, 2) generated points.
        centres: (K, 2) mode centres.
        std: the components' standard deviation.
        n_std: radius of a mode, in standard deviations.
        min_fair_share: share of ``N / K`` a mode needs, strictly between 0 and 1.

    Returns:
        The number of covered modes, 0 to K.

    Raises:
        TypeError / ValueError: as for :func:`nearest_mode`; ``min_fair_share``
            outside (0, 1).
    """
    min_fair_share = _validate.fraction("min_fair_share", min_fair_share)
    counts = mode_counts(samples, centres, std, n_std=n_std)
    n_samples = _validate.tensor("samples", samples).shape[0]
    needed = max(min_fair_share * n_samples / len(counts), 1.0)
    return int((counts >= needed).sum())


def high_quality_share(samples: Any, centres: Any, std: float, *, n_std: float = 3.0) -> float:
    """Share of samples that lie within ``n_std`` standard deviations of some mode.

    A generator can cover every mode and still scatter many samples in
    between; this is the complementary "quality" number.

    Raises:
        TypeError / ValueError: as for :func:`nearest_mode`.
    """
    return float((nearest_mode(samples, centres, std, n_std=n_std) >= 0).double().mean())
