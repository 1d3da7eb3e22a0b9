"""Distances between sets of samples: how close generated data is to real data.

- :func:`frechet_distance`: the Fréchet (2-Wasserstein) distance between two
  Gaussians fitted to feature vectors; with Inception features it is FID, with
  the course's digit judge it is a "classifier-feature FID" for digits.
- :func:`classifier_two_sample_test`: train a classifier to tell real from
  generated; held-out accuracy near 0.5 means it cannot.
- :func:`distance_to_closest_record`: how near each generated sample lies to
  its closest training example (memorisation and privacy).
- :func:`precision_recall`: k-NN precision (are samples realistic?) and recall
  (is all of the real data covered?), Kynkäänniemi et al. 2019.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from aigc_utils import _validate


def _matrix(name: str, value: Any, min_rows: int = 2) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray or torch.Tensor, got {type(value).__name__}")
    if value.ndim != 2:
        raise ValueError(f"{name} must be 2-D (samples, features), got shape {value.shape}")
    if value.shape[0] < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows (samples), got {value.shape[0]}")
    if not np.issubdtype(value.dtype, np.number) or np.issubdtype(value.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")
    return value.astype(np.float64)


def frechet_distance(features_a: Any, features_b: Any) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets.

    ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^{1/2})``. The trace of the
    matrix square root is taken from the eigenvalues of ``S_a S_b`` (real and
    non-negative for two covariance matrices), which avoids the complex
    round-off of a general ``sqrtm``.

    Args:
        features_a: (N, D) features of one sample set.
        features_b: (M, D) features of the other (same D).

    Returns:
        The distance (>= 0; biased upwards for small N: compare at equal sizes).

    Raises:
        TypeError: inputs are not real arrays/tensors.
        ValueError: not 2-D, fewer than 2 rows, or different feature sizes.
    """
    a = _matrix("features_a", features_a)
    b = _matrix("features_b", features_b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a and features_b must have the same width, got {a.shape[1]} and {b.shape[1]}")
    mean_gap = a.mean(axis=0) - b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    eigenvalues = np.linalg.eigvals(cov_a @ cov_b).real
    trace_sqrt = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    value = mean_gap @ mean_gap + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt
    return float(max(value, 0.0))


def classifier_two_sample_test(real: Any, generated: Any, *, seed: int = 0, folds: int = 5) -> float:
    """Accuracy of a classifier telling ``real`` from ``generated`` (cross-validated).

    A gradient-boosted tree ensemble (scikit-learn's
    ``HistGradientBoostingClassifier``) is trained on a balanced set of the two;
    its held-out accuracy is about 0.5 when the sets are indistinguishable and
    approaches 1.0 when the generator is poor. This is the "C2ST" of Lopez-Paz
    and Oquab (2017).

    Args:
        real: (N, D) real samples.
        generated: (M, D) generated samples (same D); the larger set is
            subsampled so both classes have min(N, M) rows.
        seed: seed of the subsampling, the folds and the classifier.
        folds: number of cross-validation folds (>= 2).

    Returns:
        Mean held-out accuracy over the folds.

    Raises:
        TypeError / ValueError: as for :func:`frechet_distance`, plus bad ``folds``/``seed``.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    a = _matrix("real", real, min_rows=folds)
    b = _matrix("generated", generated, min_rows=folds)
    seed = _validate.non_negative_int("seed", seed)
    folds = _validate.positive_int("folds", folds)
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"real and generated must have the same width, got {a.shape[1]} and {b.shape[1]}")
    rng = np.random.default_rng(seed)
    n = min(len(a), len(b))
    a = a[rng.choice(len(a), n, replace=False)]
    b = b[rng.choice(len(b), n, replace=False)]
    x = np.concatenate([a, b])
    y = np.concatenate([np.ones(n), np.zeros(n)])
    classifier = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return float(cross_val_score(classifier, x, y, cv=splitter).mean())


def distance_to_closest_record(samples: Any, records: Any) -> np.ndarray:
    """Euclidean distance from each sample to its nearest record.

    Used to spot memorisation: a generator that copies its training data puts
    samples at distance ~0 from training records, closer than fresh real data
    (a held-out set) lies.

    Args:
        samples: (N, D) generated (or held-out) points.
        records: (M, D) training records.

    Returns:
        (N,) array of distances.

    Raises:
        TypeError / ValueError: as for :func:`frechet_distance`.
    """
    a = _matrix("samples", samples, min_rows=1)
    b = _matrix("records", records, min_rows=1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"samples and records must have the same width, got {a.shape[1]} and {b.shape[1]}")
    distances = torch.cdist(torch.from_numpy(a), torch.from_numpy(b))
    return distances.min(dim=1).values.numpy()


def _knn_radii(points: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from each point to its k-th nearest other point of the same set."""
    distances = torch.cdist(points, points)
    # Column 0 of the sorted row is the point itself (distance 0).
    return distances.sort(dim=1).values[:, k]


def _share_inside(queries: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> float:
    """Share of queries lying inside at least one ball (centre, radius)."""
    inside = torch.cdist(queries, centres) <= radii[None, :]
    return float(inside.any(dim=1).double().mean())


def precision_recall(real: Any, generated: Any, *, k: int = 3) -> tuple[float, float]:
    """k-NN precision and recall of generated samples (Kynkäänniemi et al., 2019).

    Each real point gets a ball reaching its ``k``-th nearest real neighbour;
    the union of those balls estimates the real data's manifold. *Precision*
    is the share of generated points inside it (are samples realistic?).
    *Recall* swaps the roles: the share of real points inside the generated
    manifold (is every part of the real data produced?). A collapsed
    generator has high precision and low recall; a noisy one the reverse.
    Use features (e.g. the digit judge's) rather than raw pixels for images.

    Args:
        real: (N, D) real points or features, N > k.
        generated: (M, D) generated points or features, M > k.
        k: neighbour used for the ball radius (3 in the paper).

    Returns:
        ``(precision, recall)``, each in [0, 1].

    Raises:
        TypeError / ValueError: as for :func:`frechet_distance`; ``k`` must be
        a positive integer smaller than both set sizes.
    """
    k = _validate.positive_int("k", k)
    a = _matrix("real", real, min_rows=k + 1)
    b = _matrix("generated", generated, min_rows=k + 1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"real and generated must have the same width, got {a.shape[1]} and {b.shape[1]}")
    real_t, fake_t = torch.from_numpy(a), torch.from_numpy(b)
    precision = _share_inside(fake_t, real_t, _knn_radii(real_t, k))
    recall = _share_inside(real_t, fake_t, _knn_radii(fake_t, k))
    return precision, recall
