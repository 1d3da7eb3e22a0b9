"""Data-parallel training with ``torch.distributed`` on the CPU, launched from a notebook.

Data parallelism keeps one full copy of the model per process ("rank"); every
rank computes the gradient of its own share of the global batch, the ranks
average their gradients (an *all-reduce*), and every copy takes the same
optimiser step. With equal shares this is the same update as one process on
the whole batch, up to the order of floating-point additions.

On several GPUs one runs a script with ``torchrun``, which starts the
processes and sets ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and
``MASTER_PORT``::

    torchrun --standalone --nproc_per_node=4 train.py

:func:`launch_data_parallel` does the same from a notebook on the CPU with the
``gloo`` backend: it sets those variables, spawns ``world_size`` fresh Python
processes and collects what each one returns. A spawned process must import
the function it runs, so the training function lives here
(:func:`train_digits_data_parallel`), not in the notebook.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from aigc_utils import _validate


def make_digit_classifier(seed: int, hidden: int = 64) -> nn.Module:
    """A small MLP for 8x8 digits (64 -> hidden -> 10), initialised from ``seed``.

    Every rank (and the single-process reference) calls this with the same
    seed, so all copies start from the same weights.

    Raises:
        TypeError / ValueError: ``seed`` is not an integer >= 0, ``hidden`` not >= 1.
    """
    seed = _validate.non_negative_int("seed", seed)
    hidden = _validate.positive_int("hidden", hidden)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def train_digits_data_parallel(
    images: torch.Tensor, labels: torch.Tensor, *, steps: int, global_batch: int, lr: float, seed: int
) -> list[float]:
    """Train :func:`make_digit_classifier` with DistributedDataParallel; run on every rank.

    The process group is read from the environment (``RANK``, ``WORLD_SIZE``,
    ``MASTER_ADDR``, ``MASTER_PORT``), as ``torchrun`` or
    :func:`launch_data_parallel` set it. Every rank draws the same global batch
    from a generator seeded with ``seed`` and keeps every ``world_size``-th
    row of it; DDP averages the gradients during ``backward``.

    Args:
        images: (N, 1, 8, 8) training images (every rank gets the whole set).
        labels: (N,) class ids.
        steps: optimiser steps (SGD with momentum 0.9).
        global_batch: rows per step over all ranks; must divide evenly by the world size.
        lr: learning rate.
        seed: seed of the weights and of the batch order.

    Returns:
        The loss of the *global* batch at every step (the ranks' losses averaged).

    Raises:
        TypeError / ValueError: bad arguments, or ``global_batch`` not divisible by the world size.
    """
    images = _validate.floating("images", _validate.tensor("images", images, ndim=4))
    labels = _validate.tensor("labels", labels, ndim=1)
    steps = _validate.positive_int("steps", steps)
    global_batch = _validate.positive_int("global_batch", global_batch)
    lr = _validate.real_number("lr", lr, positive=True)
    dist.init_process_group(backend="gloo")  # env:// : RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
    try:
        rank, world_size = dist.get_rank(), dist.get_world_size()
        if global_batch % world_size or global_batch > len(images):
            raise ValueError(f"global_batch must be <= {len(images)} and divisible by {world_size}, got {global_batch}")
        model = DistributedDataParallel(make_digit_classifier(seed))  # DDP also broadcasts rank 0's weights
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        order = torch.Generator().manual_seed(seed)  # the same stream on every rank ...
        losses = []
        for _ in range(steps):
            batch = torch.randperm(len(images), generator=order)[:global_batch]
            mine = batch[rank::world_size]  # ... and each rank keeps its own share of the batch
            loss = F.cross_entropy(model(images[mine]), labels[mine])
            optimizer.zero_grad()
            loss.backward()  # DDP all-reduces (averages) the gradients here
            optimizer.step()
            global_loss = loss.detach().clone()
            dist.all_reduce(global_loss)  # sum over ranks, for the record
            losses.append(global_loss.item() / world_size)
        return losses
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    """A TCP port on localhost that is free right now (for ``MASTER_PORT``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_rank(
    rank: int, worker: Callable[..., Any], world_size: int, port: int, folder: str, args: tuple, kwargs: dict
) -> None:
    # What torchrun does for each process: set the rendezvous variables, then run the code.
    os.environ.update(
        {"RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": str(world_size),
         "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}
    )
    torch.set_num_threads(1)  # one core per rank
    result = worker(*args, **kwargs)
    torch.save(result, Path(folder) / f"rank{rank}.pt")


def launch_data_parallel(
    worker: Callable[..., Any], world_size: int = 2, args: tuple = (), kwargs: dict | None = None
) -> list[Any]:
    """Run ``worker(*args, **kwargs)`` in ``world_size`` spawned processes, like ``torchrun``.

    Each process gets ``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``
    and ``MASTER_PORT`` in its environment and one thread; the worker calls
    ``torch.distributed.init_process_group`` itself. Start-up costs a few
    seconds per process (each one imports torch).

    Args:
        worker: a function defined at module level in an importable module
            (spawned processes import it; a function typed into a notebook cannot be).
        world_size: number of processes.
        args, kwargs: passed to ``worker`` (tensors are shared, not copied to disk).

    Returns:
        What each rank's ``worker`` returned, in rank order (must be something
        ``torch.save`` can store: lists, numbers, tensors).

    Raises:
        TypeError / ValueError: ``worker`` is not an importable function, bad ``world_size``.
        torch.multiprocessing.ProcessRaisedException: a rank raised (its traceback is shown).
    """
    if not callable(worker):
        raise TypeError(f"worker must be callable, got {type(worker).__name__}")
    if getattr(worker, "__module__", "__main__") == "__main__" or "<locals>" in getattr(worker, "__qualname__", "<locals>"):
        raise ValueError("worker must be a module-level function of an importable module (spawned processes import it)")
    world_size = _validate.positive_int("world_size", world_size)
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple, got {type(args).__name__}")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(f"kwargs must be a dict or None, got {type(kwargs).__name__}")
    with tempfile.TemporaryDirectory() as folder:
        torch.multiprocessing.start_processes(
            _run_rank,
            args=(worker, world_size, free_port(), folder, args, kwargs or {}),
            nprocs=world_size,
            join=True,
            start_method="spawn",
        )
        return [torch.load(Path(folder) / f"rank{rank}.pt", weights_only=True) for rank in range(world_size)]
