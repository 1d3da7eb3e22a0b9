"""IoU, Dice and mIoU must equal scikit-learn's jaccard_score / f1_score on the flattened label maps."""

import numpy as np
import pytest
import torch
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.metrics import f1_score, jaccard_score

from aigc_utils.metrics.segmentation import confusion_matrix, dice, iou, mean_iou, per_class_dice, per_class_iou

RNG = np.random.default_rng(0)
TRUE = RNG.integers(0, 4, size=(5, 16, 16))
# a prediction that is right on about 70% of pixels, wrong at random elsewhere
PREDICTED = np.where(RNG.random(TRUE.shape) < 0.7, TRUE, RNG.integers(0, 4, size=TRUE.shape))
LABELS = list(range(4))


def test_confusion_matrix_matches_sklearn():
    expected = sk_confusion_matrix(TRUE.ravel(), PREDICTED.ravel(), labels=LABELS)
    assert np.array_equal(confusion_matrix(TRUE, PREDICTED, 4), expected)
    assert np.array_equal(confusion_matrix(torch.from_numpy(TRUE), torch.from_numpy(PREDICTED), 4), expected)


def test_per_class_iou_and_mean_iou_match_jaccard_score():
    expected = jaccard_score(TRUE.ravel(), PREDICTED.ravel(), labels=LABELS, average=None)
    assert np.allclose(per_class_iou(TRUE, PREDICTED, 4), expected, atol=1e-12)
    macro = jaccard_score(TRUE.ravel(), PREDICTED.ravel(), labels=LABELS, average="macro")
    assert mean_iou(TRUE, PREDICTED, 4) == pytest.approx(macro, abs=1e-12)


def test_per_class_dice_matches_f1_score():
    expected = f1_score(TRUE.ravel(), PREDICTED.ravel(), labels=LABELS, average=None)
    assert np.allclose(per_class_dice(TRUE, PREDICTED, 4), expected, atol=1e-12)


def test_absent_class_is_skipped_by_mean_iou():
    true = np.array([[0, 0, 1, 1]])
    predicted = np.array([[0, 1, 1, 1]])
    scores = per_class_iou(true, predicted, 3)  # class 2 appears nowhere
    assert np.isnan(scores[2])
    assert mean_iou(true, predicted, 3) == pytest.approx(
        jaccard_score(true.ravel(), predicted.ravel(), labels=[0, 1], average="macro")
    )
    assert np.isnan(per_class_dice(true, predicted, 3)[2])


def test_perfect_and_disjoint_predictions():
    assert mean_iou(TRUE, TRUE, 4) == 1.0
    assert np.allclose(per_class_dice(TRUE, TRUE, 4), 1.0)
    assert np.allclose(per_class_iou(TRUE, (TRUE + 1) % 4, 4), 0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_iou_and_dice_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    true = rng.random((20, 20)) < 0.3
    predicted = rng.random((20, 20)) < 0.4
    assert iou(true, predicted) == pytest.approx(jaccard_score(true.ravel(), predicted.ravel()), abs=1e-12)
    assert dice(true, predicted) == pytest.approx(f1_score(true.ravel(), predicted.ravel()), abs=1e-12)
    value = iou(true, predicted)
    assert dice(true, predicted) == pytest.approx(2 * value / (1 + value))
    assert iou(torch.from_numpy(true), torch.from_numpy(predicted.astype(np.int64))) == pytest.approx(value)


def test_binary_metrics_on_empty_masks_follow_zero_division():
    empty = np.zeros((4, 4), dtype=bool)
    assert iou(empty, empty) == 1.0 == jaccard_score(empty.ravel(), empty.ravel(), zero_division=1.0)
    assert dice(empty, empty, empty=0.0) == 0.0 == f1_score(empty.ravel(), empty.ravel(), zero_division=0.0)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: mean_iou(TRUE, PREDICTED[:, :-1], 4), ValueError, "same shape"),
        (lambda: mean_iou(TRUE, PREDICTED, 3), ValueError, "class ids in 0..2"),
        (lambda: mean_iou(TRUE - 1, PREDICTED, 4), ValueError, "true must hold class ids"),
        (lambda: mean_iou(TRUE.astype(float), PREDICTED, 4), TypeError, "true must hold integer"),
        (lambda: mean_iou(TRUE.tolist(), PREDICTED, 4), TypeError, "true must be"),
        (lambda: mean_iou(TRUE, PREDICTED, 0), ValueError, "n_classes"),
        (lambda: mean_iou(np.zeros(0, dtype=int), np.zeros(0, dtype=int), 2), ValueError, "empty"),
        (lambda: iou(TRUE, PREDICTED), ValueError, "binary"),
        (lambda: dice(TRUE > 1, PREDICTED[:1] > 1), ValueError, "same shape"),
        (lambda: dice(TRUE > 1, PREDICTED > 1, empty=2.0), ValueError, "empty"),
        (lambda: iou(TRUE > 1, "mask"), TypeError, "predicted"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
