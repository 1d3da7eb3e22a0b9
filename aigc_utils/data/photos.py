"""Photos bundled with scikit-image as tensors, random patches, and degradations.

Restoration models (denoising, super-resolution, inpainting) learn from pairs
(degraded patch, clean patch) cut from real photos. scikit-image ships a dozen
photos inside the package, so no download is ever needed::

    from aigc_utils.data.photos import TRAIN_PHOTOS, load_photo, load_photos, sample_patches
    train = load_photos(TRAIN_PHOTOS)                  # list of (H, W) grey tensors in [0, 1]
    test = load_photo("camera")                        # the held-out test photo, (512, 512)
    clean = sample_patches(train, 256, 32, generator)  # (256, 1, 32, 32)
    noisy = add_gaussian_noise(clean, 25 / 255, generator)
    small = downsample_x2(clean)                       # (256, 1, 16, 16)

``camera`` (the cameraman, 512 x 512) is the course's held-out test photo: it
is in :data:`PHOTO_NAMES` but never in :data:`TRAIN_PHOTOS`.

Grey conversion uses scikit-image's ``rgb2gray`` (ITU-R BT.709 luma:
0.2125 R + 0.7154 G + 0.0721 B); 8-bit photos are divided by 255.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from aigc_utils import _validate

PHOTO_NAMES = (
    "camera",
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "coins",
    "moon",
    "text",
    "page",
    "brick",
    "grass",
    "gravel",
)
"""scikit-image photos that ship with the package (no download; see ENVIRONMENT.md)."""

TEST_PHOTO = "camera"
"""The held-out test photo of the course (512 x 512 grey)."""

TRAIN_PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "coins", "moon", "text", "brick", "grass", "gravel")
"""Photos to train on: natural scenes, a portrait, objects and textures; never :data:`TEST_PHOTO`."""


@lru_cache(maxsize=len(PHOTO_NAMES) * 2)
def _load_array(name: str, grey: bool) -> np.ndarray:
    import skimage.data
    from skimage.color import gray2rgb, rgb2gray

    image = getattr(skimage.data, name)()
    image = image.astype(np.float64) / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if grey and image.ndim == 3:
        image = rgb2gray(image)
    elif not grey:
        image = (gray2rgb(image) if image.ndim == 2 else image).transpose(2, 0, 1)
    return np.ascontiguousarray(np.clip(image, 0.0, 1.0).astype(np.float32))


def load_photo(name: str, *, grey: bool = True) -> torch.Tensor:
    """One bundled scikit-image photo as a float32 tensor with values in [0, 1].

    Args:
        name: one of :data:`PHOTO_NAMES` (``"camera"`` is the held-out test photo).
        grey: ``True`` (default) gives (H, W) grey levels; ``False`` gives
            (3, H, W) RGB (grey photos are repeated over the three channels).

    Returns:
        A new tensor (changing it does not change later loads).

    Raises:
        TypeError / ValueError: ``name`` is not one of :data:`PHOTO_NAMES`, or
            ``grey`` is not a bool.
    """
    name = _validate.one_of("name", name, PHOTO_NAMES)
    if not isinstance(grey, bool):
        raise TypeError(f"grey must be a bool, got {type(grey).__name__}")
    return torch.from_numpy(_load_array(name, grey).copy())


def load_photos(names: Sequence[str] = TRAIN_PHOTOS, *, grey: bool = True) -> list[torch.Tensor]:
    """Several photos by name (default: :data:`TRAIN_PHOTOS`), each as :func:`load_photo` gives it.

    Raises:
        TypeError / ValueError: ``names`` is empty, not a sequence of names, or
            holds an unknown name.
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or len(names) == 0:
        raise TypeError(f"names must be a non-empty sequence of photo names from {PHOTO_NAMES}")
    return [load_photo(name, grey=grey) for name in names]


def _generator(generator: Any) -> torch.Generator:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    return generator


