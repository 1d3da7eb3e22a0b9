import numpy as np
import pytest
import torch

from aigc_utils.data import load_digits_split
from aigc_utils.models import train_digit_judge


@pytest.fixture(scope="module")
def judge():
    return train_digit_judge()


def test_judge_is_accurate_and_leaves_global_rng_alone(judge):
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    train_digit_judge.cache_clear()
    fresh = train_digit_judge(seed=1, steps=1500)
    assert torch.equal(torch.rand(3), expected)
    assert judge.test_accuracy >= 0.95 and fresh.test_accuracy >= 0.95


def test_judge_scores_real_digits_well_and_noise_badly(judge):
    data = load_digits_split()
    real = judge.report(data.train_images[:500])
    noise = judge.report(torch.rand(500, 1, 8, 8, generator=torch.Generator().manual_seed(0)))
    assert real["classes_covered"] == 10 and real["confidence"] > 0.9
    assert noise["classes_covered"] <= 2 and noise["confidence"] < 0.5
    assert noise["frechet"] > 20 * real["frechet_real_floor"]
    assert real["frechet"] < 3 * real["frechet_real_floor"]


def test_judge_histogram_and_shapes(judge):
    data = load_digits_split()
    threes = data.test_images[data.test_labels == 3]
    histogram = judge.class_histogram(threes)
    assert histogram.shape == (10,) and histogram.argmax() == 3 and histogram.sum() == len(threes)
    assert judge.classes_covered(threes) == 1
    flat = judge.probabilities(threes.reshape(len(threes), 64).numpy())
    assert torch.allclose(flat, judge.probabilities(threes))
    assert judge.features(threes).shape == (len(threes), 64)


def test_real_floor_is_small_but_positive(judge):
    floor = judge.real_floor(500)
    assert 0 < floor < 5
    assert judge.real_floor(500, seed=0) == pytest.approx(floor)


@pytest.mark.parametrize(
    "images, error, match",
    [
        (torch.rand(4, 1, 16, 16), ValueError, "8x8"),
        (torch.zeros(4, 1, 8, 8, dtype=torch.int64), TypeError, "floating"),
        (torch.rand(0, 1, 8, 8), ValueError, "empty"),
        (torch.rand(8), ValueError, "dimensions"),
        ("digits", TypeError, "images"),
    ],
)
def test_judge_rejects_bad_images(judge, images, error, match):
    with pytest.raises(error, match=match):
        judge.probabilities(images)


def test_judge_rejects_bad_arguments(judge):
    with pytest.raises(ValueError, match="n_samples"):
        judge.real_floor(10_000)
    with pytest.raises(ValueError, match="n_samples"):
        judge.real_floor(-5)
    with pytest.raises(ValueError, match="repeats"):
        judge.real_floor(100, repeats=0)
    with pytest.raises(ValueError, match="min_share"):
        judge.classes_covered(torch.rand(3, 64), min_share=2.0)
    with pytest.raises(ValueError, match="steps"):
        train_digit_judge(steps=0)
    assert isinstance(judge.class_histogram(np.random.rand(5, 64).astype(np.float32)), np.ndarray)
