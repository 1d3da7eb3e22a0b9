import numpy as np
import pytest
import torch
from scipy import linalg

from aigc_utils.metrics import classifier_two_sample_test, distance_to_closest_record, frechet_distance

RNG = np.random.default_rng(0)


def test_frechet_distance_closed_form_in_one_dimension():
    a = RNG.normal(0.0, 1.0, (20_000, 1))
    b = RNG.normal(2.0, 3.0, (20_000, 1))
    # (m1 - m2)^2 + s1^2 + s2^2 - 2 s1 s2 = 4 + 1 + 9 - 6 = 8
    assert frechet_distance(a, b) == pytest.approx(8.0, rel=0.03)


def test_frechet_distance_matches_scipy_sqrtm_formula():
    a = RNG.normal(size=(300, 6)) @ RNG.normal(size=(6, 6))
    b = RNG.normal(size=(250, 6)) + 0.5
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    reference = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(ca + cb - 2 * linalg.sqrtm(ca @ cb).real)
    assert frechet_distance(a, b) == pytest.approx(reference, rel=1e-6)
    assert frechet_distance(torch.from_numpy(a), b) == pytest.approx(reference, rel=1e-6)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    "a, b, error, match",
    [
        (np.zeros((10, 3)), np.zeros((10, 4)), ValueError, "width"),
        (np.zeros(10), np.zeros((10, 1)), ValueError, "2-D"),
        (np.zeros((1, 3)), np.zeros((10, 3)), ValueError, "at least 2"),
        ([[1.0, 2.0]], np.zeros((10, 2)), TypeError, "features_a"),
        (np.array([["a", "b"], ["c", "d"]]), np.zeros((2, 2)), TypeError, "real numbers"),
    ],
)
def test_frechet_distance_rejects_bad_input(a, b, error, match):
    with pytest.raises(error, match=match):
        frechet_distance(a, b)


def test_two_sample_test_near_chance_for_same_distribution_and_high_for_different():
    real = RNG.normal(size=(400, 2))
    same = RNG.normal(size=(400, 2))
    shifted = RNG.normal(size=(400, 2)) + np.array([1.5, 0.0])
    assert classifier_two_sample_test(real, same, seed=0) < 0.6
    assert classifier_two_sample_test(real, shifted, seed=0) > 0.7


def test_two_sample_test_validates_arguments():
    with pytest.raises(ValueError, match="folds"):
        classifier_two_sample_test(np.zeros((10, 2)), np.zeros((10, 2)), folds=1)
    with pytest.raises(ValueError, match="seed"):
        classifier_two_sample_test(np.zeros((10, 2)), np.zeros((10, 2)), seed=-1)


def test_distance_to_closest_record():
    records = np.array([[0.0, 0.0], [3.0, 4.0]])
    samples = np.array([[0.0, 0.0], [3.0, 0.0], [6.0, 8.0]])
    assert np.allclose(distance_to_closest_record(samples, records), [0.0, 3.0, 5.0])
    with pytest.raises(ValueError, match="width"):
        distance_to_closest_record(np.zeros((2, 3)), records)


def test_precision_recall_of_identical_sets_is_one():
    from aigc_utils.metrics import precision_recall

    points = RNG.normal(size=(200, 2))
    assert precision_recall(points, points) == (1.0, 1.0)


def test_precision_recall_separates_collapse_from_noise():
    from aigc_utils.metrics import precision_recall

    rng = np.random.default_rng(1)
    centres = np.array([[-5.0, 0.0], [5.0, 0.0]])
    real = centres[rng.integers(0, 2, 1000)] + rng.normal(0, 0.3, (1000, 2))
    collapsed = centres[0] + rng.normal(0, 0.3, (1000, 2))  # one of two modes
    precision, recall = precision_recall(real, collapsed)
    assert precision > 0.95 and 0.4 < recall < 0.6
    spread = rng.uniform(-10, 10, (1000, 2))  # covers everything, mostly off-manifold
    precision, recall = precision_recall(real, spread)
    assert precision < 0.3 and recall > 0.9
    far = real + 100.0
    assert precision_recall(real, far) == (0.0, 0.0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"real": np.zeros((3, 2)), "generated": np.zeros((10, 2))}, ValueError, "at least 4"),
        ({"real": np.zeros((10, 2)), "generated": np.zeros((10, 3))}, ValueError, "width"),
        ({"real": np.zeros((10, 2)), "generated": np.zeros((10, 2)), "k": 0}, ValueError, "k must"),
        ({"real": "x", "generated": np.zeros((10, 2))}, TypeError, "real"),
    ],
)
def test_precision_recall_rejects_bad_input(kwargs, error, match):
    from aigc_utils.metrics import precision_recall

    with pytest.raises(error, match=match):
        precision_recall(**kwargs)
