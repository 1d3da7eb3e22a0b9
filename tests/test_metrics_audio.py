"""Audio metrics on signals whose answer is known in closed form."""

import math

import numpy as np
import pytest
import torch

from aigc_utils.data.audio import add_noise_at_snr, harmonic_tone, tone
from aigc_utils.metrics.audio import (
    character_error_rate,
    dominant_frequency,
    edit_distance,
    harmonic_amplitudes,
    multi_resolution_stft_loss,
    segmental_snr_db,
    snr_db,
    stft_loss,
    stft_magnitude,
    thd,
)

SR = 8_000
RNG = np.random.default_rng(0)
SINE = tone(440.0, 1.0, SR)  # power 1/2


# --- SNR -------------------------------------------------------------------------------------------------------


def test_snr_is_ten_log10_of_the_power_ratio():
    # a constant offset of 0.1 has power 0.01; the sine's power is 0.5: 10 log10(50) dB
    assert snr_db(SINE, SINE + 0.1) == pytest.approx(10 * math.log10(50), abs=1e-9)
    # half the amplitude: the "noise" is -0.5 x signal, power ratio 4, i.e. 6.02 dB (not 20 log10(4) = 12.04)
    assert snr_db(SINE, 0.5 * SINE) == pytest.approx(10 * math.log10(4), abs=1e-9)
    assert snr_db(SINE, SINE) == math.inf


def test_snr_of_noise_added_at_a_known_level():
    for target in (-5.0, 0.0, 20.0, 45.0):
        noisy = add_noise_at_snr(SINE, target, rng=RNG)
        assert snr_db(SINE, noisy) == pytest.approx(target, abs=1e-9)
    # noise drawn with the nominal variance (not rescaled) lands within sampling error of the target
    long_sine = tone(300.0, 20.0, SR)
    noisy = long_sine + RNG.normal(0, math.sqrt(0.5 / 100), len(long_sine))
    assert snr_db(long_sine, noisy) == pytest.approx(20.0, abs=0.06)


def test_snr_accepts_tensors_and_any_shape():
    noisy = SINE + 0.05
    expected = snr_db(SINE, noisy)
    assert snr_db(torch.from_numpy(SINE), torch.from_numpy(noisy)) == pytest.approx(expected, abs=1e-12)
    assert snr_db(SINE.reshape(8, -1), noisy.reshape(8, -1)) == pytest.approx(expected, abs=1e-12)


def test_segmental_snr_known_answers():
    noisy = add_noise_at_snr(SINE, 10.0, rng=RNG)
    assert segmental_snr_db(SINE, noisy) == pytest.approx(10.0, abs=0.6)  # the same SNR in every frame
    assert segmental_snr_db(SINE, SINE) == pytest.approx(35.0)  # every frame clipped at the ceiling
    silent_then_sine = np.concatenate([np.zeros(4096), SINE[:4096]])
    noise = RNG.normal(0, 1e-3, 8192)
    # first half: noise over silence gives the floor (-10); second half: SNR about 57 dB, clipped to 35
    assert segmental_snr_db(silent_then_sine, silent_then_sine + noise, frame_length=256) == pytest.approx(12.5)
    assert segmental_snr_db(silent_then_sine, silent_then_sine) == pytest.approx((35 - 10) / 2)


# --- frequency, harmonics, THD ---------------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", [97.0, 440.0, 697.0, 1633.0, 3210.5])
def test_dominant_frequency_of_a_tone(frequency):
    assert dominant_frequency(tone(frequency, 0.1, SR), SR) == pytest.approx(frequency, abs=1.0)
    assert dominant_frequency(tone(frequency, 1.0, SR), SR) == pytest.approx(frequency, abs=0.05)


def test_dominant_frequency_searches_the_band_it_is_given():
    two_tones = tone(697.0, 0.2, SR) + 0.8 * tone(1209.0, 0.2, SR)
    assert dominant_frequency(two_tones, SR) == pytest.approx(697.0, abs=1.0)
    assert dominant_frequency(two_tones, SR, min_frequency=1000.0) == pytest.approx(1209.0, abs=1.0)


