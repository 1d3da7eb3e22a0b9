"""Calibration of a classifier's confidence: reliability-diagram data and the ECE.

A classifier is *calibrated* when, among the predictions it makes with
confidence about 0.8, about 80% are right. The check groups predictions by
their confidence (the top-class probability) into **equal-width bins** on
[0, 1] and compares, in each bin, the mean confidence with the accuracy:

- bin ``b`` of ``n_bins`` holds confidences in ``(b / n_bins, (b + 1) / n_bins]``;
  the first bin also holds a confidence of exactly 0 (the convention of
  ``sklearn.calibration.calibration_curve(strategy="uniform")``);
- the **expected calibration error** (Naeini et al. 2015; Guo et al. 2017) is
  the bin-size-weighted mean gap ``ECE = sum_b (n_b / N) * |acc_b - conf_b|``.

The bin accuracies equal scikit-learn's ``calibration_curve`` on
(correct, confidence) (tested). The ECE depends on the number of bins and is
biased upwards for small samples: compare models on the same data and bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from aigc_utils import _validate


@dataclass(frozen=True)
class ReliabilityBins:
    """The data of a reliability diagram: per equal-width confidence bin.

    Attributes:
        edges: the ``n_bins + 1`` bin edges, from 0 to 1.
        counts: predictions per bin.
        confidence: mean confidence per bin (NaN for an empty bin).
        accuracy: share of correct predictions per bin (NaN for an empty bin).
    """

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray

    @property
    def centers(self) -> np.ndarray:
        """The middle of each bin (where a reliability diagram draws its bars)."""
        return (self.edges[:-1] + self.edges[1:]) / 2

    @property
    def gaps(self) -> np.ndarray:
        """``accuracy - confidence`` per bin: below 0 means over-confident (NaN if empty)."""
        return self.accuracy - self.confidence

    def expected_calibration_error(self) -> float:
        """``sum_b (n_b / N) |acc_b - conf_b|`` over the non-empty bins."""
        filled = self.counts > 0
        weights = self.counts[filled] / self.counts.sum()
        return float(np.sum(weights * np.abs(self.gaps[filled])))


def _confidence_and_correct(probabilities: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Top-class confidence and correctness from (N, K) probabilities and (N,) labels."""
    probs = _validate.tensor("probabilities", probabilities, ndim=2)
    _validate.floating("probabilities", probs)
    probs_np = probs.detach().cpu().double().numpy()
    target = _validate.tensor("labels", labels, ndim=1)
    if target.is_floating_point() or target.dtype == torch.bool:
        raise TypeError(f"labels must hold integer class ids, got dtype {target.dtype}")
    target_np = target.detach().cpu().numpy().astype(np.int64)
    n, k = probs_np.shape
    if n == 0 or k < 2:
        raise ValueError(f"probabilities must have shape (N, K) with N >= 1 and K >= 2, got {probs_np.shape}")
    if len(target_np) != n:
        raise ValueError(f"labels must have one entry per row of probabilities, got {len(target_np)} for {n}")
    if not np.all(np.isfinite(probs_np)) or probs_np.min() < 0 or probs_np.max() > 1:
        raise ValueError("probabilities must be finite and lie in [0, 1]")
    if not np.allclose(probs_np.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("probabilities must sum to 1 in every row (pass softmax outputs, not logits)")
    if target_np.min() < 0 or target_np.max() >= k:
        raise ValueError(f"labels must lie in 0..{k - 1}, got values from {target_np.min()} to {target_np.max()}")
    confidence = probs_np.max(axis=1)
    correct = (probs_np.argmax(axis=1) == target_np).astype(np.float64)
    return confidence, correct


def reliability_bins(probabilities: Any, labels: Any, n_bins: int = 10) -> ReliabilityBins:
    """Group top-class predictions into equal-width confidence bins (reliability-diagram data).

    Args:
        probabilities: (N, K) class probabilities (rows sum to 1), tensor or array.
        labels: (N,) integer true classes in ``0..K-1``.
        n_bins: number of equal-width bins on [0, 1]; bin ``b`` holds confidences
            in ``(b / n_bins, (b + 1) / n_bins]`` (the first bin includes 0).

    Returns:
        A :class:`ReliabilityBins` with edges, counts, mean confidence and accuracy per bin.

    Raises:
        TypeError: arrays of the wrong kind (e.g. float labels, integer probabilities).
        ValueError: wrong shapes, probabilities outside [0, 1] or not summing to 1,
            labels out of range, bad ``n_bins``.
    """
    n_bins = _validate.positive_int("n_bins", n_bins)
    confidence, correct = _confidence_and_correct(probabilities, labels)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bin_ids = np.searchsorted(edges[1:-1], confidence, side="left")
    counts = np.bincount(bin_ids, minlength=n_bins)
    sum_confidence = np.bincount(bin_ids, weights=confidence, minlength=n_bins)
    sum_correct = np.bincount(bin_ids, weights=correct, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.where(counts > 0, sum_confidence / counts, np.nan)
        accuracy = np.where(counts > 0, sum_correct / counts, np.nan)
    return ReliabilityBins(edges=edges, counts=counts, confidence=mean_confidence, accuracy=accuracy)


def expected_calibration_error(probabilities: Any, labels: Any, n_bins: int = 10) -> float:
    """Expected calibration error of top-class predictions with equal-width bins.

    ``ECE = sum_b (n_b / N) * |accuracy_b - mean confidence_b|``: 0 for a
    perfectly calibrated model, at most 1.

    Args:
        probabilities: (N, K) class probabilities (rows sum to 1), tensor or array.
        labels: (N,) integer true classes.
        n_bins: number of equal-width bins on [0, 1] (15 in Guo et al. 2017; 10 here by default).

    Returns:
        The ECE as a float in [0, 1].

    Raises:
        TypeError / ValueError: see :func:`reliability_bins`.
    """
    return reliability_bins(probabilities, labels, n_bins).expected_calibration_error()
