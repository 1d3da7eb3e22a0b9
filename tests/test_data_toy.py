import math

import numpy as np
import pytest
import torch

from aigc_utils.data.toy import (
    GaussianMixture2D,
    grid_of_gaussians,
    high_quality_share,
    mode_counts,
    modes_covered,
    nearest_mode,
    ring_of_gaussians,
)


def test_ring_centres_lie_on_the_circle_evenly_spaced():
    ring = ring_of_gaussians(modes=8, radius=2.0, std=0.05)
    assert isinstance(ring, GaussianMixture2D) and ring.n_modes == 8
    assert torch.allclose(ring.centres.norm(dim=1), torch.full((8,), 2.0), atol=1e-6)
    assert torch.allclose(ring.centres[0], torch.tensor([2.0, 0.0]))
    neighbours = (ring.centres - ring.centres.roll(1, dims=0)).norm(dim=1)
    assert torch.allclose(neighbours, torch.full((8,), 4.0 * math.sin(math.pi / 8)), atol=1e-5)


def test_grid_centres_are_centred_and_spaced():
    grid = grid_of_gaussians(side=5, spacing=2.0)
    assert grid.n_modes == 25
    assert torch.allclose(grid.centres.mean(0), torch.zeros(2), atol=1e-6)
    assert set(grid.centres[:, 0].tolist()) == {-4.0, -2.0, 0.0, 2.0, 4.0}


def test_samples_are_reproducible_and_have_the_right_statistics():
    ring = ring_of_gaussians(std=0.1)
    points, modes = ring.sample(20_000, torch.Generator().manual_seed(0))
    again, _ = ring.sample(20_000, torch.Generator().manual_seed(0))
    assert points.shape == (20_000, 2) and points.dtype == torch.float32 and torch.equal(points, again)
    offsets = points - ring.centres[modes]
    assert offsets.std().item() == pytest.approx(0.1, rel=0.03)
    assert np.bincount(modes.numpy(), minlength=8).min() > 2_300  # uniform over the 8 modes


def test_real_samples_cover_every_mode_and_are_high_quality():
    ring = ring_of_gaussians()
    points, _ = ring.sample(1_000, torch.Generator().manual_seed(1))
    assert ring.modes_covered(points) == 8
    assert ring.high_quality_share(points) > 0.98  # 3 std in 2-D holds 98.9% of a Gaussian
    assert ring.mode_counts(points).sum() == pytest.approx(1_000, abs=20)


def test_collapsed_and_scattered_generators_are_caught():
    ring = ring_of_gaussians()
    generator = torch.Generator().manual_seed(2)
    one_mode = ring.centres[3] + ring.std * torch.randn(500, 2, generator=generator)
    assert modes_covered(one_mode, ring.centres, ring.std) == 1
    assert mode_counts(one_mode, ring.centres, ring.std).argmax() == 3
    scattered = 4 * torch.rand(500, 2, generator=generator) - 2  # uniform over the square
    assert high_quality_share(scattered, ring.centres, ring.std) < 0.1


def test_fair_share_rule():
    ring = ring_of_gaussians(modes=4, radius=1.0, std=0.1)
    # 100 samples, 4 modes: fair share 25, so a mode needs 0.2 * 25 = 5 samples.
    counts = [70, 20, 5, 4]
    samples = torch.cat([ring.centres[i].repeat(n, 1) for i, n in enumerate(counts)]) + 1e-3
    assert ring.modes_covered(samples) == 3
    assert ring.modes_covered(samples, min_fair_share=0.5) == 2
    assert nearest_mode(torch.tensor([[0.0, 0.0]]), ring.centres, ring.std).item() == -1


def test_numpy_input_is_accepted():
    ring = ring_of_gaussians()
    points, _ = ring.sample(200, torch.Generator().manual_seed(3))
    assert modes_covered(points.numpy(), ring.centres.numpy(), ring.std) == ring.modes_covered(points)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ring_of_gaussians(modes=1), ValueError, "modes"),
        (lambda: ring_of_gaussians(modes=2.5), TypeError, "modes"),
        (lambda: ring_of_gaussians(std=0), ValueError, "std"),
        (lambda: grid_of_gaussians(side=1), ValueError, "side"),
        (lambda: grid_of_gaussians(spacing=-1.0), ValueError, "spacing"),
        (lambda: ring_of_gaussians().sample(0, torch.Generator()), ValueError, "n_samples"),
        (lambda: ring_of_gaussians().sample(10, 0), TypeError, "generator"),
        (lambda: modes_covered(torch.zeros(10, 3), torch.zeros(8, 2), 0.1), ValueError, "samples"),
        (lambda: modes_covered(torch.zeros(10, 2, dtype=torch.int64), torch.zeros(8, 2), 0.1), TypeError, "samples"),
        (lambda: modes_covered([[0.0, 0.0]], torch.zeros(8, 2), 0.1), TypeError, "samples"),
        (lambda: modes_covered(torch.zeros(10, 2), torch.zeros(8, 2), 0.1, min_fair_share=1.0), ValueError, "min_fair_share"),
        (lambda: high_quality_share(torch.zeros(10, 2), torch.zeros(8, 2), 0.1, n_std=0), ValueError, "n_std"),
        (lambda: mode_counts(torch.zeros(10, 2), torch.zeros(8, 2), -0.1), ValueError, "std"),
    ],
)
def test_bad_input_is_rejected_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()
