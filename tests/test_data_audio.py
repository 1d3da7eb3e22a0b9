"""Synthesised audio: tones, chirps, noise, notes, mu-law and the notebook player."""

import math

import numpy as np
import pytest
import torch
from IPython.display import Audio
from scipy.signal import chirp as scipy_chirp

from aigc_utils.data.audio import (
    add_noise_at_snr,
    as_signal,
    audio_player,
    chirp,
    harmonic_tone,
    midi_to_frequency,
    mu_law_decode,
    mu_law_encode,
    render_notes,
    show_spectrograms,
    spectrogram_db,
    time_axis,
    tone,
    white_noise,
)
from aigc_utils.metrics.audio import dominant_frequency

SR = 8_000


def test_time_axis_and_tone():
    t = time_axis(0.5, SR)
    assert len(t) == 4000 and t[1] == 1 / SR
    x = tone(440.0, 1.0, SR, amplitude=0.5, phase=0.3)
    np.testing.assert_allclose(x, 0.5 * np.sin(2 * np.pi * 440 * np.arange(SR) / SR + 0.3))
    assert np.mean(x**2) == pytest.approx(0.5**2 / 2, rel=1e-9)  # power of a sine over whole periods


def test_harmonic_tone_is_a_sum_of_sines():
    x = harmonic_tone(200.0, [1.0, 0.5, 0.0, 0.25], 0.1, SR)
    t = np.arange(800) / SR
    expected = np.sin(2 * np.pi * 200 * t) + 0.5 * np.sin(2 * np.pi * 400 * t) + 0.25 * np.sin(2 * np.pi * 800 * t)
    np.testing.assert_allclose(x, expected, atol=1e-12)


@pytest.mark.parametrize("method, scipy_method", [("linear", "linear"), ("exponential", "logarithmic")])
def test_chirp_equals_scipy(method, scipy_method):
    t = time_axis(1.0, SR)
    ours = chirp(100.0, 3000.0, 1.0, SR, method=method)
    reference = scipy_chirp(t, f0=100.0, t1=1.0, f1=3000.0, method=scipy_method, phi=-90)  # phi=-90: a sine
    np.testing.assert_allclose(ours, reference, atol=1e-9)
    assert np.allclose(chirp(500.0, 500.0, 0.1, SR, method="exponential"), tone(500.0, 0.1, SR))


def test_white_noise_and_noise_at_an_exact_snr():
    rng = np.random.default_rng(0)
    noise = white_noise(2.0, SR, rng=rng, std=0.1)
    assert len(noise) == 16_000 and np.std(noise) == pytest.approx(0.1, rel=0.03)
    clean = tone(300.0, 1.0, SR)
    for snr in (0.0, 12.5, 30.0):
        noisy = add_noise_at_snr(clean, snr, rng=rng)
        assert 10 * np.log10(np.sum(clean**2) / np.sum((noisy - clean) ** 2)) == pytest.approx(snr, abs=1e-9)
    again = add_noise_at_snr(clean, 5.0, rng=np.random.default_rng(7))
    assert np.array_equal(again, add_noise_at_snr(clean, 5.0, rng=np.random.default_rng(7)))


def _mu_law_reference(x, mu=255):
    """The textbook formula, written independently of the package."""
    y = np.sign(x) * np.log(1 + mu * np.abs(np.clip(x, -1, 1))) / np.log(1 + mu)
    return ((y + 1) / 2 * mu + 0.5).astype(np.int64)


def test_mu_law_encode_equals_the_standard_formula():
    x = np.linspace(-1.2, 1.2, 10_001)
    np.testing.assert_array_equal(mu_law_encode(x), _mu_law_reference(x))
    np.testing.assert_array_equal(mu_law_encode(x, 16), _mu_law_reference(x, 15))
    codes = mu_law_encode(x)
    assert codes.min() == 0 and codes.max() == 255 and np.all(np.diff(codes) >= 0)
    assert mu_law_encode(np.array([0.0]))[0] == 128
    as_tensor = mu_law_encode(torch.from_numpy(x).float())
    assert isinstance(as_tensor, torch.Tensor) and as_tensor.dtype == torch.int64
    assert np.mean(as_tensor.numpy() == codes) > 0.999  # float32 rounding may move a code at a boundary


def test_mu_law_round_trip_is_fine_near_zero_and_coarse_near_one():
    x = np.linspace(-1, 1, 20_001)
    decoded = mu_law_decode(mu_law_encode(x))
    error = np.abs(decoded - x)
    assert error[np.abs(x) < 0.01].max() < 5e-4  # quiet samples: tiny steps
    assert error.max() < 0.025 and error[np.abs(x) > 0.9].max() > 20 * error[np.abs(x) < 0.01].max()
    assert mu_law_decode(np.array([0, 255])).tolist() == pytest.approx([-1.0, 1.0])
    codes = np.arange(256)
    np.testing.assert_array_equal(mu_law_encode(mu_law_decode(codes)), codes)  # decode then encode is exact
    assert isinstance(mu_law_decode(torch.arange(256)), torch.Tensor)


def test_midi_to_frequency():
    assert midi_to_frequency(69) == pytest.approx(440.0)
    assert midi_to_frequency(60) == pytest.approx(261.6256, abs=1e-4)
    np.testing.assert_allclose(midi_to_frequency(np.array([57, 81])), [220.0, 880.0])