def sample_patches(
    photos: Sequence[torch.Tensor],
    n_patches: int,
    patch_size: int,
    generator: torch.Generator,
    *,
    augment: bool = True,
) -> torch.Tensor:
    """Cut random square patches out of photos: the training set of a restoration model.

    Each patch comes from a photo chosen uniformly at random, at a uniformly
    random position. With ``augment=True`` each patch is also flipped and
    rotated by a random multiple of 90 degrees (the 8 symmetries of a square),
    which multiplies the variety of a small photo collection.

    Args:
        photos: grey (H, W) or colour (C, H, W) tensors, all with the same
            number of dimensions (and channels), each at least ``patch_size`` wide and high.
        n_patches: number of patches.
        patch_size: side of a patch in pixels.
        generator: a seeded ``torch.Generator`` (the same seed gives the same patches).
        augment: apply random flips and 90-degree rotations.

    Returns:
        (n_patches, C, patch_size, patch_size) float32, C = 1 for grey photos.

    Raises:
        TypeError / ValueError: bad counts or generator, no photos, mixed
            shapes, or a photo smaller than ``patch_size``.
    """
    n_patches = _validate.positive_int("n_patches", n_patches)
    patch_size = _validate.positive_int("patch_size", patch_size)
    generator = _generator(generator)
    if isinstance(photos, torch.Tensor) or not isinstance(photos, Sequence) or len(photos) == 0:
        raise TypeError("photos must be a non-empty list of (H, W) or (C, H, W) tensors")
    images = [_validate.floating("photos", _validate.tensor("photos", p, ndim=(2, 3))) for p in photos]
    images = [p[None] if p.ndim == 2 else p for p in images]
    if len({p.shape[0] for p in images}) != 1 or len({p.ndim for p in photos}) != 1:
        raise ValueError("photos must all be grey (H, W) or all colour (C, H, W) with the same C")
    for p in images:
        if min(p.shape[-2:]) < patch_size:
            raise ValueError(f"photos must be at least patch_size={patch_size} pixels high and wide, got {tuple(p.shape)}")
    which = torch.randint(len(images), (n_patches,), generator=generator)
    u = torch.rand(n_patches, 2, generator=generator)
    symmetry = torch.randint(8, (n_patches,), generator=generator)
    patches = []
    for k in range(n_patches):
        photo = images[int(which[k])]
        top = int(u[k, 0] * (photo.shape[-2] - patch_size + 1))
        left = int(u[k, 1] * (photo.shape[-1] - patch_size + 1))
        patch = photo[:, top : top + patch_size, left : left + patch_size]
        if augment:
            s = int(symmetry[k])
            patch = torch.rot90(patch.flip(-1) if s >= 4 else patch, s % 4, dims=(-2, -1))
        patches.append(patch)
    return torch.stack(patches).float().contiguous()


def add_gaussian_noise(
    images: torch.Tensor, sigma: float, generator: torch.Generator, *, clip: bool = False
) -> torch.Tensor:
    """Add white Gaussian noise of standard deviation ``sigma``: the denoising degradation.

    Pixel values are not clipped by default (the standard additive model
    ``y = x + n`` of DnCNN and of the BM3D/TV benchmarks), so the noise is
    exactly Gaussian; pass ``clip=True`` to keep values in [0, 1] as a saved
    8-bit photo would.

    Args:
        images: float tensor of any shape (values in [0, 1] for grey levels).
        sigma: noise standard deviation on that scale (25/255 is a common benchmark level).
        generator: a seeded ``torch.Generator``.
        clip: clip the result to [0, 1].

    Returns:
        A new tensor, same shape and dtype.

    Raises:
        TypeError / ValueError: ``images`` not a float tensor, ``sigma`` negative
            or not a number, bad generator.
    """
    images = _validate.floating("images", _validate.tensor("images", images))
    sigma = _validate.real_number("sigma", sigma)
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    generator = _generator(generator)
    noise = torch.randn(images.shape, generator=generator, dtype=images.dtype, device=generator.device)
    noisy = images + sigma * noise.to(images.device)
    return noisy.clamp(0.0, 1.0) if clip else noisy


def downsample_x2(images: torch.Tensor) -> torch.Tensor:
    """Halve height and width by averaging each 2 x 2 block: the super-resolution degradation.

    Averaging (a box filter) is what a camera sensor with half the pixels
    would record, and it anti-aliases; the course's x2 super-resolution task
    is to undo exactly this operation. Compare a model with bicubic
    upsampling of the same low-resolution input.

    Args:
        images: float tensor (H, W), (C, H, W) or (N, C, H, W) with even H and W.

    Returns:
        Tensor of the same rank with H/2 and W/2.

    Raises:
        TypeError / ValueError: not a float tensor, wrong rank, odd H or W.
    """
    images = _validate.floating("images", _validate.tensor("images", images, ndim=(2, 3, 4)))
    if images.shape[-1] % 2 or images.shape[-2] % 2:
        raise ValueError(f"images height and width must be even, got shape {tuple(images.shape)}")
    if images.ndim == 2:
        return F.avg_pool2d(images[None], 2)[0]
    return F.avg_pool2d(images, 2)
