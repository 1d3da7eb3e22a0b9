"""Training loops with a progress bar and a loss history.

The course keeps the *step* of every lesson visible in the notebook (the GAN's
two updates, a diffusion loss, ...): a notebook writes ``step(i)`` and hands it
to :func:`train_loop`, which runs it ``steps`` times with a tqdm bar and
collects whatever numbers it returns.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import torch
from torch import nn
from tqdm.std import tqdm

from aigc_utils import _validate

History = dict[str, list[float]]


def progress(iterable: Any = None, *, total: int | None = None, desc: str = "") -> tqdm:
    """A plain-text tqdm bar that stays small in saved notebooks (no widgets).

    Use it for any loop of more than a couple of seconds. Updates at most
    twice a second, so a committed notebook stores a few lines, not thousands.
    """
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, mininterval=0.5, ncols=120, ascii=" =")


def train_loop(
    step: Callable[[int], float | Mapping[str, float]],
    steps: int,
    *,
    desc: str = "training",
    show_every: int = 50,
) -> History:
    """Call ``step(i)`` for ``i`` in ``range(steps)`` and record what it returns.

    Args:
        step: one training step; returns a loss (float) or a dict of named
            numbers (``{"loss_d": ..., "loss_g": ...}``).
        steps: how many steps to run.
        desc: label of the progress bar.
        show_every: refresh the bar's postfix (latest numbers) every this many steps.

    Returns:
        ``{name: [value per step]}``; a float return is recorded as ``"loss"``.

    Raises:
        TypeError: ``step`` is not callable, or returns something else than a
            number or a mapping of numbers.
        ValueError: ``steps`` or ``show_every`` is not a positive integer, or a
            step returns NaN/inf (training diverged: stop early and say so).
    """
    if not callable(step):
        raise TypeError(f"step must be callable, got {type(step).__name__}")
    steps = _validate.positive_int("steps", steps)
    show_every = _validate.positive_int("show_every", show_every)
    history: History = {}
    bar = progress(range(steps), desc=desc)
    for i in bar:
        out = step(i)
        values = {"loss": out} if not isinstance(out, Mapping) else dict(out)
        for name, value in values.items():
            if isinstance(value, torch.Tensor):
                value = value.detach().item()
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"step must return numbers, got {name}={type(value).__name__}")
            if not math.isfinite(value):
                bar.close()
                raise ValueError(f"training diverged at step {i}: {name} = {value}")
            history.setdefault(name, []).append(float(value))
        if i % show_every == 0 or i == steps - 1:
            bar.set_postfix({k: f"{v[-1]:.3f}" for k, v in history.items()}, refresh=False)
    return history


def minibatches(*tensors: torch.Tensor, batch_size: int, generator: torch.Generator) -> Iterator[tuple[torch.Tensor, ...]]:
    """Endless random minibatches (drawn with replacement) from tensors of equal length.

    Args:
        *tensors: one or more tensors with the same first dimension.
        batch_size: rows per batch.
        generator: a seeded ``torch.Generator`` (so a re-run reproduces).

    Yields:
        Tuples of ``batch_size`` rows, one entry per input tensor.

    Raises:
        TypeError / ValueError: no tensors, mismatched lengths, bad ``batch_size``
            or ``generator``.
    """
    if not tensors:
        raise ValueError("minibatches needs at least one tensor")
    tensors = tuple(_validate.tensor(f"tensors[{i}]", t) for i, t in enumerate(tensors))
    batch_size = _validate.positive_int("batch_size", batch_size)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    n = len(tensors[0])
    if n == 0 or any(len(t) != n for t in tensors):
        raise ValueError(f"tensors must be non-empty and of equal length, got {[len(t) for t in tensors]}")
    while True:
        index = torch.randint(n, (batch_size,), generator=generator)
        yield tuple(t[index.to(t.device)] for t in tensors)


def fit_classifier(
    model: nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    *,
    steps: int,
    generator: torch.Generator,
    batch_size: int = 128,
    lr: float = 2e-3,
    desc: str = "classifier",
) -> History:
    """Train ``model`` with Adam and cross-entropy on (images, labels); returns the loss history.

    Data and model must already be on the same device.

    Raises:
        TypeError / ValueError: bad model, tensors, sizes or hyper-parameters.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    images = _validate.tensor("images", images)
    labels = _validate.tensor("labels", labels, ndim=1)
    if labels.is_floating_point():
        raise TypeError(f"labels must be integer class ids, got dtype {labels.dtype}")
    lr = _validate.real_number("lr", lr, positive=True)
    batches = minibatches(images, labels, batch_size=batch_size, generator=generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step(_: int) -> float:
        x, y = next(batches)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    history = train_loop(step, steps, desc=desc)
    model.eval()
    return history


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of ``images`` that ``model`` classifies as ``labels`` (eval mode)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    images = _validate.tensor("images", images)
    labels = _validate.tensor("labels", labels, ndim=1)
    if len(images) != len(labels) or len(labels) == 0:
        raise ValueError(f"images and labels must be non-empty and of equal length, got {len(images)} and {len(labels)}")
    model.eval()
    return float((model(images).argmax(dim=1) == labels).float().mean())