def test_render_notes_places_pitches_and_rests():
    x = render_notes([60, None, 69], [0.25, 0.125, 0.5], SR, fade=0.005)
    assert len(x) == round(0.875 * SR)
    assert np.all(x[2000:3000] == 0)  # the rest
    assert dominant_frequency(x[:2000], SR) == pytest.approx(midi_to_frequency(60), rel=0.003)
    assert dominant_frequency(x[3000:], SR) == pytest.approx(440.0, rel=0.003)
    assert x[0] == 0 and abs(x[1999]) < 0.05  # faded in and out: no click
    # rounding never accumulates: 3 notes of 1/3 s fill exactly one second
    assert len(render_notes([60, 62, 64], [1 / 3] * 3, SR)) == SR


def test_render_notes_drops_harmonics_above_nyquist():
    high = render_notes([100], [0.5], SR, harmonics=(1.0, 1.0, 1.0), fade=0.0)  # 2637 Hz: 2nd harmonic > 4 kHz
    single = render_notes([100], [0.5], SR, harmonics=(1.0,), fade=0.0)
    np.testing.assert_allclose(high, single)


def test_audio_player_embeds_a_short_wav():
    player = audio_player(tone(440.0, 1.0, SR, amplitude=0.2), SR)
    assert isinstance(player, Audio) and player.data[:4] == b"RIFF"
    assert len(player.data) == 44 + 2 * SR  # 16-bit mono WAV: header + 2 bytes per sample
    with pytest.raises(ValueError, match="max_seconds"):
        audio_player(tone(440.0, 3.0, SR), SR)
    assert isinstance(audio_player(torch.zeros(100), SR), Audio)


def test_spectrogram_db_peaks_at_the_tone():
    power = spectrogram_db(tone(1000.0, 0.5, SR), n_fft=256, hop_length=64)
    assert power.shape == (129, 4000 // 64 + 1)
    assert np.all(np.argmax(power[:, 2:-2], axis=0) == 32)  # 1000 Hz / (8000 Hz / 256) = bin 32
    assert power.min() >= -120.0  # silence is floored, never -inf


def test_show_spectrograms_draws_one_panel_per_signal_on_one_scale():
    figure = show_spectrograms({"tone": tone(440.0, 0.5, SR), "quiet": 0.01 * tone(440.0, 0.5, SR)}, SR, title="t")
    images = [ax.images[0] for ax in figure.axes if ax.images]
    assert len(images) == 2 and images[0].get_clim() == images[1].get_clim()
    assert figure.axes[0].get_title() == "tone" and figure.get_suptitle() == "t"


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: tone(4000.0, 1.0, SR), ValueError, "Nyquist|frequency"),
        (lambda: tone(440.0, -1.0, SR), ValueError, "duration"),
        (lambda: tone(440.0, 1e-6, SR), ValueError, "duration"),
        (lambda: tone(440.0, 1.0, 8000.5), TypeError, "sample_rate"),
        (lambda: tone("440", 1.0, SR), TypeError, "frequency"),
        (lambda: harmonic_tone(1000.0, [1.0, 0.5, 0.5, 0.5], 1.0, SR), ValueError, "Nyquist"),
        (lambda: harmonic_tone(100.0, [], 1.0, SR), TypeError, "amplitudes"),
        (lambda: chirp(100.0, 200.0, 1.0, SR, method="cubic"), ValueError, "method"),
        (lambda: chirp(0.0, 200.0, 1.0, SR, method="exponential"), ValueError, "exponential"),
        (lambda: white_noise(1.0, SR, rng=0), TypeError, "rng"),
        (lambda: white_noise(1.0, SR, rng=np.random.default_rng(0), std=-1.0), ValueError, "std"),
        (lambda: add_noise_at_snr(np.zeros(10), 10.0, rng=np.random.default_rng(0)), ValueError, "all zeros"),
        (lambda: add_noise_at_snr(np.ones(10), float("inf"), rng=np.random.default_rng(0)), ValueError, "snr_db"),
        (lambda: mu_law_encode(np.arange(5)), TypeError, "floating"),
        (lambda: mu_law_encode(np.zeros(5), quantization_channels=1), ValueError, "quantization_channels"),
        (lambda: mu_law_encode(np.array([np.nan])), ValueError, "NaN"),
        (lambda: mu_law_decode(np.array([0.5])), TypeError, "integers"),
        (lambda: mu_law_decode(np.array([0, 256])), ValueError, "0 .. 255"),
        (lambda: midi_to_frequency("A4"), TypeError, "midi"),
        (lambda: render_notes([60, 62], [0.5], SR), ValueError, "equal length"),
        (lambda: render_notes([60], [0.0], SR), ValueError, "durations"),
        (lambda: render_notes(["C4"], [0.5], SR), TypeError, "pitches"),
        (lambda: render_notes([130], [0.5], SR), ValueError, "Nyquist"),
        (lambda: render_notes([60], [0.5], SR, fade=-0.1), ValueError, "fade"),
        (lambda: as_signal("signal", np.zeros((2, 2))), ValueError, "dimensions"),
        (lambda: as_signal("signal", np.array([])), ValueError, "empty"),
        (lambda: as_signal("signal", [0.0]), TypeError, "signal"),
        (lambda: audio_player(np.array([np.inf]), SR), ValueError, "finite"),
        (lambda: spectrogram_db(np.zeros(100), n_fft=256), ValueError, "longer"),
        (lambda: show_spectrograms({}, SR, title="t"), ValueError, "signals"),
        (lambda: show_spectrograms({"a": np.zeros(1000)}, SR, title=""), TypeError, "title"),
        (lambda: show_spectrograms({"a": np.zeros(1000)}, SR, title="t", dynamic_range_db=0.0), ValueError, "dynamic"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
