"""Audio made by code: tones, chirps, noise, notes, mu-law codes and a small audio player.

Every signal is a 1-D NumPy float64 array of samples at a given sample rate
(8 kHz by default: enough for speech-band tones, and small when a notebook
embeds a player). Nothing is downloaded: the course's audio is synthesised,
so every "true" answer (a frequency, a signal-to-noise ratio, a harmonic
amplitude) is known and a measurement can be checked against it.

    from aigc_utils.data.audio import tone, add_noise_at_snr, audio_player
    clean = tone(440.0, 1.0, 8_000, amplitude=0.5)
    noisy = add_noise_at_snr(clean, 10.0, rng=np.random.default_rng(0))
    audio_player(noisy, 8_000)                  # an IPython Audio widget-free player
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Audio
from matplotlib.figure import Figure

from aigc_utils import _validate

DEFAULT_SAMPLE_RATE = 8_000


def _sample_rate(value: Any) -> int:
    return _validate.positive_int("sample_rate", value)


def _duration(value: Any) -> float:
    return _validate.real_number("duration", value, positive=True)


def _frequency(name: str, value: Any, sample_rate: int) -> float:
    frequency = _validate.real_number(name, value)
    if not 0.0 <= frequency < sample_rate / 2:
        raise ValueError(f"{name} must lie in [0, sample_rate / 2) = [0, {sample_rate / 2:g}) Hz, got {frequency:g}")
    return frequency


def _generator(value: Any) -> np.random.Generator:
    if not isinstance(value, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(value).__name__}")
    return value


def as_tensor(name: str, value: Any, *, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    """``value`` as a tensor: like ``aigc_utils._validate.tensor``, but NumPy arrays with negative or
    odd strides (``x[::-1]``, the output of ``scipy.signal.sosfiltfilt``) are copied first.

    Raises:
        TypeError: ``value`` is not a NumPy array or tensor.
        ValueError: ``value`` has a rank other than ``ndim``.
    """
    if isinstance(value, np.ndarray) and not value.flags.c_contiguous:
        value = np.ascontiguousarray(value)
    return _validate.tensor(name, value, ndim=ndim)


def as_signal(name: str, value: Any) -> np.ndarray:
    """``value`` (a 1-D NumPy array or tensor of real numbers) as a float64 NumPy array.

    Raises:
        TypeError: ``value`` is not an array or tensor, or holds non-real numbers.
        ValueError: it is not 1-D, is empty, or holds NaN or inf.
    """
    array = as_tensor(name, value, ndim=1)
    if array.dtype == torch.bool or array.is_complex():
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    signal = array.detach().cpu().to(torch.float64).numpy()
    if len(signal) == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(signal)):
        raise ValueError(f"{name} must hold finite numbers (found NaN or inf)")
    return signal


def time_axis(duration: float, sample_rate: int = DEFAULT_SAMPLE_RATE) -> np.ndarray:
    """Sample times in seconds, ``n / sample_rate`` for ``n`` in ``range(round(duration * sample_rate))``.

    Raises:
        TypeError / ValueError: ``duration`` is not a positive number, ``sample_rate``
            not a positive integer, or the clip would hold no sample.
    """
    duration = _duration(duration)
    sample_rate = _sample_rate(sample_rate)
    n = int(round(duration * sample_rate))
    if n < 1:
        raise ValueError(f"duration must last at least one sample (1 / {sample_rate} s), got {duration:g} s")
    return np.arange(n) / sample_rate


def tone(
    frequency: float,
    duration: float,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    *,
    amplitude: float = 1.0,
    phase: float = 0.0,
) -> np.ndarray:
    """A pure tone ``amplitude * sin(2 pi frequency t + phase)``; its power is ``amplitude**2 / 2``.

    Args:
        frequency: in Hz, below the Nyquist frequency ``sample_rate / 2``.
        duration: in seconds.
        sample_rate: samples per second.
        amplitude: peak amplitude.
        phase: starting phase in radians.

    Raises:
        TypeError / ValueError: a non-number argument, a frequency at or above
            Nyquist, a non-positive duration or sample rate.
    """
    sample_rate = _sample_rate(sample_rate)
    frequency = _frequency("frequency", frequency, sample_rate)
    amplitude = _validate.real_number("amplitude", amplitude)
    phase = _validate.real_number("phase", phase)
    return amplitude * np.sin(2 * np.pi * frequency * time_axis(duration, sample_rate) + phase)


def harmonic_tone(
    fundamental: float,
    amplitudes: Sequence[float],
    duration: float,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
) -> np.ndarray:
    """A periodic tone: ``sum_k amplitudes[k] * sin(2 pi (k + 1) fundamental t)``.

    ``amplitudes[0]`` is the fundamental's amplitude, ``amplitudes[1]`` the
    second harmonic's, and so on, so the tone's total harmonic distortion is
    exactly ``sqrt(sum(a**2 for a in amplitudes[1:])) / amplitudes[0]``.

    Raises:
        TypeError / ValueError: bad numbers, an empty ``amplitudes``, or a
            harmonic at or above the Nyquist frequency.
    """
    sample_rate = _sample_rate(sample_rate)
    fundamental = _frequency("fundamental", fundamental, sample_rate)
    if isinstance(amplitudes, (str, bytes)) or not isinstance(amplitudes, Sequence) or len(amplitudes) == 0:
        raise TypeError("amplitudes must be a non-empty sequence of numbers (fundamental first)")
    levels = [_validate.real_number(f"amplitudes[{k}]", a) for k, a in enumerate(amplitudes)]
    if len(levels) * fundamental >= sample_rate / 2:
        raise ValueError(
            f"amplitudes asks for harmonic {len(levels)} at {len(levels) * fundamental:g} Hz, "
            f"at or above the Nyquist frequency {sample_rate / 2:g} Hz"
        )
    t = time_axis(duration, sample_rate)
    return np.sum([a * np.sin(2 * np.pi * (k + 1) * fundamental * t) for k, a in enumerate(levels)], axis=0)


def chirp(
    start_frequency: float,
    end_frequency: float,
    duration: float,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    *,
    amplitude: float = 1.0,
    method: str = "linear",
) -> np.ndarray:
    """A sweep from ``start_frequency`` to ``end_frequency`` (Hz) over ``duration`` seconds.

    Args:
        method: ``"linear"`` (the frequency grows by the same Hz per second) or
            ``"exponential"`` (by the same ratio per second, equal steps in pitch;
            both frequencies must then be > 0).

    Raises:
        TypeError / ValueError: bad numbers, a frequency at or above Nyquist, an
            unknown method, or a zero frequency with ``"exponential"``.
    """
    sample_rate = _sample_rate(sample_rate)
    f0 = _frequency("start_frequency", start_frequency, sample_rate)
    f1 = _frequency("end_frequency", end_frequency, sample_rate)
    amplitude = _validate.real_number("amplitude", amplitude)
    _validate.one_of("method", method, ("linear", "exponential"))
    t = time_axis(duration, sample_rate)
    length = float(duration)
    if method == "linear":
        phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * length))
    else:
        if f0 <= 0 or f1 <= 0:
            raise ValueError("an exponential chirp needs start_frequency and end_frequency > 0")
        if f0 == f1:
            phase = 2 * np.pi * f0 * t
        else:
            rate = np.log(f1 / f0) / length
            phase = 2 * np.pi * f0 * np.expm1(rate * t) / rate
    return amplitude * np.sin(phase)


def white_noise(
    duration: float, sample_rate: int = DEFAULT_SAMPLE_RATE, *, rng: np.random.Generator, std: float = 1.0
) -> np.ndarray:
    """Gaussian white noise with standard deviation ``std`` (power ``std**2``), drawn from ``rng``.

    Raises:
        TypeError / ValueError: ``rng`` is not a NumPy Generator, or bad numbers.
    """
    rng = _generator(rng)
    std = _validate.real_number("std", std)
    if std < 0:
        raise ValueError(f"std must be >= 0, got {std:g}")
    return rng.normal(0.0, std, len(time_axis(duration, sample_rate)))


def add_noise_at_snr(signal: Any, snr_db: float, *, rng: np.random.Generator) -> np.ndarray:
    """``signal`` plus Gaussian white noise scaled so that the SNR is *exactly* ``snr_db``.

    The noise drawn from ``rng`` is rescaled using its own measured power, so
    ``10 * log10(sum(signal**2) / sum(noise**2)) == snr_db`` up to rounding
    (the usual way to build training data at a chosen SNR).

    Raises:
        TypeError / ValueError: ``signal`` is not a 1-D array/tensor of finite
            numbers or is all zeros, ``snr_db`` is not a finite number, or
            ``rng`` is not a NumPy Generator.
    """
    clean = as_signal("signal", signal)
    snr_db = _validate.real_number("snr_db", snr_db)
    rng = _generator(rng)
    signal_power = float(np.mean(clean**2))
    if signal_power == 0:
        raise ValueError("signal is all zeros: a signal-to-noise ratio needs some signal")
    noise = rng.normal(0.0, 1.0, len(clean))
    noise *= np.sqrt(signal_power / 10 ** (snr_db / 10) / np.mean(noise**2))
    return clean + noise


def _quantization_channels(value: Any) -> int:
    channels = _validate.positive_int("quantization_channels", value)
    if channels < 2:
        raise ValueError(f"quantization_channels must be >= 2, got {channels}")
    return channels


def mu_law_encode(signal: Any, quantization_channels: int = 256) -> np.ndarray | torch.Tensor:
    """Compand a waveform in [-1, 1] with the mu-law and quantise it to integer codes.

    ``F(x) = sign(x) * ln(1 + mu |x|) / ln(1 + mu)`` with ``mu = quantization_channels - 1``,
    then ``code = floor((F(x) + 1) / 2 * mu + 0.5)``, in ``0 .. mu``: the
    standard formula (ITU-T G.711's curve, as used by WaveNet and torchaudio).
    Small amplitudes get many codes and loud ones few, which matches hearing
    and turns a waveform into a 256-way classification target per sample.

    Args:
        signal: NumPy array or tensor of floats; values outside [-1, 1] are clipped.
        quantization_channels: number of codes (256 for 8-bit mu-law).

    Returns:
        int64 codes of the same shape and kind (NumPy in, NumPy out; tensor in, tensor out).

    Raises:
        TypeError: ``signal`` is not a float array/tensor, or bad ``quantization_channels``.
        ValueError: ``signal`` holds NaN, or ``quantization_channels`` < 2.
    """
    channels = _quantization_channels(quantization_channels)
    was_numpy = isinstance(signal, np.ndarray)
    x = _validate.floating("signal", as_tensor("signal", signal))
    if torch.isnan(x).any():
        raise ValueError("signal must not hold NaN")
    mu = float(channels - 1)
    x = x.to(torch.float64).clamp(-1.0, 1.0)
    companded = torch.sign(x) * torch.log1p(mu * x.abs()) / np.log1p(mu)
    codes = torch.floor((companded + 1) / 2 * mu + 0.5).to(torch.int64)
    return codes.numpy() if was_numpy else codes


def mu_law_decode(codes: Any, quantization_channels: int = 256) -> np.ndarray | torch.Tensor:
    """Invert :func:`mu_law_encode`: integer codes ``0 .. mu`` back to a waveform in [-1, 1].

    ``y = 2 code / mu - 1``, then ``x = sign(y) * ((1 + mu)**|y| - 1) / mu``.

    Returns:
        float64 values of the same shape and kind as ``codes``.

    Raises:
        TypeError: ``codes`` is not an integer array/tensor.
        ValueError: a code lies outside ``0 .. quantization_channels - 1``.
    """
    channels = _quantization_channels(quantization_channels)
    was_numpy = isinstance(codes, np.ndarray)
    c = as_tensor("codes", codes)
    if c.is_floating_point() or c.is_complex() or c.dtype == torch.bool:
        raise TypeError(f"codes must hold integers, got dtype {c.dtype}")
    if c.numel() and (int(c.min()) < 0 or int(c.max()) > channels - 1):
        raise ValueError(f"codes must lie in 0 .. {channels - 1}, got values in {int(c.min())} .. {int(c.max())}")
    mu = float(channels - 1)
    y = c.to(torch.float64) / mu * 2 - 1
    x = torch.sign(y) * torch.expm1(y.abs() * np.log1p(mu)) / mu
    return x.numpy() if was_numpy else x


def midi_to_frequency(midi: Any) -> Any:
    """Frequency in Hz of a MIDI note number: ``440 * 2 ** ((midi - 69) / 12)`` (69 = A4, 60 = middle C).

    Accepts a number (returns a float) or a NumPy array (returns an array).

    Raises:
        TypeError: ``midi`` is neither a real number nor a NumPy array of numbers.
    """
    if isinstance(midi, np.ndarray):
        if not np.issubdtype(midi.dtype, np.number) or np.issubdtype(midi.dtype, np.complexfloating):
            raise TypeError(f"midi must hold real numbers, got dtype {midi.dtype}")
        return 440.0 * 2.0 ** ((midi.astype(np.float64) - 69.0) / 12.0)
    return 440.0 * 2.0 ** ((_validate.real_number("midi", midi) - 69.0) / 12.0)


def render_notes(
    pitches: Sequence[float | None],
    durations: Sequence[float],
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    *,
    amplitude: float = 0.3,
    harmonics: Sequence[float] = (1.0, 0.5, 0.25),
    fade: float = 0.01,
    decay: float = 0.0,
) -> np.ndarray:
    """Render a melody, one harmonic tone per note, to a waveform.

    Args:
        pitches: MIDI note numbers (floats allowed), ``None`` for a rest.
        durations: seconds per note, same length as ``pitches``. Note ``i``
            starts at ``round(sum(durations[:i]) * sample_rate)``, so rounding
            never accumulates.
        sample_rate: samples per second.
        amplitude: peak amplitude of the fundamental.
        harmonics: relative amplitudes of harmonics 1, 2, 3, ... (a timbre);
            harmonics at or above Nyquist are left out (no aliasing).
        fade: linear fade in and out per note, in seconds (avoids clicks).
        decay: exponential decay rate per second (0: organ-like, 3-6: plucked).

    Returns:
        The waveform, ``round(sum(durations) * sample_rate)`` samples long.

    Raises:
        TypeError / ValueError: mismatched lengths, empty input, bad numbers,
            a non-positive duration, or a fundamental at or above Nyquist.
    """
    sample_rate = _sample_rate(sample_rate)
    if isinstance(pitches, (str, bytes)) or not isinstance(pitches, Sequence):
        raise TypeError(f"pitches must be a sequence of MIDI numbers or None, got {type(pitches).__name__}")
    if isinstance(durations, (str, bytes)) or not isinstance(durations, Sequence):
        raise TypeError(f"durations must be a sequence of seconds, got {type(durations).__name__}")
    if len(pitches) != len(durations) or len(pitches) == 0:
        raise ValueError(f"pitches and durations must be non-empty and of equal length, got {len(pitches)} and {len(durations)}")
    if isinstance(harmonics, (str, bytes)) or not isinstance(harmonics, Sequence) or len(harmonics) == 0:
        raise TypeError("harmonics must be a non-empty sequence of relative amplitudes")
    levels = [_validate.real_number(f"harmonics[{k}]", h) for k, h in enumerate(harmonics)]
    amplitude = _validate.real_number("amplitude", amplitude)
    fade = _validate.real_number("fade", fade)
    decay = _validate.real_number("decay", decay)
    if fade < 0 or decay < 0:
        raise ValueError(f"fade and decay must be >= 0, got {fade:g} and {decay:g}")
    seconds = [_validate.real_number(f"durations[{i}]", d, positive=True) for i, d in enumerate(durations)]
    bounds = np.round(np.concatenate([[0.0], np.cumsum(seconds)]) * sample_rate).astype(int)
    out = np.zeros(bounds[-1])
    for i, pitch in enumerate(pitches):
        n = bounds[i + 1] - bounds[i]
        if pitch is None or n == 0:
            continue
        if isinstance(pitch, bool) or not isinstance(pitch, numbers.Real):
            raise TypeError(f"pitches[{i}] must be a MIDI number or None, got {type(pitch).__name__}")
        f0 = midi_to_frequency(float(pitch))
        if f0 >= sample_rate / 2:
            raise ValueError(f"pitches[{i}] = {pitch} is {f0:.0f} Hz, at or above the Nyquist frequency {sample_rate / 2:g} Hz")
        t = np.arange(n) / sample_rate
        note = sum(h * np.sin(2 * np.pi * (k + 1) * f0 * t) for k, h in enumerate(levels) if (k + 1) * f0 < sample_rate / 2)
        ramp = max(1, min(int(round(fade * sample_rate)), n // 2))
        envelope = np.exp(-decay * t)
        envelope[:ramp] *= np.linspace(0.0, 1.0, ramp, endpoint=False)
        envelope[n - ramp:] *= np.linspace(0.0, 1.0, ramp, endpoint=False)[::-1]
        out[bounds[i]:bounds[i + 1]] = amplitude * envelope * note
    return out


def audio_player(signal: Any, sample_rate: int = DEFAULT_SAMPLE_RATE, *, max_seconds: float = 2.0) -> Audio:
    """An in-notebook audio player (``IPython.display.Audio``) for a short clip, peak-normalised.

    The clip is embedded in the notebook as a 16-bit WAV, about
    ``2.7 * sample_rate`` bytes per second once base64-encoded, so players
    are capped at ``max_seconds`` (8 kHz and 2 s: about 43 kB) to keep saved
    notebooks small. Slice a longer signal, or raise the cap deliberately.

    Raises:
        TypeError / ValueError: ``signal`` is not a 1-D array/tensor of finite
            numbers, or lasts longer than ``max_seconds``.
    """
    samples = as_signal("signal", signal)
    sample_rate = _sample_rate(sample_rate)
    max_seconds = _validate.real_number("max_seconds", max_seconds, positive=True)
    seconds = len(samples) / sample_rate
    if seconds > max_seconds + 1e-9:
        raise ValueError(
            f"signal lasts {seconds:.2f} s, over max_seconds={max_seconds:g} s: embedded audio makes notebooks "
            "large, so pass a shorter slice (or raise max_seconds on purpose)"
        )
    silent = not np.any(samples)  # IPython cannot normalise silence (it divides by the peak)
    return Audio(data=samples, rate=sample_rate, normalize=not silent)


def spectrogram_db(signal: Any, *, n_fft: int = 256, hop_length: int = 64) -> np.ndarray:
    """Power spectrogram in dB, ``10 * log10(|STFT|**2)`` (Hann window, frames centred), shape (freq, frames).

    Values are floored at 1e-12 (-120 dB) so silence stays finite.

    Raises:
        TypeError / ValueError: bad signal or sizes, or a signal shorter than ``n_fft // 2 + 1``.
    """
    x = torch.from_numpy(as_signal("signal", signal))
    n_fft = _validate.positive_int("n_fft", n_fft)
    hop_length = _validate.positive_int("hop_length", hop_length)
    if len(x) <= n_fft // 2:
        raise ValueError(f"signal must be longer than n_fft // 2 = {n_fft // 2} samples, got {len(x)}")
    window = torch.hann_window(n_fft, dtype=torch.float64)
    spec = torch.stft(x, n_fft, hop_length, window=window, return_complex=True)
    return 10 * np.log10(np.maximum(spec.abs().numpy() ** 2, 1e-12))


def show_spectrograms(
    signals: Mapping[str, Any],
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    *,
    title: str,
    n_fft: int = 256,
    hop_length: int = 128,
    dynamic_range_db: float = 80.0,
) -> Figure:
    """Side-by-side spectrograms (time across, frequency up), one panel per signal, on one colour scale.

    The colour scale spans ``dynamic_range_db`` below the loudest bin of all
    panels, so panels compare: a quieter or cleaner signal *looks* quieter.
    It has 12 steps and the figure is drawn at 80 dpi, which keeps the PNG of
    a noisy spectrogram small in a saved notebook.

    Args:
        signals: ``{panel title: 1-D signal}``.
        sample_rate: samples per second (for the axes).
        title: figure title.
        n_fft, hop_length: STFT frame and hop in samples.
        dynamic_range_db: decibels shown below the peak.

    Raises:
        TypeError / ValueError: empty mapping, a bad signal, a missing title or bad sizes.
    """
    if not isinstance(title, str) or not title.strip():
        raise TypeError("title must be a non-empty string (every figure gets a title)")
    if not isinstance(signals, Mapping) or not signals:
        raise ValueError("signals must be a non-empty mapping of panel title -> 1-D signal")
    sample_rate = _sample_rate(sample_rate)
    span = _validate.real_number("dynamic_range_db", dynamic_range_db, positive=True)
    panels = {name: spectrogram_db(x, n_fft=n_fft, hop_length=hop_length) for name, x in signals.items()}
    top = max(float(p.max()) for p in panels.values())
    # 12 colour steps and 80 dpi: a noisy spectrogram is incompressible texture, so this keeps the PNG small
    figure, axes = plt.subplots(1, len(panels), figsize=(min(2.6 * len(panels) + 0.9, 9.0), 2.6), sharey=True,
                                squeeze=False, layout="constrained", dpi=80)
    colours = plt.get_cmap("magma", 12)
    for ax, (name, power) in zip(axes[0], panels.items()):
        seconds = (power.shape[1] - 1) * hop_length / sample_rate
        image = ax.imshow(power, origin="lower", aspect="auto", cmap=colours, vmin=top - span, vmax=top,
                          extent=(0.0, seconds, 0.0, sample_rate / 2), interpolation="nearest")
        ax.set_title(str(name), fontsize=9)
        ax.set_xlabel("time (s)")
    axes[0, 0].set_ylabel("frequency (Hz)")
    figure.colorbar(image, ax=list(axes[0]), label="power (dB)", pad=0.01)
    figure.suptitle(title)
    return figure
