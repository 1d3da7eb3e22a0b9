"""Three-dimensional shapes made by code: point clouds of spheres, boxes and tori.

3-D generative models (for VR scenes, games, reconstruction) learn from shapes;
here the shapes are written by code, so a notebook can train a small 3-D
generator offline in seconds. Every shape is centred at the origin and
axis-aligned; its size parameters are drawn at random. Points are spread
uniformly over the *surface* (area-weighted), as a depth sensor or a mesh
sampler would give them.

:func:`chamfer_distance` compares two point clouds whatever the order of
their points: the loss and the metric of point-cloud autoencoders
(Fan et al. 2017; FoldingNet, Yang et al. 2018; AtlasNet, Groueix et al. 2018).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from aigc_utils import _validate

SHAPE_KINDS = ("sphere", "box", "torus")


@dataclass(frozen=True)
class ShapeSet:
    """A batch of point clouds with what each shape is.

    Attributes:
        points: (n_shapes, n_points, 3) float32 surface points.
        kinds: (n_shapes,) int64 index into :data:`SHAPE_KINDS`.
        sizes: (n_shapes, 3) float32 size parameters: sphere (radius, radius,
            radius); box (half-lengths along x, y, z); torus (major radius,
            tube radius, 0).
    """

    points: torch.Tensor
    kinds: torch.Tensor
    sizes: torch.Tensor

    def kind_names(self) -> list[str]:
        """The kind of each shape, in words."""
        return [SHAPE_KINDS[int(k)] for k in self.kinds]


def _generator(generator: Any) -> torch.Generator:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    return generator


def sphere_points(n_points: int, radius: float, generator: torch.Generator) -> torch.Tensor:
    """(n_points, 3) points spread uniformly over a sphere of ``radius`` centred at the origin.

    A standard normal vector divided by its length is uniform on the unit sphere.

    Raises:
        TypeError / ValueError: bad ``n_points``, ``radius`` or ``generator``.
    """
    n_points = _validate.positive_int("n_points", n_points)
    radius = _validate.real_number("radius", radius, positive=True)
    directions = torch.randn(n_points, 3, generator=_generator(generator))
    return radius * directions / directions.norm(dim=1, keepdim=True).clamp_min(1e-12)


def box_points(n_points: int, half_sizes: tuple[float, float, float], generator: torch.Generator) -> torch.Tensor:
    """(n_points, 3) points spread uniformly over the surface of an axis-aligned box.

    A face is picked with probability proportional to its area, then a point
    uniformly on that face.

    Args:
        n_points: number of points.
        half_sizes: half-lengths ``(a, b, c)`` of the box along x, y and z.
        generator: a seeded ``torch.Generator``.

    Raises:
        TypeError / ValueError: bad arguments (``half_sizes`` must be three positive numbers).
    """
    n_points = _validate.positive_int("n_points", n_points)
    if not isinstance(half_sizes, (tuple, list)) or len(half_sizes) != 3:
        raise TypeError("half_sizes must be a tuple of three positive numbers (a, b, c)")
    half = torch.tensor([_validate.real_number("half_sizes", h, positive=True) for h in half_sizes])
    generator = _generator(generator)
    # Faces normal to axis k come in pairs of area (2 h_i)(2 h_j), {i, j} the other two axes.
    areas = torch.stack([half[1] * half[2], half[0] * half[2], half[0] * half[1]])
    axis = torch.multinomial(areas, n_points, replacement=True, generator=generator)
    points = (2 * torch.rand(n_points, 3, generator=generator) - 1) * half
    side = torch.where(torch.rand(n_points, generator=generator) < 0.5, -1.0, 1.0)
    rows = torch.arange(n_points)
    points[rows, axis] = side * half[axis]
    return points


def torus_points(n_points: int, major: float, minor: float, generator: torch.Generator) -> torch.Tensor:
    """(n_points, 3) points spread uniformly over a torus around the z axis.

    The tube circle of radius ``minor`` has its centre ``major`` from the
    axis. Uniform angles would crowd points on the inner side; the tube angle
    is therefore drawn with density proportional to ``major + minor * cos(v)``
    (the local area element), by inverse-CDF sampling on a fine grid.

    Raises:
        TypeError / ValueError: bad arguments, or ``minor >= major`` (a self-intersecting torus).
    """
    n_points = _validate.positive_int("n_points", n_points)
    major = _validate.real_number("major", major, positive=True)
    minor = _validate.real_number("minor", minor, positive=True)
    if minor >= major:
        raise ValueError(f"minor must be smaller than major, got minor={minor}, major={major}")
    generator = _generator(generator)
    u = 2 * math.pi * torch.rand(n_points, generator=generator)
    grid = torch.linspace(0, 2 * math.pi, 2049, dtype=torch.float64)
    weights = major + minor * torch.cos(grid[:-1])
    v = grid[torch.multinomial(weights, n_points, replacement=True, generator=generator)].float()
    v = v + (2 * math.pi / 2048) * torch.rand(n_points, generator=generator)  # spread within the grid cell
    ring = major + minor * torch.cos(v)
    return torch.stack([ring * torch.cos(u), ring * torch.sin(u), minor * torch.sin(v)], dim=1)


def make_shapes(
    n_shapes: int, n_points: int, generator: torch.Generator, kinds: tuple[str, ...] = SHAPE_KINDS
) -> ShapeSet:
    """A batch of random shapes, each kind equally likely, each of random size.

    Sizes: sphere radius in [0.5, 1]; box half-lengths each in [0.3, 1];
    torus major radius in [0.6, 0.9] and tube radius in [0.15, 0.35].
    So every shape fits in the cube [-1.25, 1.25]^3.

    Args:
        n_shapes: number of shapes.
        n_points: surface points per shape.
        generator: a seeded ``torch.Generator``.
        kinds: which of :data:`SHAPE_KINDS` to draw from.

    Returns:
        A :class:`ShapeSet`.

    Raises:
        TypeError / ValueError: bad counts, generator, or an unknown kind.
    """
    n_shapes = _validate.positive_int("n_shapes", n_shapes)
    n_points = _validate.positive_int("n_points", n_points)
    generator = _generator(generator)
    if not isinstance(kinds, (tuple, list)) or not kinds:
        raise TypeError(f"kinds must be a non-empty tuple of names from {SHAPE_KINDS}")
    kind_ids = [SHAPE_KINDS.index(_validate.one_of("kinds", k, SHAPE_KINDS)) for k in kinds]
    chosen = torch.tensor(kind_ids)[torch.randint(len(kind_ids), (n_shapes,), generator=generator)]
    clouds, sizes = [], []
    for kind in chosen.tolist():
        draw = torch.rand(3, generator=generator)
        if SHAPE_KINDS[kind] == "sphere":
            radius = 0.5 + 0.5 * float(draw[0])
            clouds.append(sphere_points(n_points, radius, generator))
            sizes.append([radius] * 3)
        elif SHAPE_KINDS[kind] == "box":
            half = [0.3 + 0.7 * float(d) for d in draw]
            clouds.append(box_points(n_points, (half[0], half[1], half[2]), generator))
            sizes.append(half)
        else:
            major, minor = 0.6 + 0.3 * float(draw[0]), 0.15 + 0.2 * float(draw[1])
            clouds.append(torus_points(n_points, major, minor, generator))
            sizes.append([major, minor, 0.0])
    return ShapeSet(points=torch.stack(clouds), kinds=chosen, sizes=torch.tensor(sizes, dtype=torch.float32))


def chamfer_distance(cloud_a: Any, cloud_b: Any) -> torch.Tensor:
    """Symmetric Chamfer distance between point clouds, one value per pair.

    For each point of ``a`` the squared distance to its nearest point of
    ``b`` is averaged, and the same from ``b`` to ``a``; the two means are
    added. It ignores the order of points, is 0 for identical sets (up to rounding), and is
    differentiable (use it as a training loss).

    Args:
        cloud_a: (batch, N, D) or (N, D) points.
        cloud_b: (batch, M, D) or (M, D) points, same batch size and D.

    Returns:
        (batch,) tensor of distances (a 0-d tensor for unbatched input).

    Raises:
        TypeError / ValueError: not float tensors/arrays, or mismatched shapes.
    """
    a = _validate.tensor("cloud_a", cloud_a, ndim=(2, 3))
    b = _validate.tensor("cloud_b", cloud_b, ndim=(2, 3))
    _validate.floating("cloud_a", a)
    _validate.floating("cloud_b", b)
    if a.ndim != b.ndim:
        raise ValueError(f"cloud_a and cloud_b must both be batched or both not, got {tuple(a.shape)} and {tuple(b.shape)}")
    unbatched = a.ndim == 2
    if unbatched:
        a, b = a[None], b[None]
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[2]:
        raise ValueError(f"cloud_a and cloud_b must have the same batch size and point size, got {tuple(a.shape)} and {tuple(b.shape)}")
    if a.shape[1] == 0 or b.shape[1] == 0:
        raise ValueError("point clouds must hold at least one point")
    squared = torch.cdist(a, b).pow(2)
    distance = squared.min(dim=2).values.mean(dim=1) + squared.min(dim=1).values.mean(dim=1)
    return distance[0] if unbatched else distance
