"""Plots: titled, labelled, small PNG figures, one idea each.

Every helper draws one figure and returns it (end the notebook line with
``;`` so Jupyter does not show it twice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from aigc_utils import _validate
from aigc_utils.data.images import image_grid

FIGURE_DPI = 100


def setup_plots(dpi: int = FIGURE_DPI) -> None:
    """Small PNG figures with readable fonts (called by ``aigc_utils.start``)."""
    dpi = _validate.positive_int("dpi", dpi)
    matplotlib.rcParams.update(
        {"figure.dpi": dpi, "savefig.dpi": dpi, "figure.figsize": (6.0, 3.2), "font.size": 9, "axes.grid": False}
    )
    try:  # inside Jupyter: PNG only (no SVG/PDF copies in the saved notebook)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except ImportError:  # pragma: no cover - matplotlib-inline ships with ipykernel
        pass


def _as_float_array(value: Any) -> np.ndarray:
    """NumPy float array of an array, tensor (any device) or sequence."""
    return np.asarray(value.detach().cpu() if hasattr(value, "detach") else value, dtype=float)


def _title(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string (every figure gets a title)")
    return value


def show_images(images: Any, *, title: str, nrow: int = 10, labels: Sequence[Any] | None = None) -> Figure:
    """Show a batch of images as one grid.

    Args:
        images: (N, C, H, W), C in {1, 3}, or (N, H, W); floats in [0, 1].
        title: figure title.
        nrow: images per row.
        labels: optional per-image labels, written under the grid row by row.

    Raises:
        TypeError / ValueError: see :func:`aigc_utils.data.image_grid`; a missing title.
    """
    title = _title("title", title)
    colour = hasattr(images, "shape") and len(images.shape) == 4 and images.shape[1] == 3
    # Grey digits are drawn as dark ink on white (gray_r), so white padding is 0 there.
    grid = image_grid(images, nrow=nrow, pad_value=1.0 if colour else 0.0)
    rows = int(np.ceil(len(images) / nrow))
    figure, axes = plt.subplots(figsize=(min(0.55 * nrow + 0.5, 8), 0.55 * rows + 0.7))
    axes.imshow(grid, cmap="gray_r" if grid.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
    axes.set_title(title)
    axes.set_xticks([])
    axes.set_yticks([])
    if labels is not None:
        if len(labels) != len(images):
            raise ValueError(f"labels must have one entry per image, got {len(labels)} for {len(images)} images")
        axes.set_xlabel("  ".join(str(label) for label in labels[:nrow]) + ("  ..." if len(labels) > nrow else ""))
    figure.tight_layout()
    return figure


def plot_history(
    history: Mapping[str, Sequence[float]], *, title: str, xlabel: str = "step", ylabel: str = "loss", smooth: int = 1
) -> Figure:
    """Line plot of one or more recorded curves (e.g. the output of ``train_loop``).

    Args:
        history: ``{name: values}``.
        title, xlabel, ylabel: labels.
        smooth: moving-average window (1 = raw values).

    Raises:
        TypeError / ValueError: empty history, empty curve or bad ``smooth``.
    """
    title = _title("title", title)
    smooth = _validate.positive_int("smooth", smooth)
    if not isinstance(history, Mapping) or not history:
        raise ValueError("history must be a non-empty mapping of name -> values")
    figure, axes = plt.subplots()
    for name, raw in history.items():
        curve = np.asarray(raw, dtype=float)
        if curve.ndim != 1 or len(curve) == 0:
            raise ValueError(f"history[{name!r}] must be a non-empty 1-D sequence of numbers")
        if smooth > 1 and len(curve) >= smooth:
            curve = np.convolve(curve, np.ones(smooth) / smooth, mode="valid")
        axes.plot(np.arange(len(curve)) + (smooth - 1 if smooth > 1 else 0), curve, label=name, lw=1.2)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.legend(frameon=False)
    figure.tight_layout()
    return figure


def scatter_2d(point_sets: Mapping[str, Any], *, title: str, xlabel: str = "x1", ylabel: str = "x2") -> Figure:
    """Side-by-side scatter plots of 2-D point sets, one panel per set, shared axes.

    Args:
        point_sets: ``{panel title: (N, 2) array}``.

    Raises:
        TypeError / ValueError: empty mapping or a set that is not (N, 2).
    """
    title = _title("title", title)
    if not isinstance(point_sets, Mapping) or not point_sets:
        raise ValueError("point_sets must be a non-empty mapping of name -> (N, 2) points")
    figure, axes = plt.subplots(1, len(point_sets), figsize=(2.6 * len(point_sets), 2.8), sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    for ax, (name, points) in zip(axes, point_sets.items()):
        points = _as_float_array(points)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"point_sets[{name!r}] must have shape (N, 2), got {points.shape}")
        ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.5)
        ax.set_title(name)
        ax.set_xlabel(xlabel)
    axes[0].set_ylabel(ylabel)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def bar_chart(
    values: Mapping[str, float] | Sequence[float],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    reference: float | None = None,
    reference_label: str = "reference",
) -> Figure:
    """Bar chart of named values (e.g. a class histogram of generated samples).

    Args:
        values: ``{name: value}`` or a sequence (bars named 0, 1, ...).
        title, xlabel, ylabel: labels.
        reference: optional horizontal line (chance level, real-data floor, ...).
        reference_label: legend text of that line.

    Raises:
        TypeError / ValueError: empty values or missing labels.
    """
    title = _title("title", title)
    xlabel = _title("xlabel", xlabel)
    ylabel = _title("ylabel", ylabel)
    if isinstance(values, Mapping):
        names, heights = list(map(str, values.keys())), list(values.values())
    else:
        heights = list(values)
        names = [str(i) for i in range(len(heights))]
    if not heights:
        raise ValueError("values must not be empty")
    longest = max(len(n) for n in names)
    width_per_bar = 0.45 if longest <= 3 else min(0.12 * longest, 1.6)
    figure, axes = plt.subplots(figsize=(min(max(3.0, width_per_bar * len(names) + 1), 8.0), 2.8))
    axes.bar(names, np.asarray(heights, dtype=float), color="tab:blue")
    if reference is not None:
        reference = _validate.real_number("reference", reference)
        axes.axhline(reference, color="tab:red", ls="--", lw=1, label=reference_label)
        axes.legend(frameon=False)
    if longest * len(names) > 60:  # long names: slant them rather than overlap
        plt.setp(axes.get_xticklabels(), rotation=20, ha="right")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    figure.tight_layout()
    return figure


def histograms(
    value_sets: Mapping[str, Any],
    *,
    title: str,
    xlabel: str,
    ylabel: str = "count",
    bins: int = 40,
    density: bool = False,
) -> Figure:
    """Overlaid histograms of several sets of numbers on *shared* bins, so heights compare.

    Used for distance-to-closest-record plots (memorisation), score
    distributions, and the like.

    Args:
        value_sets: ``{legend label: 1-D values}``.
        title, xlabel, ylabel: labels.
        bins: number of shared bins spanning all values.
        density: plot densities instead of counts (for sets of different sizes).

    Raises:
        TypeError / ValueError: empty mapping, a set that is not a non-empty 1-D
            sequence of finite numbers, bad ``bins`` or missing labels.
    """
    title = _title("title", title)
    xlabel = _title("xlabel", xlabel)
    ylabel = _title("ylabel", ylabel)
    bins = _validate.positive_int("bins", bins)
    if not isinstance(value_sets, Mapping) or not value_sets:
        raise ValueError("value_sets must be a non-empty mapping of label -> values")
    arrays = {}
    for name, values in value_sets.items():
        values = _as_float_array(values)
        if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
            raise ValueError(f"value_sets[{name!r}] must be a non-empty 1-D sequence of finite numbers")
        arrays[name] = values
    low = min(v.min() for v in arrays.values())
    high = max(v.max() for v in arrays.values())
    edges = np.linspace(low, high if high > low else low + 1.0, bins + 1)
    figure, axes = plt.subplots()
    for name, values in arrays.items():
        axes.hist(values, bins=list(edges), alpha=0.5, density=density, label=name)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.legend(frameon=False)
    figure.tight_layout()
    return figure