def test_harmonic_amplitudes_recover_a_tone_with_random_phases():
    t = np.arange(SR) / SR
    true = np.array([0.8, 0.3, 0.0, 0.1, 0.05])
    phases = RNG.uniform(0, 2 * np.pi, len(true))
    x = sum(a * np.sin(2 * np.pi * (k + 1) * 123.4 * t + p) for k, (a, p) in enumerate(zip(true, phases)))
    np.testing.assert_allclose(harmonic_amplitudes(x, SR, n_harmonics=5), true, atol=1e-6)
    np.testing.assert_allclose(harmonic_amplitudes(x, SR, fundamental=123.4, n_harmonics=5), true, atol=1e-9)


def test_thd_of_known_tones():
    amplitudes = [1.0, 0.2, 0.1, 0.05]
    truth = math.sqrt(0.2**2 + 0.1**2 + 0.05**2)
    assert thd(harmonic_tone(440.0, amplitudes, 1.0, SR), SR) == pytest.approx(truth, rel=1e-4)
    assert thd(harmonic_tone(437.3, amplitudes, 0.25, SR), SR) == pytest.approx(truth, rel=1e-3)  # not on a bin
    noisy = harmonic_tone(437.3, amplitudes, 1.0, SR) + RNG.normal(0, 0.01, SR)  # 37 dB SNR
    assert thd(noisy, SR) == pytest.approx(truth, rel=0.01)
    assert thd(SINE, SR) < 1e-9


def test_thd_of_a_band_limited_square_wave():
    # a square wave has odd harmonics 1/k; truncated below Nyquist the THD is sqrt(sum_{odd k>=3} 1/k^2)
    k = np.arange(1, 40)
    square = harmonic_tone(100.0, list(np.where(k % 2 == 1, 1.0 / k, 0.0)), 1.0, SR)
    odd = np.arange(3, 40, 2)
    assert thd(square, SR) == pytest.approx(math.sqrt(np.sum(1.0 / odd**2)), rel=1e-6)
    assert math.sqrt(np.pi**2 / 8 - 1) == pytest.approx(0.4834, abs=1e-4)  # the infinite series' value


def test_thd_with_fewer_harmonics_counts_only_those():
    x = harmonic_tone(200.0, [1.0, 0.3, 0.4], 0.5, SR)
    assert thd(x, SR, n_harmonics=2) == pytest.approx(0.3, rel=1e-6)
    assert thd(x, SR, n_harmonics=3) == pytest.approx(0.5, rel=1e-6)


# --- STFT losses -----------------------------------------------------------------------------------------------

NOISE = RNG.normal(size=4000)


def test_stft_loss_known_answers():
    assert float(stft_loss(NOISE, NOISE)) == pytest.approx(0.0, abs=1e-12)
    # twice the volume: spectral convergence 1, log-magnitude distance log 2
    assert float(stft_loss(NOISE, 2 * NOISE)) == pytest.approx(1 + math.log(2), abs=1e-6)
    assert float(multi_resolution_stft_loss(NOISE, 2 * NOISE)) == pytest.approx(1 + math.log(2), abs=1e-6)


def test_stft_loss_ignores_a_small_delay_that_snr_punishes():
    delayed = np.roll(SINE, 3)
    assert snr_db(SINE, delayed) < 3  # the waveform comparison calls it mostly noise
    noisy = add_noise_at_snr(SINE, 20.0, rng=RNG)
    assert float(multi_resolution_stft_loss(SINE, delayed)) < 0.2 * float(multi_resolution_stft_loss(SINE, noisy))


def test_stft_loss_is_differentiable_and_batched():
    reference = torch.from_numpy(NOISE).float().reshape(2, 2000)
    test = (reference + 0.1 * torch.randn(2, 2000, generator=torch.Generator().manual_seed(0))).requires_grad_()
    loss = multi_resolution_stft_loss(reference, test, resolutions=((256, 64, 256), (512, 128, 400)))
    loss.backward()
    assert loss.ndim == 0 and loss.item() > 0 and test.grad is not None and torch.isfinite(test.grad).all()
    parts = [stft_loss(reference[i], test[i].detach(), n_fft=512) for i in range(2)]
    assert float(stft_loss(reference, test.detach(), n_fft=512)) == pytest.approx(float(sum(parts) / 2), rel=1e-5)


