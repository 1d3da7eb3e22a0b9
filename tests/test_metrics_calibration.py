import numpy as np
import pytest
import torch
from sklearn.calibration import calibration_curve

from aigc_utils.metrics.calibration import ReliabilityBins, expected_calibration_error, reliability_bins


def test_hand_computed_ece():
    # confidences 0.9, 0.9, 0.6, 0.55 (top class 0, 0, 1, 1); correct: yes, no, yes, yes
    probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.45, 0.55]])
    labels = np.array([0, 1, 1, 1])
    bins = reliability_bins(probs, labels, n_bins=4)  # bins (0,.25], (.25,.5], (.5,.75], (.75,1]
    assert bins.counts.tolist() == [0, 0, 2, 2]
    assert np.allclose(bins.confidence[2:], [0.575, 0.9]) and np.allclose(bins.accuracy[2:], [1.0, 0.5])
    assert np.isnan(bins.accuracy[0]) and np.isnan(bins.confidence[1])
    # ECE = 2/4 * |1 - 0.575| + 2/4 * |0.5 - 0.9| = 0.2125 + 0.2 = 0.4125
    assert expected_calibration_error(probs, labels, n_bins=4) == pytest.approx(0.4125)
    assert np.allclose(bins.centers, [0.125, 0.375, 0.625, 0.875])
    assert bins.gaps[3] == pytest.approx(-0.4)


def test_edge_goes_to_lower_bin_like_sklearn():
    probs = np.array([[0.5, 0.5], [0.25, 0.75]])
    bins = reliability_bins(probs, np.array([0, 1]), n_bins=4)
    assert bins.counts.tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("n_bins", [5, 10, 15])
def test_bin_accuracies_equal_sklearn_calibration_curve(n_bins):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(500, 4)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = rng.integers(0, 4, size=500)
    bins = reliability_bins(torch.tensor(probs), torch.tensor(labels), n_bins=n_bins)
    correct = (probs.argmax(1) == labels).astype(int)
    prob_true, prob_pred = calibration_curve(correct, probs.max(1), n_bins=n_bins, strategy="uniform")
    filled = bins.counts > 0
    assert np.allclose(bins.accuracy[filled], prob_true)
    assert np.allclose(bins.confidence[filled], prob_pred)
    weights = bins.counts[filled] / 500
    assert expected_calibration_error(probs, labels, n_bins) == pytest.approx(np.sum(weights * np.abs(prob_true - prob_pred)))


def test_perfect_and_worst_cases():
    one_hot = np.eye(3)[[0, 1, 2, 0]]
    assert expected_calibration_error(one_hot, np.array([0, 1, 2, 0])) == 0.0
    assert expected_calibration_error(one_hot, np.array([1, 2, 0, 1])) == pytest.approx(1.0)
    assert isinstance(reliability_bins(one_hot, np.array([0, 1, 2, 0])), ReliabilityBins)


def test_bad_input():
    good = np.array([[0.7, 0.3], [0.2, 0.8]])
    with pytest.raises(ValueError, match="sum to 1"):
        expected_calibration_error(np.array([[2.0, -1.0], [0.5, 0.6]]) * 0 + 0.7, np.array([0, 1]))
    with pytest.raises(ValueError, match="probabilities"):
        expected_calibration_error(np.array([[1.5, -0.5], [0.2, 0.8]]), np.array([0, 1]))
    with pytest.raises(TypeError, match="labels"):
        expected_calibration_error(good, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="labels"):
        expected_calibration_error(good, np.array([0, 2]))
    with pytest.raises(ValueError, match="labels"):
        expected_calibration_error(good, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="probabilities"):
        expected_calibration_error(np.array([0.7, 0.3]), np.array([0]))
    with pytest.raises(TypeError, match="probabilities"):
        expected_calibration_error([[0.7, 0.3]], np.array([0]))
    with pytest.raises(ValueError, match="n_bins"):
        reliability_bins(good, np.array([0, 1]), n_bins=0)
