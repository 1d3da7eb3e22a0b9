"""Synthetic images of flat shapes with per-pixel labels, drawn with ``skimage.draw``.

Segmentation, detection, captioning and video notebooks need images whose
content is known exactly, pixel by pixel. Here discs, rectangles, triangles
and pentagons are drawn by code from a seed: every image comes with a class
mask (which kind of shape covers each pixel, 0 for background), an instance
mask (which shape covers it) and the list of shapes (kind, centre, size,
angle, grey level or colour), so captions ("a red triangle left of a blue
disc") and motion (move the centre, render again) are easy to derive.

    scenes = make_shape_scenes(200, image_size=32, n_shapes=(1, 3), seed=0)
    scenes.images      # (200, 1, 32, 32) float32 in [0, 1]
    scenes.masks       # (200, 32, 32) int64: 0 background, 1 + index into scenes.kinds
    scenes.class_names # ("background", "disc", "rectangle", "triangle", "pentagon")

Sizes are circumradii (the distance from the centre to the farthest point) in
pixels, so every kind of the same ``size`` fits in the same circle.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from skimage import draw

from aigc_utils import _validate

SHAPE_KINDS = ("disc", "rectangle", "triangle", "pentagon")
"""The kinds of shape :func:`shape_pixels` can draw."""

COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (0.9, 0.15, 0.1),
    "green": (0.15, 0.8, 0.2),
    "blue": (0.2, 0.35, 0.95),
    "yellow": (0.95, 0.85, 0.1),
    "magenta": (0.85, 0.2, 0.85),
    "cyan": (0.1, 0.85, 0.9),
}
"""Named RGB colours used for colour scenes (distinct, and bright against the dark background)."""

RECTANGLE_HALF_SIDES = (0.8, 0.6)
"""Half-sides of a rectangle as fractions of its circumradius (a 4:3 rectangle)."""


@dataclass(frozen=True)
class Shape:
    """One shape of a scene.

    Attributes:
        kind: one of :data:`SHAPE_KINDS`.
        centre: (row, column) of the centre in pixels (may be fractional).
        size: circumradius in pixels.
        angle: rotation in radians (ignored for discs).
        value: the shape's pixel value: one grey level, or three RGB values, in [0, 1].
        colour: the colour's name (a key of :data:`COLOURS`) in colour scenes, else ``None``.
    """

    kind: str
    centre: tuple[float, float]
    size: float
    angle: float
    value: tuple[float, ...]
    colour: str | None = None


@dataclass(frozen=True)
class ShapeScenes:
    """A batch of rendered scenes with their labels.

    Attributes:
        images: (N, C, H, W) float32 in [0, 1], C = 1 (grey) or 3 (colour).
        masks: (N, H, W) int64 class per pixel: 0 background, ``1 + k`` for ``kinds[k]``.
        instances: (N, H, W) int64 shape per pixel: 0 background, ``i + 1`` for
            ``shapes[n][i]`` (later shapes cover earlier ones).
        shapes: per image, the tuple of its :class:`Shape` records, in drawing order.
        kinds: the kinds of shape the scenes were drawn from (defines the class ids).
    """

    images: torch.Tensor
    masks: torch.Tensor
    instances: torch.Tensor
    shapes: tuple[tuple[Shape, ...], ...]
    kinds: tuple[str, ...]

    def __len__(self) -> int:
        """Number of scenes."""
        return int(self.images.shape[0])

    @property
    def class_names(self) -> tuple[str, ...]:
        """Name of each class id of :attr:`masks`: ``("background",) + kinds``."""
        return ("background",) + self.kinds

    @property
    def n_classes(self) -> int:
        """Number of classes in :attr:`masks`, background included."""
        return len(self.kinds) + 1

    def class_shares(self) -> np.ndarray:
        """Share of all pixels that belongs to each class (sums to 1); shows the class imbalance."""
        counts = torch.bincount(self.masks.flatten(), minlength=self.n_classes).double()
        return (counts / counts.sum()).numpy()


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(_validate.non_negative_int("seed", seed))


def _image_shape(name: str, value: Any) -> tuple[int, int]:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        side = _validate.positive_int(name, value)
        return side, side
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return _validate.positive_int(name, value[0]), _validate.positive_int(name, value[1])
    raise TypeError(f"{name} must be an integer or a (height, width) pair, got {value!r}")


def _polygon_vertices(n_vertices: int, centre: tuple[float, float], radius: float, angle: float) -> np.ndarray:
    """(n_vertices, 2) rows and columns of a regular polygon (first vertex pointing up at angle 0)."""
    theta = angle - math.pi / 2 + 2 * math.pi * np.arange(n_vertices) / n_vertices
    return np.stack([centre[0] + radius * np.sin(theta), centre[1] + radius * np.cos(theta)], axis=1)


def shape_vertices(kind: str, centre: tuple[float, float], size: float, angle: float = 0.0) -> np.ndarray:
    """Corners of a polygonal shape as an (n, 2) array of (row, column), or the disc's centre.

    Args:
        kind: one of :data:`SHAPE_KINDS`.
        centre: (row, column) of the centre in pixels.
        size: circumradius in pixels (> 0).
        angle: rotation in radians, counter-clockwise on screen.

    Returns:
        (n, 2) float array: 4 corners of a 4:3 rectangle, 3 of an equilateral
        triangle, 5 of a regular pentagon, or (1, 2) holding a disc's centre.

    Raises:
        TypeError / ValueError: unknown ``kind``, bad ``centre``, ``size`` or ``angle``.
    """
    kind = _validate.one_of("kind", kind, SHAPE_KINDS)
    if not isinstance(centre, (tuple, list)) or len(centre) != 2:
        raise TypeError(f"centre must be a (row, column) pair, got {centre!r}")
    row, col = (_validate.real_number("centre", c) for c in centre)
    size = _validate.real_number("size", size, positive=True)
    angle = _validate.real_number("angle", angle)
    if kind == "disc":
        return np.array([[row, col]])
    if kind == "triangle":
        return _polygon_vertices(3, (row, col), size, angle)
    if kind == "pentagon":
        return _polygon_vertices(5, (row, col), size, angle)
    half_w, half_h = size * RECTANGLE_HALF_SIDES[0], size * RECTANGLE_HALF_SIDES[1]
    corners = np.array([[-half_h, -half_w], [-half_h, half_w], [half_h, half_w], [half_h, -half_w]])
    cos, sin = math.cos(angle), math.sin(angle)
    rotated = corners @ np.array([[cos, sin], [-sin, cos]])  # rotate (row, col) offsets on screen
    return rotated + np.array([row, col])


def shape_pixels(
    kind: str, centre: tuple[float, float], size: float, image_size: int | tuple[int, int], angle: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the pixels a shape covers, clipped to the image.

    Uses ``skimage.draw.disk`` for discs and ``skimage.draw.polygon`` for the others.

    Args:
        kind: one of :data:`SHAPE_KINDS`.
        centre: (row, column) of the centre in pixels.
        size: circumradius in pixels (> 0).
        image_size: side of a square image, or (height, width).
        angle: rotation in radians (ignored for discs).

    Returns:
        ``(rows, cols)`` integer arrays, ready for ``image[rows, cols] = value``.

    Raises:
        TypeError / ValueError: bad arguments (see :func:`shape_vertices`).
    """
    shape = _image_shape("image_size", image_size)
    vertices = shape_vertices(kind, centre, size, angle)
    if kind == "disc":
        return draw.disk((vertices[0, 0], vertices[0, 1]), size, shape=shape)
    return draw.polygon(vertices[:, 0], vertices[:, 1], shape=shape)


