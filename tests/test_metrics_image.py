"""PSNR and SSIM must agree with scikit-image (the field's reference) to 1e-6."""

import numpy as np
import pytest
import torch
from skimage import data as skdata
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from aigc_utils.metrics import psnr, ssim

RNG = np.random.default_rng(0)
CAMERA = skdata.camera()[::4, ::4]  # 128x128 uint8
NOISY_CAMERA = np.clip(CAMERA + RNG.normal(0, 20, CAMERA.shape), 0, 255).astype(np.uint8)
ASTRONAUT = skdata.astronaut()[::8, ::8]  # 64x64x3 uint8
NOISY_ASTRONAUT = np.clip(ASTRONAUT + RNG.normal(0, 25, ASTRONAUT.shape), 0, 255).astype(np.uint8)


def test_psnr_matches_skimage_on_uint8():
    assert psnr(CAMERA, NOISY_CAMERA) == pytest.approx(peak_signal_noise_ratio(CAMERA, NOISY_CAMERA), abs=1e-6)


def test_psnr_matches_skimage_on_float():
    a, b = CAMERA / 255.0, NOISY_CAMERA / 255.0
    ours = psnr(a, b, data_range=1.0)
    assert ours == pytest.approx(peak_signal_noise_ratio(a, b, data_range=1.0), abs=1e-6)
    assert psnr(torch.from_numpy(a).float(), torch.from_numpy(b).float(), data_range=1.0) == pytest.approx(ours, abs=1e-4)


def test_ssim_matches_skimage_on_uint8_grey_and_colour():
    assert ssim(CAMERA, NOISY_CAMERA) == pytest.approx(structural_similarity(CAMERA, NOISY_CAMERA), abs=1e-6)
    expected = structural_similarity(ASTRONAUT, NOISY_ASTRONAUT, channel_axis=-1)
    assert ssim(ASTRONAUT, NOISY_ASTRONAUT, channel_axis=-1) == pytest.approx(expected, abs=1e-6)
    moved = np.moveaxis(ASTRONAUT, -1, 0), np.moveaxis(NOISY_ASTRONAUT, -1, 0)
    assert ssim(*moved, channel_axis=0) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("win_size", [3, 7, 11])
def test_ssim_matches_skimage_on_float(win_size):
    a, b = CAMERA / 255.0, NOISY_CAMERA / 255.0
    expected = structural_similarity(a, b, data_range=1.0, win_size=win_size)
    assert ssim(a, b, data_range=1.0, win_size=win_size) == pytest.approx(expected, abs=1e-6)


def test_ssim_on_8x8_digits_matches_skimage():
    a, b = RNG.random((8, 8)), RNG.random((8, 8))
    assert ssim(a, b, data_range=1.0) == pytest.approx(structural_similarity(a, b, data_range=1.0), abs=1e-6)


def test_identical_images():
    assert psnr(CAMERA, CAMERA) == float("inf")
    assert ssim(CAMERA, CAMERA) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: psnr(CAMERA / 255.0, NOISY_CAMERA / 255.0), ValueError, "data_range"),
        (lambda: ssim(CAMERA / 255.0, NOISY_CAMERA / 255.0), ValueError, "data_range"),
        (lambda: psnr(CAMERA, NOISY_CAMERA[:-1]), ValueError, "same shape"),
        (lambda: psnr(CAMERA, NOISY_CAMERA / 255.0), TypeError, "same dtype"),
        (lambda: psnr([1, 2], [1, 2]), TypeError, "reference"),
        (lambda: psnr(CAMERA / 255.0, CAMERA / 255.0, data_range=-1.0), ValueError, "data_range"),
        (lambda: ssim(ASTRONAUT, NOISY_ASTRONAUT), ValueError, "dimensions"),
        (lambda: ssim(CAMERA[:5, :5], NOISY_CAMERA[:5, :5]), ValueError, "win_size"),
        (lambda: ssim(CAMERA, NOISY_CAMERA, win_size=4), ValueError, "win_size"),
        (lambda: ssim(ASTRONAUT, NOISY_ASTRONAUT, channel_axis=5), ValueError, "channel_axis"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_metrics_accept_numpy_views_with_negative_strides():
    import numpy as np
    from skimage.metrics import peak_signal_noise_ratio

    from aigc_utils.metrics import psnr

    rng = np.random.default_rng(0)
    reference, test = rng.random((16, 16)), rng.random((16, 16))
    expected = peak_signal_noise_ratio(reference[::-1], test[::-1], data_range=1.0)
    assert psnr(reference[::-1], test[::-1], data_range=1.0) == pytest.approx(expected, abs=1e-6)