def test_stft_magnitude_matches_numpy_for_one_frame():
    x = torch.from_numpy(NOISE[:1024])
    mag = stft_magnitude(x, 256, 64, 256)
    assert mag.shape == (129, 1024 // 64 + 1)
    frame = NOISE[512 - 128 : 512 + 128] * np.hanning(257)[:-1]  # centred frame 8, periodic Hann window
    np.testing.assert_allclose(mag[:, 8].numpy(), np.abs(np.fft.rfft(frame)), atol=1e-9)


# --- edit distance and CER -------------------------------------------------------------------------------------


def test_edit_distance_known_answers():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "") == 3 and edit_distance("", "") == 0
    assert edit_distance("flaw", "lawn") == 2
    assert edit_distance(["the", "cat"], ["the", "hat", "sat"]) == 2
    for a, b in [("intention", "execution"), ("12345", "54321")]:
        assert edit_distance(a, b) == edit_distance(b, a)
    assert edit_distance("intention", "execution") == 5


def test_character_error_rate_is_corpus_level():
    assert character_error_rate("abd", "abc") == pytest.approx(1 / 3)
    # (1 + 3) edits over (3 + 7) reference characters, not the mean of 1/3 and 3/7
    assert character_error_rate(["abd", "kitten"], ["abc", "sitting"]) == pytest.approx(0.4)
    assert character_error_rate(["abc"], ["abc"]) == 0.0
    assert character_error_rate("aaaa", "a") == pytest.approx(3.0)  # insertions can push it above 1


# --- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: snr_db(SINE, SINE[:-1]), ValueError, "same shape"),
        (lambda: snr_db(np.zeros(10), np.ones(10)), ValueError, "all zeros"),
        (lambda: snr_db([1.0, 2.0], [1.0, 2.0]), TypeError, "reference"),
        (lambda: snr_db(SINE, np.full_like(SINE, np.nan)), ValueError, "finite"),
        (lambda: snr_db(np.array([True]), np.array([False])), TypeError, "real numbers"),
        (lambda: segmental_snr_db(SINE[:100], SINE[:100]), ValueError, "frame"),
        (lambda: segmental_snr_db(SINE, SINE, floor_db=40.0), ValueError, "floor_db"),
        (lambda: segmental_snr_db(SINE, SINE, frame_length=0), ValueError, "frame_length"),
        (lambda: dominant_frequency(SINE, SR, min_frequency=3000.0, max_frequency=1000.0), ValueError, "min_frequency"),
        (lambda: dominant_frequency(SINE, 0), ValueError, "sample_rate"),
        (lambda: dominant_frequency(SINE.reshape(2, -1), SR), ValueError, "dimensions"),
        (lambda: thd(SINE, SR, fundamental=2500.0), ValueError, "fundamental"),
        (lambda: thd(SINE, SR, fundamental=-5.0), ValueError, "fundamental"),
        (lambda: thd(SINE, SR, n_harmonics=100), ValueError, "n_harmonics"),
        (lambda: thd(SINE[:8], SR), ValueError, "16 samples"),
        (lambda: thd("sine", SR), TypeError, "signal"),
        (lambda: stft_loss(NOISE, NOISE[:-1]), ValueError, "same shape"),
        (lambda: stft_loss(NOISE[:100], NOISE[:100]), ValueError, "n_fft"),
        (lambda: stft_loss(np.arange(1000), np.arange(1000)), TypeError, "floating"),
        (lambda: stft_loss(NOISE, NOISE, win_length=1024), ValueError, "win_length"),
        (lambda: stft_loss(NOISE, NOISE, hop_length=0), ValueError, "hop_length"),
        (lambda: multi_resolution_stft_loss(NOISE, NOISE, resolutions=[(256, 64)]), TypeError, "resolutions"),
        (lambda: multi_resolution_stft_loss(NOISE, NOISE, resolutions=[]), TypeError, "resolutions"),
        (lambda: edit_distance(123, "abc"), TypeError, "hypothesis"),
        (lambda: character_error_rate(["a"], ["a", "b"]), ValueError, "equally many"),
        (lambda: character_error_rate([""], [""]), ValueError, "no characters"),
        (lambda: character_error_rate([1], ["a"]), TypeError, "hypotheses"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
