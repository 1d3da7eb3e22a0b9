import math

import numpy as np
import pytest
import torch

from aigc_utils.data.shapes3d import (
    SHAPE_KINDS,
    ShapeSet,
    box_points,
    chamfer_distance,
    make_shapes,
    sphere_points,
    torus_points,
)


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_sphere_points_lie_on_the_sphere_and_are_balanced():
    points = sphere_points(20_000, 0.7, generator())
    assert points.shape == (20_000, 3) and points.dtype == torch.float32
    assert torch.allclose(points.norm(dim=1), torch.full((20_000,), 0.7), atol=1e-5)
    # uniform on a sphere: every coordinate has mean 0 and variance r^2 / 3
    assert points.mean(0).abs().max() < 0.02
    assert torch.allclose(points.var(0), torch.full((3,), 0.49 / 3), rtol=0.05)


def test_box_points_lie_on_the_surface_with_area_weighted_faces():
    half = (0.3, 0.6, 1.0)
    points = box_points(30_000, half, generator(1))
    h = torch.tensor(half)
    assert (points.abs() <= h + 1e-6).all()
    on_face = (points.abs() - h).abs() < 1e-6  # (N, 3): which face planes each point is on
    assert on_face.any(dim=1).all()
    areas = torch.tensor([half[1] * half[2], half[0] * half[2], half[0] * half[1]])
    share = on_face.float().mean(0)
    assert torch.allclose(share, areas / areas.sum(), atol=0.01)


def test_torus_points_lie_on_the_torus_with_area_weighting():
    major, minor = 0.8, 0.3
    points = torus_points(40_000, major, minor, generator(2))
    ring = points[:, :2].norm(dim=1)
    assert torch.allclose((ring - major) ** 2 + points[:, 2] ** 2, torch.full((40_000,), minor**2), atol=1e-4)
    outer_share = float((ring > major).float().mean())
    assert outer_share == pytest.approx(0.5 + minor / (math.pi * major), abs=0.01)  # outer half has more area


def test_make_shapes_is_reproducible_and_fits_the_cube():
    shapes = make_shapes(30, 64, generator(3))
    again = make_shapes(30, 64, generator(3))
    assert isinstance(shapes, ShapeSet)
    assert shapes.points.shape == (30, 64, 3) and shapes.kinds.shape == (30,) and shapes.sizes.shape == (30, 3)
    assert torch.equal(shapes.points, again.points) and torch.equal(shapes.kinds, again.kinds)
    assert set(shapes.kinds.tolist()) == {0, 1, 2}
    assert shapes.points.abs().max() <= 1.25
    assert set(shapes.kind_names()) == set(SHAPE_KINDS)
    only_tori = make_shapes(5, 16, generator(4), kinds=("torus",))
    assert only_tori.kind_names() == ["torus"] * 5


def brute_force_chamfer(a: np.ndarray, b: np.ndarray) -> float:
    squared = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    return float(squared.min(1).mean() + squared.min(0).mean())


def test_chamfer_distance_equals_brute_force_and_ignores_order():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 50, 3)), rng.normal(size=(2, 40, 3))
    ours = chamfer_distance(torch.from_numpy(a), torch.from_numpy(b))
    assert ours.shape == (2,)
    for i in range(2):
        assert float(ours[i]) == pytest.approx(brute_force_chamfer(a[i], b[i]), rel=1e-9)
    shuffled = torch.from_numpy(a[0][rng.permutation(50)])
    assert float(chamfer_distance(shuffled, torch.from_numpy(b[0]))) == pytest.approx(float(ours[0]), rel=1e-9)
    assert float(chamfer_distance(torch.from_numpy(a[0]), torch.from_numpy(a[0]))) == pytest.approx(0.0, abs=1e-12)


def test_chamfer_distance_is_differentiable():
    a = torch.randn(1, 20, 3, generator=generator(5), requires_grad=True)
    b = torch.randn(1, 20, 3, generator=generator(6))
    chamfer_distance(a, b).sum().backward()
    assert a.grad is not None and torch.isfinite(a.grad).all()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: sphere_points(0, 1.0, generator()), ValueError, "n_points"),
        (lambda: sphere_points(10, -1.0, generator()), ValueError, "radius"),
        (lambda: sphere_points(10, 1.0, 0), TypeError, "generator"),
        (lambda: box_points(10, (1.0, 1.0), generator()), TypeError, "half_sizes"),
        (lambda: box_points(10, (1.0, 0.0, 1.0), generator()), ValueError, "half_sizes"),
        (lambda: torus_points(10, 0.5, 0.6, generator()), ValueError, "minor"),
        (lambda: make_shapes(10, 16, generator(), kinds=("cube",)), ValueError, "kinds"),
        (lambda: make_shapes(10, 16, generator(), kinds=()), TypeError, "kinds"),
        (lambda: make_shapes(0, 16, generator()), ValueError, "n_shapes"),
        (lambda: chamfer_distance(torch.zeros(2, 5, 3), torch.zeros(3, 5, 3)), ValueError, "batch"),
        (lambda: chamfer_distance(torch.zeros(5, 3), torch.zeros(2, 5, 3)), ValueError, "batched"),
        (lambda: chamfer_distance(torch.zeros(5, 3, dtype=torch.int64), torch.zeros(5, 3)), TypeError, "cloud_a"),
        (lambda: chamfer_distance(torch.zeros(0, 3), torch.zeros(5, 3)), ValueError, "at least one point"),
        (lambda: chamfer_distance([[0.0, 0.0, 0.0]], torch.zeros(5, 3)), TypeError, "cloud_a"),
    ],
)
def test_bad_input_is_rejected_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()
