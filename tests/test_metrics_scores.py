import numpy as np
import pytest
import torch

from aigc_utils.metrics.scores import inception_score


def _reference_inception_score(p, splits):
    # The original implementation's formula (Salimans et al. 2016): part * (log part - log marginal).
    scores = []
    size = len(p) // splits
    for k in range(splits):
        part = p[k * size : (k + 1) * size]
        kl = part * (np.log(part) - np.log(part.mean(axis=0, keepdims=True)))
        scores.append(np.exp(kl.sum(axis=1).mean()))
    return np.mean(scores), np.std(scores)


def test_uniform_predictions_score_one():
    mean, std = inception_score(np.full((50, 10), 0.1), splits=5)
    assert mean == pytest.approx(1.0, abs=1e-12) and std == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("classes", [2, 7, 10])
def test_confident_balanced_one_hot_scores_number_of_classes(classes):
    one_hot = np.eye(classes)[np.tile(np.arange(classes), 6)]  # each split of `classes` rows is balanced
    assert inception_score(one_hot)[0] == pytest.approx(classes)
    mean, std = inception_score(one_hot, splits=6)
    assert mean == pytest.approx(classes) and std == pytest.approx(0.0, abs=1e-9)


def test_collapse_to_one_class_scores_one():
    assert inception_score(np.eye(10)[np.zeros(40, dtype=int)])[0] == pytest.approx(1.0)


def test_equals_the_original_formula_and_accepts_tensors():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(10, 0.3), size=203)
    ours = inception_score(p, splits=4)
    reference = _reference_inception_score(p, 4)
    assert ours[0] == pytest.approx(reference[0], rel=1e-10) and ours[1] == pytest.approx(reference[1], rel=1e-8)
    assert inception_score(torch.tensor(p), splits=4)[0] == pytest.approx(ours[0], rel=1e-10)
    assert 1.0 <= ours[0] <= 10.0


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([0.5, 0.5],), TypeError, "probabilities"),
        ((np.full(10, 0.1),), ValueError, "2-D"),
        ((np.full((4, 2), 0.5), 0), ValueError, "splits"),
        ((np.full((4, 2), 0.5), 5), ValueError, "splits"),
        ((np.full((4, 2), 0.5), 1.5), TypeError, "splits"),
        ((np.full((4, 2), 2.0),), ValueError, "sum to 1"),
        ((np.array([[1.5, -0.5]]),), ValueError, "non-negative"),
        ((np.array([["a", "b"]]),), TypeError, "real numbers"),
    ],
)
def test_bad_input_is_rejected(args, error, match):
    with pytest.raises(error, match=match):
        inception_score(*args)
