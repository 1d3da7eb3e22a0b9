"""Segmentation metrics: IoU (Jaccard), Dice (F1) and mean IoU over classes.

A segmentation is judged pixel by pixel against a true label map:

- **IoU** of one class = |true ∩ predicted| / |true ∪ predicted| (the Jaccard
  index); **Dice** = 2 |true ∩ predicted| / (|true| + |predicted|) (the F1
  score of the pixels). Dice = 2 IoU / (1 + IoU), so the two rank methods alike;
  Dice is the more forgiving number.
- **mIoU** averages the per-class IoU over classes (PASCAL VOC, Cityscapes), so
  a small class counts as much as the background: predicting "background"
  everywhere scores a high pixel accuracy but a low mIoU.

Counts are pooled over all pixels of all images given (the usual data-set
level definition). They equal ``sklearn.metrics.jaccard_score`` and
``f1_score`` on the flattened label maps (the tests compare them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from aigc_utils import _validate


def _labels(name: str, value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray or torch.Tensor of labels, got {type(value).__name__}")
    if value.dtype != np.bool_ and not np.issubdtype(value.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class ids or booleans, got dtype {value.dtype}")
    if value.size == 0:
        raise ValueError(f"{name} must not be empty")
    return value.astype(np.int64).ravel()


def _pair(true: Any, predicted: Any) -> tuple[np.ndarray, np.ndarray]:
    shape_true = tuple(getattr(true, "shape", ()))
    shape_pred = tuple(getattr(predicted, "shape", ()))
    t, p = _labels("true", true), _labels("predicted", predicted)
    if shape_true != shape_pred:
        raise ValueError(f"true and predicted must have the same shape, got {shape_true} and {shape_pred}")
    return t, p


def confusion_matrix(true: Any, predicted: Any, n_classes: int) -> np.ndarray:
    """Pixel counts ``C[i, j]``: pixels of true class ``i`` predicted as class ``j``.

    Args:
        true: label map(s) of class ids in ``0 .. n_classes - 1`` (any shape,
            NumPy array or tensor of integers).
        predicted: label map(s) of the same shape.
        n_classes: number of classes.

    Returns:
        (n_classes, n_classes) int64 array (rows: true class, columns: predicted).

    Raises:
        TypeError: the maps are not integer arrays/tensors.
        ValueError: shapes differ, maps are empty, or a label lies outside
            ``0 .. n_classes - 1``.
    """
    n_classes = _validate.positive_int("n_classes", n_classes)
    t, p = _pair(true, predicted)
    for name, labels in (("true", t), ("predicted", p)):
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(
                f"{name} must hold class ids in 0..{n_classes - 1}, got values from {labels.min()} to {labels.max()}"
            )
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def per_class_iou(true: Any, predicted: Any, n_classes: int) -> np.ndarray:
    """IoU (Jaccard index) of every class, pooled over all pixels.

    Args:
        true, predicted, n_classes: as for :func:`confusion_matrix`.

    Returns:
        (n_classes,) float array; NaN for a class absent from both maps
        (nothing to judge; :func:`mean_iou` skips it).

    Raises:
        TypeError / ValueError: as for :func:`confusion_matrix`.
    """
    counts = confusion_matrix(true, predicted, n_classes)
    intersection = np.diag(counts).astype(float)
    union = counts.sum(0) + counts.sum(1) - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, intersection / union, np.nan)


def per_class_dice(true: Any, predicted: Any, n_classes: int) -> np.ndarray:
    """Dice coefficient (pixel F1) of every class, pooled over all pixels.

    Args:
        true, predicted, n_classes: as for :func:`confusion_matrix`.

    Returns:
        (n_classes,) float array; NaN for a class absent from both maps.

    Raises:
        TypeError / ValueError: as for :func:`confusion_matrix`.
    """
    counts = confusion_matrix(true, predicted, n_classes)
    intersection = np.diag(counts).astype(float)
    total = counts.sum(0) + counts.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2 * intersection / total, np.nan)


def mean_iou(true: Any, predicted: Any, n_classes: int) -> float:
    """Mean over classes of the per-class IoU (classes absent from both maps are skipped).

    Args:
        true, predicted, n_classes: as for :func:`confusion_matrix`.

    Returns:
        mIoU in [0, 1].

    Raises:
        TypeError / ValueError: as for :func:`confusion_matrix`.
    """
    return float(np.nanmean(per_class_iou(true, predicted, n_classes)))


def _binary(name: str, value: Any) -> np.ndarray:
    labels = _labels(name, value)
    if labels.min() < 0 or labels.max() > 1:
        raise ValueError(f"{name} must be a binary mask (booleans or 0/1), got values from {labels.min()} to {labels.max()}")
    return labels.astype(bool)


def _binary_pair(true: Any, predicted: Any, empty: Any) -> tuple[np.ndarray, np.ndarray, float]:
    shape_true = tuple(getattr(true, "shape", ()))
    shape_pred = tuple(getattr(predicted, "shape", ()))
    t, p = _binary("true", true), _binary("predicted", predicted)
    if shape_true != shape_pred:
        raise ValueError(f"true and predicted must have the same shape, got {shape_true} and {shape_pred}")
    empty = _validate.real_number("empty", empty)
    if not 0.0 <= empty <= 1.0:
        raise ValueError(f"empty must lie in [0, 1], got {empty}")
    return t, p, empty


def iou(true: Any, predicted: Any, *, empty: float = 1.0) -> float:
    """IoU (Jaccard index) of two binary masks: |true ∩ predicted| / |true ∪ predicted|.

    Args:
        true: the true mask (booleans or 0/1 integers, any shape).
        predicted: the predicted mask, same shape.
        empty: the value returned when both masks are empty (default 1: they
            agree perfectly on "nothing here").

    Returns:
        IoU in [0, 1].

    Raises:
        TypeError: the masks are not boolean/integer arrays or tensors.
        ValueError: shapes differ, a mask is empty or not binary, ``empty`` outside [0, 1].
    """
    t, p, empty = _binary_pair(true, predicted, empty)
    union = int(np.sum(t | p))
    return empty if union == 0 else float(np.sum(t & p)) / union


def dice(true: Any, predicted: Any, *, empty: float = 1.0) -> float:
    """Dice coefficient of two binary masks: 2 |true ∩ predicted| / (|true| + |predicted|).

    Args:
        true: the true mask (booleans or 0/1 integers, any shape).
        predicted: the predicted mask, same shape.
        empty: the value returned when both masks are empty (default 1).

    Returns:
        Dice in [0, 1]; equals ``2 * iou / (1 + iou)``.

    Raises:
        TypeError: the masks are not boolean/integer arrays or tensors.
        ValueError: shapes differ, a mask is empty or not binary, ``empty`` outside [0, 1].
    """
    t, p, empty = _binary_pair(true, predicted, empty)
    total = int(t.sum() + p.sum())
    return empty if total == 0 else 2.0 * float(np.sum(t & p)) / total
