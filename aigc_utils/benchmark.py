"""Measuring inference: latency with warm-up and repeats, and model size in bytes.

Timing rules that make speed-up claims honest:

- **warm up** first (the first calls pay for memory allocation, lazy
  initialisation, compilation, cold caches);
- **repeat** and report the **median** (robust to the odd slow call when
  other programs share the machine), measured with ``time.perf_counter``;
- compare variants **in the same run, interleaved**, never against a number
  measured another day on another machine;
- on a GPU, call ``torch.cuda.synchronize()`` inside the timed function, since
  kernels run asynchronously.

Size: :func:`linear_weight_bytes` counts the bytes of the weights of the
``Linear`` layers (float or dynamically quantized int8), :func:`serialized_bytes`
the size of what ``torch.save`` writes.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from aigc_utils import _validate


@dataclass(frozen=True)
class Timing:
    """Seconds per call of one timed function: median, fastest and all repeats."""

    median_s: float
    min_s: float
    times_s: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        """The median in milliseconds."""
        return 1000.0 * self.median_s


def time_call(fn: Callable[[], Any], *, warmup: int = 3, repeats: int = 20) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeats`` timed ones (``time.perf_counter``).

    Args:
        fn: a function without arguments (wrap the call: ``lambda: model(x)``).
        warmup: untimed calls first (>= 0).
        repeats: timed calls (>= 1).

    Returns:
        A :class:`Timing` with the median and the minimum of the repeats.

    Raises:
        TypeError / ValueError: ``fn`` is not callable, bad ``warmup`` or ``repeats``.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    warmup = _validate.non_negative_int("warmup", warmup)
    repeats = _validate.positive_int("repeats", repeats)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return Timing(median_s=statistics.median(times), min_s=min(times), times_s=tuple(times))


def compare_latency(
    candidates: dict[str, Callable[[], Any]], *, warmup: int = 3, repeats: int = 20, rounds: int = 3
) -> dict[str, Timing]:
    """Time several functions fairly: ``rounds`` interleaved passes, all repeats pooled.

    Interleaving spreads slow phases of a shared machine over all candidates
    instead of penalising whichever ran at the wrong moment.

    Args:
        candidates: ``{name: function without arguments}``.
        warmup: untimed calls per candidate before the first round.
        repeats: timed calls per candidate and round.
        rounds: interleaved passes over the candidates.

    Returns:
        ``{name: Timing}`` over ``repeats * rounds`` calls each.

    Raises:
        TypeError / ValueError: empty or non-callable candidates, bad counts.
    """
    if not isinstance(candidates, dict) or not candidates:
        raise ValueError("candidates must be a non-empty dict of name -> function")
    for name, fn in candidates.items():
        if not callable(fn):
            raise TypeError(f"candidates[{name!r}] must be callable, got {type(fn).__name__}")
    warmup = _validate.non_negative_int("warmup", warmup)
    repeats = _validate.positive_int("repeats", repeats)
    rounds = _validate.positive_int("rounds", rounds)
    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    pooled: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            pooled[name].extend(time_call(fn, warmup=0, repeats=repeats).times_s)
    return {name: Timing(statistics.median(t), min(t), tuple(t)) for name, t in pooled.items()}


def _tensor_bytes(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        if value.is_quantized:
            # int8 values plus the quantization parameters (one scale and zero point per tensor or per channel)
            extra = 16 if value.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric) else (
                value.q_per_channel_scales().numel() * 8 + value.q_per_channel_zero_points().numel() * 8
            )
            return value.numel() * value.element_size() + extra
        return value.numel() * value.element_size()
    return 0


def linear_weight_bytes(model: nn.Module) -> int:
    """Bytes of the weights and biases of every ``Linear`` layer of ``model``.

    Counts float ``nn.Linear`` layers and dynamically quantized ones
    (``torch.ao.nn.quantized.dynamic.Linear``: int8 weights plus their scale and
    zero point, float bias).

    Raises:
        TypeError: ``model`` is not an ``nn.Module``.
        ValueError: ``model`` has no Linear layer.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    total, found = 0, 0
    for module in model.modules():
        if isinstance(module, nn.Linear):
            found += 1
            total += _tensor_bytes(module.weight) + _tensor_bytes(module.bias)
        elif type(module).__name__ == "Linear" and callable(getattr(module, "weight", None)):
            found += 1  # a quantized Linear: weight() and bias() are methods
            quantized: Any = module
            total += _tensor_bytes(quantized.weight()) + _tensor_bytes(quantized.bias())
    if not found:
        raise ValueError("model has no Linear layer")
    return total


def serialized_bytes(obj: Any) -> int:
    """Size in bytes of what ``torch.save(obj, file)`` writes (e.g. a ``state_dict``).

    Raises:
        TypeError: ``obj`` cannot be saved with ``torch.save``.
    """
    buffer = io.BytesIO()
    try:
        torch.save(obj, buffer)
    except Exception as error:  # noqa: BLE001 - report what could not be saved
        raise TypeError(f"obj cannot be saved with torch.save: {error}") from error
    return buffer.getbuffer().nbytes


def throughput(batch_sizes: Sequence[int], timings: Sequence[Timing]) -> list[float]:
    """Samples per second for each (batch size, median time) pair.

    Raises:
        TypeError / ValueError: lengths differ, bad batch sizes or non-Timing entries.
    """
    if len(batch_sizes) != len(timings) or not batch_sizes:
        raise ValueError(f"batch_sizes and timings must be non-empty and of equal length, "
                         f"got {len(batch_sizes)} and {len(timings)}")
    rates = []
    for i, (size, timing) in enumerate(zip(batch_sizes, timings)):
        size = _validate.positive_int(f"batch_sizes[{i}]", size)
        if not isinstance(timing, Timing):
            raise TypeError(f"timings[{i}] must be a Timing, got {type(timing).__name__}")
        rates.append(size / timing.median_s)
    return rates
