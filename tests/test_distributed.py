import socket

import pytest
import torch
import torch.nn.functional as F

from aigc_utils.distributed import (
    free_port,
    launch_data_parallel,
    make_digit_classifier,
    train_digits_data_parallel,
)


def _toy_digits(n: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return torch.rand(n, 1, 8, 8, generator=generator), torch.randint(10, (n,), generator=generator)


def _single_process(images: torch.Tensor, labels: torch.Tensor, steps: int, global_batch: int, lr: float, seed: int):
    model = make_digit_classifier(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    order = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        batch = torch.randperm(len(images), generator=order)[:global_batch]
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_make_digit_classifier_is_seeded_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, b = make_digit_classifier(3), make_digit_classifier(3)
    assert torch.rand(1) == before, "building the model must not consume the global random stream"
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert a(torch.zeros(2, 1, 8, 8)).shape == (2, 10)


def test_two_ranks_match_single_process_training():
    images, labels = _toy_digits()
    settings = dict(steps=5, global_batch=32, lr=0.1, seed=1)
    ranks = launch_data_parallel(train_digits_data_parallel, world_size=2, args=(images, labels), kwargs=settings)
    reference = _single_process(images, labels, **settings)
    assert len(ranks) == 2 and ranks[0] == ranks[1]
    assert max(abs(a - b) for a, b in zip(ranks[0], reference)) < 1e-5


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", port))


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="worker"):
        launch_data_parallel(lambda: None)
    with pytest.raises(TypeError, match="worker"):
        launch_data_parallel(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="world_size"):
        launch_data_parallel(train_digits_data_parallel, world_size=0)
    with pytest.raises(TypeError, match="args"):
        launch_data_parallel(train_digits_data_parallel, args=[1])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seed"):
        make_digit_classifier(-1)
    with pytest.raises(ValueError, match="images"):
        train_digits_data_parallel(torch.zeros(4, 64), torch.zeros(4, dtype=torch.long), steps=1, global_batch=2,
                                   lr=0.1, seed=0)
    with pytest.raises(ValueError, match="steps"):
        train_digits_data_parallel(*_toy_digits(4), steps=0, global_batch=2, lr=0.1, seed=0)
