"""Classifier-based scores of generated samples: the Inception Score.

The Inception Score (Salimans et al., 2016) grades a set of generated images
with a classifier trained on real data (Inception-v3 on ImageNet in the
paper; the course's digit judge for 8x8 digits):

``IS = exp( E_x [ KL( p(y | x) || p(y) ) ] )``

where ``p(y | x)`` is the classifier's class distribution for one sample and
``p(y)`` the average of those over the set. It is high when every sample is
classified confidently (sharp ``p(y | x)``) *and* the classes are used evenly
(flat ``p(y)``); it ranges from 1 (all predictions identical) to the number of
classes K. It never looks at real data, so it cannot tell a generator that
copies its training set, nor notice that samples look unlike the real ones
as long as the classifier is sure (FID and precision/recall can).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from scipy.special import rel_entr

from aigc_utils import _validate

ROW_SUM_TOLERANCE = 1e-3


def inception_score(probabilities: Any, splits: int = 1) -> tuple[float, float]:
    """Inception Score of a set of class-probability vectors, as mean and spread over splits.

    The samples are cut into ``splits`` equal consecutive parts (the last
    ``N mod splits`` rows are dropped, as in the original implementation); each
    part gets ``exp(mean_x KL(p(y|x) || p(y)))`` with its own marginal ``p(y)``,
    and the mean and standard deviation over the parts are returned. The
    original paper used 10 splits of 5,000 images; with few samples use 1.

    Args:
        probabilities: (N, K) class probabilities (rows sum to 1, entries >= 0),
            a NumPy array or a tensor, e.g. ``judge.probabilities(images)``.
        splits: number of parts, 1 <= splits <= N.

    Returns:
        ``(mean, std)`` of the score over the splits (``std`` is 0 for one split).
        The score lies in [1, K].

    Raises:
        TypeError: ``probabilities`` is not a real array/tensor, or ``splits`` not an integer.
        ValueError: not 2-D, empty, negative entries, rows not summing to 1, or
            ``splits`` outside [1, N].
    """
    if isinstance(probabilities, torch.Tensor):
        probabilities = probabilities.detach().cpu().numpy()
    if not isinstance(probabilities, np.ndarray):
        raise TypeError(f"probabilities must be a numpy.ndarray or torch.Tensor, got {type(probabilities).__name__}")
    if not np.issubdtype(probabilities.dtype, np.number) or np.issubdtype(probabilities.dtype, np.complexfloating):
        raise TypeError(f"probabilities must hold real numbers, got dtype {probabilities.dtype}")
    if probabilities.ndim != 2 or probabilities.shape[0] == 0 or probabilities.shape[1] == 0:
        raise ValueError(f"probabilities must be a non-empty 2-D array (samples, classes), got shape {probabilities.shape}")
    p = probabilities.astype(np.float64)
    if not np.all(np.isfinite(p)) or (p < 0).any():
        raise ValueError("probabilities must be finite and non-negative")
    if np.abs(p.sum(axis=1) - 1.0).max() > ROW_SUM_TOLERANCE:
        raise ValueError("each row of probabilities must sum to 1 (pass softmax outputs, not logits)")
    splits = _validate.positive_int("splits", splits)
    if splits > len(p):
        raise ValueError(f"splits must be at most the number of samples ({len(p)}), got {splits}")
    size = len(p) // splits
    scores = []
    for part in np.split(p[: size * splits], splits):
        marginal = part.mean(axis=0, keepdims=True)
        mean_kl = rel_entr(part, marginal).sum(axis=1).mean()  # rel_entr: p log(p/q), 0 where p = 0
        scores.append(float(np.exp(mean_kl)))
    return float(np.mean(scores)), float(np.std(scores))
