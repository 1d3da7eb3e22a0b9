import numpy as np
import pytest
import skimage.data
import torch
from skimage.color import rgb2gray
from skimage.transform import downscale_local_mean

from aigc_utils.data.photos import (
    PHOTO_NAMES,
    TEST_PHOTO,
    TRAIN_PHOTOS,
    add_gaussian_noise,
    downsample_x2,
    load_photo,
    load_photos,
    sample_patches,
)


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_every_photo_loads_offline_as_grey_in_unit_range():
    for name in PHOTO_NAMES:
        photo = load_photo(name)
        assert photo.ndim == 2 and photo.dtype == torch.float32, name
        assert 0.0 <= float(photo.min()) and float(photo.max()) <= 1.0, name
        assert min(photo.shape) >= 128 and float(photo.std()) > 0.02, name


def test_grey_conversion_matches_scikit_image():
    camera = load_photo("camera")
    assert camera.shape == (512, 512)
    assert np.allclose(camera.numpy(), skimage.data.camera() / 255.0, atol=1e-6)
    astronaut = load_photo("astronaut")
    assert np.allclose(astronaut.numpy(), rgb2gray(skimage.data.astronaut()), atol=1e-6)
    colour = load_photo("astronaut", grey=False)
    assert colour.shape == (3, 512, 512)
    assert np.allclose(colour.permute(1, 2, 0).numpy(), skimage.data.astronaut() / 255.0, atol=1e-6)
    assert load_photo("camera", grey=False).shape == (3, 512, 512)


def test_loads_are_independent_copies():
    photo = load_photo("moon")
    photo.zero_()
    assert float(load_photo("moon").max()) > 0


def test_test_photo_is_held_out():
    assert TEST_PHOTO == "camera" and TEST_PHOTO in PHOTO_NAMES
    assert TEST_PHOTO not in TRAIN_PHOTOS and set(TRAIN_PHOTOS) <= set(PHOTO_NAMES)
    assert len(load_photos()) == len(TRAIN_PHOTOS)


def test_sample_patches_cuts_real_patches_reproducibly():
    photos = load_photos(("coins", "moon"))
    patches = sample_patches(photos, 40, 16, generator(1), augment=False)
    assert patches.shape == (40, 1, 16, 16) and patches.dtype == torch.float32
    assert torch.equal(patches, sample_patches(photos, 40, 16, generator(1), augment=False))
    assert not torch.equal(patches, sample_patches(photos, 40, 16, generator(2), augment=False))
    # every patch is a window of one of the photos
    for patch in patches[:5, 0]:
        windows = [p.unfold(0, 16, 1).unfold(1, 16, 1) for p in photos]
        assert any((w == patch).all(-1).all(-1).any() for w in windows)


def test_augmented_patches_are_symmetries_of_real_windows():
    photo = load_photo("text")
    plain = sample_patches([photo], 64, 8, generator(3), augment=False)
    augmented = sample_patches([photo], 64, 8, generator(3), augment=True)
    changed = 0
    for a, b in zip(plain[:, 0], augmented[:, 0]):
        variants = [torch.rot90(v, k) for v in (a, a.flip(-1)) for k in range(4)]
        assert any(torch.equal(v, b) for v in variants)
        changed += not torch.equal(a, b)
    assert changed > 32  # 7 of 8 symmetries change a patch


def test_colour_patches():
    patches = sample_patches(load_photos(("coffee", "astronaut"), grey=False), 5, 12, generator())
    assert patches.shape == (5, 3, 12, 12)


def test_gaussian_noise_has_the_requested_sigma():
    clean = torch.full((64, 64), 0.5)
    noisy = add_gaussian_noise(clean, 0.1, generator(0))
    assert noisy.shape == clean.shape and noisy.dtype == clean.dtype
    assert abs(float((noisy - clean).std()) - 0.1) < 0.005 and abs(float((noisy - clean).mean())) < 0.005
    assert torch.equal(noisy, add_gaussian_noise(clean, 0.1, generator(0)))
    assert torch.equal(add_gaussian_noise(clean, 0.0, generator(0)), clean)
    clipped = add_gaussian_noise(torch.zeros(1000), 0.3, generator(0), clip=True)
    assert float(clipped.min()) == 0.0 and float(clipped.max()) <= 1.0


def test_downsample_x2_equals_scikit_image_block_mean():
    camera = load_photo("camera")
    small = downsample_x2(camera)
    assert small.shape == (256, 256)
    assert np.allclose(small.numpy(), downscale_local_mean(camera.numpy(), (2, 2)), atol=1e-6)
    batch = torch.rand(3, 2, 8, 6)
    assert downsample_x2(batch).shape == (3, 2, 4, 3)
    assert torch.allclose(downsample_x2(batch[0]), downsample_x2(batch)[0])


def test_bad_input_raises():
    with pytest.raises(ValueError, match="name"):
        load_photo("eagle")  # downloads in scikit-image: not offered
    with pytest.raises(TypeError, match="grey"):
        load_photo("camera", grey="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="names"):
        load_photos("camera")
    with pytest.raises(TypeError, match="names"):
        load_photos([])
    photos = load_photos(("coins",))
    with pytest.raises(ValueError, match="n_patches"):
        sample_patches(photos, 0, 8, generator())
    with pytest.raises(ValueError, match="patch_size"):
        sample_patches(photos, 2, 1000, generator())
    with pytest.raises(TypeError, match="generator"):
        sample_patches(photos, 2, 8, 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="photos"):
        sample_patches(torch.rand(32, 32), 2, 8, generator())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="photos"):
        sample_patches([torch.rand(32, 32), torch.rand(3, 32, 32)], 2, 8, generator())
    with pytest.raises(ValueError, match="sigma"):
        add_gaussian_noise(torch.rand(4), -0.1, generator())
    with pytest.raises(TypeError, match="images"):
        add_gaussian_noise(torch.zeros(4, dtype=torch.int64), 0.1, generator())
    with pytest.raises(ValueError, match="even"):
        downsample_x2(torch.rand(5, 4))
    with pytest.raises(ValueError, match="dimensions"):
        downsample_x2(torch.rand(1, 1, 1, 4, 4))
