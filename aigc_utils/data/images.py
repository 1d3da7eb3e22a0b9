"""Image data: scikit-learn's bundled 8x8 digits as tensors, and image grids."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torchvision.utils import make_grid

from aigc_utils import _validate

DIGITS_SPLIT_SEED = 0  # fixed: every notebook and every seed sees the same test set


@dataclass(frozen=True)
class DigitsSplit:
    """The digits set split once and for all into train and test parts.

    Images are float32 tensors of shape (N, 1, 8, 8) with values in [0, 1]
    (the raw 0..16 ink counts divided by 16); labels are int64 in 0..9.
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(channels, height, width) of one image."""
        return tuple(self.train_images.shape[1:])  # type: ignore[return-value]


@lru_cache(maxsize=4)
def load_digits_split(test_fraction: float = 0.2) -> DigitsSplit:
    """Load scikit-learn's bundled digits (1,797 images, 8x8, ten classes) with a fixed split.

    The split is stratified by class and does not depend on any notebook's
    seed, so test numbers are comparable across notebooks and seeds.

    Args:
        test_fraction: share of images held out for testing, in (0, 1).

    Returns:
        A :class:`DigitsSplit` (1,437 train and 360 test images at the default 0.2).

    Raises:
        ValueError: ``test_fraction`` is not strictly between 0 and 1.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_fraction = _validate.fraction("test_fraction", test_fraction)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=DIGITS_SPLIT_SEED
    )
    return DigitsSplit(
        torch.from_numpy(x_train), torch.from_numpy(y_train), torch.from_numpy(x_test), torch.from_numpy(y_test)
    )


def image_grid(
    images: torch.Tensor | np.ndarray, nrow: int = 10, padding: int = 1, pad_value: float = 1.0
) -> np.ndarray:
    """Tile a batch of images into one picture (for ``plt.imshow``).

    Args:
        images: (N, C, H, W) with C = 1 or 3, or (N, H, W) for grey images;
            values are clipped to [0, 1].
        nrow: images per row.
        padding: pixels between images.
        pad_value: value of the padding pixels (1.0 is white in a normal grey
            or colour map; use 0.0 for white under an inverted map such as ``gray_r``).

    Returns:
        (H', W') for grey or (H', W', 3) for colour, float32 in [0, 1].

    Raises:
        TypeError: ``images`` is not an array/tensor of floats.
        ValueError: wrong number of dimensions or channels, empty batch, bad ``nrow``.
    """
    images = _validate.tensor("images", images, ndim=(3, 4))
    _validate.floating("images", images)
    nrow = _validate.positive_int("nrow", nrow)
    padding = _validate.non_negative_int("padding", padding)
    pad_value = _validate.real_number("pad_value", pad_value)
    if images.ndim == 3:
        images = images[:, None]
    if images.shape[0] == 0:
        raise ValueError("images must hold at least one image, got an empty batch")
    if images.shape[1] not in (1, 3):
        raise ValueError(f"images must have 1 or 3 channels in dimension 1, got shape {tuple(images.shape)}")
    grid = make_grid(images.detach().float().cpu().clamp(0, 1), nrow=nrow, padding=padding, pad_value=pad_value)
    if images.shape[1] == 1:
        return grid[0].numpy()
    return grid.permute(1, 2, 0).numpy()
