import numpy as np
import pytest
import torch

from aigc_utils.data import image_grid, load_digits_split


def test_digits_split_is_fixed_and_well_formed():
    data = load_digits_split()
    assert data.train_images.shape == (1437, 1, 8, 8) and data.test_images.shape == (360, 1, 8, 8)
    assert data.train_images.dtype == torch.float32 and data.train_labels.dtype == torch.int64
    assert 0.0 <= float(data.train_images.min()) and float(data.train_images.max()) <= 1.0
    assert set(data.test_labels.tolist()) == set(range(10))
    assert data.image_shape == (1, 8, 8)
    # the split does not depend on the global seed
    torch.manual_seed(123)
    np.random.seed(123)
    load_digits_split.cache_clear()
    again = load_digits_split()
    assert torch.equal(again.test_labels, data.test_labels)


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (1.0, ValueError), ("0.2", TypeError)])
def test_digits_split_rejects_bad_fraction(bad, error):
    with pytest.raises(error, match="test_fraction"):
        load_digits_split(bad)


def test_image_grid_shapes():
    grey = image_grid(torch.rand(12, 1, 8, 8), nrow=4, padding=1)
    assert grey.shape == (3 * 9 + 1, 4 * 9 + 1)
    colour = image_grid(np.random.rand(2, 3, 5, 5).astype(np.float32), nrow=2)
    assert colour.shape == (7, 13, 3)
    assert image_grid(torch.rand(3, 8, 8)).ndim == 2


@pytest.mark.parametrize(
    "images, kwargs, error, match",
    [
        (torch.rand(8, 8), {}, ValueError, "dimensions"),
        (torch.zeros(4, 1, 8, 8, dtype=torch.uint8), {}, TypeError, "floating"),
        (torch.rand(4, 2, 8, 8), {}, ValueError, "channels"),
        (torch.rand(0, 1, 8, 8), {}, ValueError, "empty"),
        (torch.rand(4, 1, 8, 8), {"nrow": -1}, ValueError, "nrow"),
        ([[0.0]], {}, TypeError, "images"),
    ],
)
def test_image_grid_rejects_bad_input(images, kwargs, error, match):
    with pytest.raises(error, match=match):
        image_grid(images, **kwargs)


def test_image_grid_pad_value():
    grid = image_grid(torch.full((2, 1, 4, 4), 0.5), nrow=2, padding=1, pad_value=0.0)
    assert grid[0, 0] == 0.0 and grid[1, 1] == 0.5
    with pytest.raises(TypeError, match="pad_value"):
        image_grid(torch.rand(2, 1, 4, 4), pad_value="white")