def render_shapes(
    shapes: Sequence[Shape],
    image_size: int | tuple[int, int],
    *,
    kinds: tuple[str, ...] = SHAPE_KINDS,
    background: float = 0.0,
    channels: int = 1,
    noise: float = 0.0,
    seed: int | np.random.Generator = 0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Draw shapes in order onto a flat background, add Gaussian noise, and label every pixel.

    Args:
        shapes: the :class:`Shape` records; later ones cover earlier ones.
        image_size: side of a square image, or (height, width).
        kinds: the kinds that define the class ids (class ``1 + kinds.index(kind)``).
        background: grey level of the background, in [0, 1].
        channels: 1 (grey) or 3 (colour); every shape's ``value`` must have this length.
        noise: standard deviation of the Gaussian noise added to every pixel (>= 0);
            the result is clipped to [0, 1].
        seed: an integer seed or a NumPy ``Generator`` for the noise.

    Returns:
        ``(image, mask, instances)``: (channels, H, W) float32, (H, W) int64
        class ids, (H, W) int64 shape numbers (0 background, i + 1 for ``shapes[i]``).

    Raises:
        TypeError / ValueError: bad sizes, a shape whose kind is not in ``kinds``
            or whose value has the wrong length, values outside [0, 1].
    """
    height, width = _image_shape("image_size", image_size)
    kinds = _kinds(kinds)
    background = _unit("background", background)
    if channels not in (1, 3) or isinstance(channels, bool):
        raise ValueError(f"channels must be 1 or 3, got {channels!r}")
    noise = _validate.real_number("noise", noise)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = _rng(seed)
    image = np.full((channels, height, width), background, dtype=np.float64)
    mask = np.zeros((height, width), dtype=np.int64)
    instances = np.zeros((height, width), dtype=np.int64)
    for number, item in enumerate(shapes, start=1):
        if not isinstance(item, Shape):
            raise TypeError(f"shapes must hold Shape records, got {type(item).__name__}")
        if item.kind not in kinds:
            raise ValueError(f"shape {number} is a {item.kind!r}, not one of kinds={kinds}")
        if len(item.value) != channels:
            raise ValueError(f"shape {number} has a value of length {len(item.value)}, expected channels={channels}")
        rows, cols = shape_pixels(item.kind, item.centre, item.size, (height, width), item.angle)
        image[:, rows, cols] = np.asarray([_unit("value", v) for v in item.value])[:, None]
        mask[rows, cols] = 1 + kinds.index(item.kind)
        instances[rows, cols] = number
    if noise > 0:
        image = np.clip(image + rng.normal(0.0, noise, size=image.shape), 0.0, 1.0)
    return torch.from_numpy(image.astype(np.float32)), torch.from_numpy(mask), torch.from_numpy(instances)


def _unit(name: str, value: Any) -> float:
    value = _validate.real_number(name, value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value


def _unit_range(name: str, value: Any) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair within [0, 1], got {value!r}")
    low, high = _unit(name, value[0]), _unit(name, value[1])
    if low > high:
        raise ValueError(f"{name} must have low <= high, got {value!r}")
    return low, high


def _kinds(kinds: Any) -> tuple[str, ...]:
    if not isinstance(kinds, (tuple, list)) or not kinds:
        raise TypeError(f"kinds must be a non-empty tuple of names from {SHAPE_KINDS}")
    names = tuple(_validate.one_of("kinds", k, SHAPE_KINDS) for k in kinds)
    if len(set(names)) != len(names):
        raise ValueError(f"kinds must not repeat a name, got {names}")
    return names


def _range(name: str, value: Any, *, integer: bool) -> tuple[float, float]:
    low: float
    high: float
    if integer and isinstance(value, numbers.Integral) and not isinstance(value, bool):
        low = high = _validate.positive_int(name, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        if integer:
            low, high = _validate.positive_int(name, value[0]), _validate.positive_int(name, value[1])
        else:
            low = _validate.real_number(name, value[0], positive=True)
            high = _validate.real_number(name, value[1], positive=True)
    else:
        kind = "an integer or a (low, high) pair" if integer else "a (low, high) pair of positive numbers"
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if low > high:
        raise ValueError(f"{name} must have low <= high, got {value!r}")
    return low, high


def sample_shapes(
    image_size: int | tuple[int, int],
    *,
    n_shapes: int | tuple[int, int] = (1, 3),
    kinds: tuple[str, ...] = SHAPE_KINDS,
    size_range: tuple[float, float] = (0.12, 0.22),
    colour: bool = False,
    value_range: tuple[float, float] = (0.5, 1.0),
    rotate: bool = True,
    allow_overlap: bool = False,
    seed: int | np.random.Generator = 0,
) -> tuple[Shape, ...]:
    """Draw the random shapes of one scene (kinds, places, sizes, angles, grey levels or colours).

    Each shape lies entirely inside the image. Without ``allow_overlap`` the
    shapes' circumcircles do not touch (at least one pixel apart), so every
    shape is seen whole.

    Args:
        image_size: side of a square image, or (height, width).
        n_shapes: number of shapes, or an inclusive (low, high) range to draw from.
        kinds: kinds to draw from, each equally likely.
        size_range: circumradius as a fraction of the shorter image side, (low, high).
        colour: pick named colours from :data:`COLOURS` (three values per shape)
            instead of one grey level.
        value_range: range of the grey level of a shape, within [0, 1] (grey only).
        rotate: rotate every shape by a random angle (else upright).
        allow_overlap: let shapes overlap (later ones cover earlier ones).
        seed: an integer seed or a NumPy ``Generator``.

    Returns:
        A tuple of :class:`Shape` records.

    Raises:
        TypeError / ValueError: bad arguments, or the shapes do not fit without
            overlap (lower ``n_shapes`` or ``size_range``, or allow overlap).
    """
    height, width = _image_shape("image_size", image_size)
    low_n, high_n = _range("n_shapes", n_shapes, integer=True)
    kinds = _kinds(kinds)
    low_size, high_size = _range("size_range", size_range, integer=False)
    low_value, high_value = _unit_range("value_range", value_range)
    side = min(height, width)
    if high_size * side * 2 > side:
        raise ValueError(f"size_range must keep shapes inside the image (high <= 0.5), got {size_range!r}")
    rng = _rng(seed)
    count = int(rng.integers(int(low_n), int(high_n) + 1))
    for _scene_attempt in range(50):  # if the shapes drawn so far leave no room, start the scene again
        shapes = _place_shapes(count, (height, width), kinds, (low_size, high_size), rotate, allow_overlap, rng)
        if shapes is not None:
            break
    else:
        raise ValueError(
            f"could not place {count} shapes without overlap in a {height}x{width} image: "
            "lower n_shapes or size_range, or pass allow_overlap=True"
        )
    values: list[tuple[tuple[float, ...], str | None]] = []
    for _ in shapes:
        if colour:
            name = list(COLOURS)[int(rng.integers(len(COLOURS)))]
            values.append((COLOURS[name], name))
        else:
            values.append(((float(rng.uniform(low_value, high_value)),), None))
    return tuple(
        Shape(kind, centre, radius, angle, value, name) for (kind, centre, radius, angle), (value, name) in zip(shapes, values)
    )


def _place_shapes(
    count: int,
    image_shape: tuple[int, int],
    kinds: tuple[str, ...],
    size_range: tuple[float, float],
    rotate: bool,
    allow_overlap: bool,
    rng: np.random.Generator,
) -> list[tuple[str, tuple[float, float], float, float]] | None:
    """Kinds, centres, radii and angles of ``count`` shapes, or None if one found no free place."""
    height, width = image_shape
    side = min(height, width)
    placed: list[tuple[str, tuple[float, float], float, float]] = []
    for _ in range(count):
        kind = kinds[int(rng.integers(len(kinds)))]
        radius = float(rng.uniform(*size_range)) * side
        angle = float(rng.uniform(0.0, 2 * math.pi)) if rotate else 0.0
        for _attempt in range(100):
            centre = (float(rng.uniform(radius, height - radius)), float(rng.uniform(radius, width - radius)))
            if allow_overlap or all(math.dist(centre, c) >= radius + r + 1.0 for _, c, r, _ in placed):
                placed.append((kind, centre, radius, angle))
                break
        else:
            return None
    return placed


def make_shape_scenes(
    n_images: int,
    *,
    image_size: int | tuple[int, int] = 32,
    n_shapes: int | tuple[int, int] = (1, 3),
    kinds: tuple[str, ...] = SHAPE_KINDS,
    size_range: tuple[float, float] = (0.12, 0.22),
    colour: bool = False,
    noise: float = 0.05,
    background_range: tuple[float, float] = (0.0, 0.25),
    value_range: tuple[float, float] = (0.5, 1.0),
    rotate: bool = True,
    allow_overlap: bool = False,
    seed: int | np.random.Generator = 0,
) -> ShapeScenes:
    """A batch of random scenes of shapes with class and instance masks, reproducible from ``seed``.

    Every scene gets its own background grey level (drawn from
    ``background_range``), its shapes (see :func:`sample_shapes`) and
    Gaussian pixel noise of standard deviation ``noise``.

    Args:
        n_images: number of scenes.
        image_size: side of a square image, or (height, width).
        n_shapes: shapes per scene, or an inclusive (low, high) range.
        kinds: kinds of shape to draw from; they define the class ids of the masks.
        size_range: circumradius as a fraction of the shorter image side.
        colour: colour scenes (3 channels, named colours) instead of grey ones.
        noise: standard deviation of the Gaussian pixel noise (>= 0).
        background_range: range of the background grey level, within [0, 1].
        value_range: range of a shape's grey level, within [0, 1] (grey scenes).
        rotate: rotate shapes by random angles.
        allow_overlap: let shapes overlap.
        seed: an integer seed or a NumPy ``Generator``.

    Returns:
        A :class:`ShapeScenes`.

    Raises:
        TypeError / ValueError: bad arguments (each names the argument).
    """
    n_images = _validate.positive_int("n_images", n_images)
    height, width = _image_shape("image_size", image_size)
    kinds = _kinds(kinds)
    low_bg, high_bg = _unit_range("background_range", background_range)
    rng = _rng(seed)
    channels = 3 if colour else 1
    images, masks, instances, all_shapes = [], [], [], []
    for _ in range(n_images):
        shapes = sample_shapes(
            (height, width),
            n_shapes=n_shapes,
            kinds=kinds,
            size_range=size_range,
            colour=colour,
            value_range=value_range,
            rotate=rotate,
            allow_overlap=allow_overlap,
            seed=rng,
        )
        background = float(rng.uniform(low_bg, high_bg))
        image, mask, instance = render_shapes(
            shapes, (height, width), kinds=kinds, background=background, channels=channels, noise=noise, seed=rng
        )
        images.append(image)
        masks.append(mask)
        instances.append(instance)
        all_shapes.append(shapes)
    return ShapeScenes(torch.stack(images), torch.stack(masks), torch.stack(instances), tuple(all_shapes), kinds)
