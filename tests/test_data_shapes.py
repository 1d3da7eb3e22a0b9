"""Synthetic shape scenes: reproducible, labelled pixel by pixel, and validated."""

import math

import numpy as np
import pytest
import torch

from aigc_utils.data.shapes import (
    COLOURS,
    SHAPE_KINDS,
    Shape,
    ShapeScenes,
    make_shape_scenes,
    render_shapes,
    sample_shapes,
    shape_pixels,
    shape_vertices,
)


def test_scenes_are_reproducible_and_well_formed():
    scenes = make_shape_scenes(40, image_size=32, seed=3)
    again = make_shape_scenes(40, image_size=32, seed=3)
    other = make_shape_scenes(40, image_size=32, seed=4)
    assert isinstance(scenes, ShapeScenes) and len(scenes) == 40
    assert scenes.images.shape == (40, 1, 32, 32) and scenes.images.dtype == torch.float32
    assert scenes.masks.shape == (40, 32, 32) and scenes.masks.dtype == torch.int64
    assert scenes.instances.shape == (40, 32, 32)
    assert torch.equal(scenes.images, again.images) and torch.equal(scenes.masks, again.masks)
    assert not torch.equal(scenes.masks, other.masks)
    assert 0.0 <= float(scenes.images.min()) and float(scenes.images.max()) <= 1.0
    assert scenes.class_names == ("background",) + SHAPE_KINDS and scenes.n_classes == 5
    assert set(scenes.masks.unique().tolist()) == set(range(5))
    assert scenes.class_shares().sum() == pytest.approx(1.0)
    assert all(1 <= len(shapes) <= 3 for shapes in scenes.shapes)


def test_masks_agree_with_the_shape_records():
    scenes = make_shape_scenes(20, image_size=(24, 40), n_shapes=(2, 4), noise=0.0, size_range=(0.1, 0.2), seed=1)
    for n in range(len(scenes)):
        for number, shape in enumerate(scenes.shapes[n], start=1):
            where = scenes.instances[n] == number
            assert where.any(), "every shape is visible (no overlap by default)"
            assert (scenes.masks[n][where] == 1 + SHAPE_KINDS.index(shape.kind)).all()
            # without noise the shape's pixels carry exactly its grey level
            assert torch.allclose(scenes.images[n, 0][where], torch.tensor(shape.value[0], dtype=torch.float32))
            row, col = shape.centre
            assert shape.size <= row <= 24 - shape.size and shape.size <= col <= 40 - shape.size
        assert torch.equal(scenes.masks[n] > 0, scenes.instances[n] > 0)


def test_shapes_do_not_overlap_unless_allowed():
    shapes = sample_shapes(32, n_shapes=3, size_range=(0.15, 0.2), seed=0)
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            assert math.dist(a.centre, b.centre) >= a.size + b.size + 1.0
    crowded = sample_shapes(16, n_shapes=6, size_range=(0.3, 0.3), allow_overlap=True, seed=0)
    assert len(crowded) == 6


def test_pixel_areas_match_the_geometry():
    image_size, radius = 101, 30.0
    areas = {kind: len(shape_pixels(kind, (50.0, 50.0), radius, image_size, angle=0.3)[0]) for kind in SHAPE_KINDS}
    expected = {
        "disc": math.pi * radius**2,
        "rectangle": 4 * 0.8 * 0.6 * radius**2,
        "triangle": 3 * math.sqrt(3) / 4 * radius**2,
        "pentagon": 2.5 * math.sin(2 * math.pi / 5) * radius**2,
    }
    for kind in SHAPE_KINDS:
        assert areas[kind] == pytest.approx(expected[kind], rel=0.05), kind


def test_vertices_of_each_kind():
    assert shape_vertices("triangle", (0.0, 0.0), 2.0).shape == (3, 2)
    assert shape_vertices("pentagon", (0.0, 0.0), 2.0).shape == (5, 2)
    corners = shape_vertices("rectangle", (5.0, 5.0), 2.0, angle=1.0)
    assert np.allclose(np.linalg.norm(corners - 5.0, axis=1), 2.0)  # all corners on the circumcircle
    assert np.allclose(shape_vertices("disc", (1.0, 2.0), 3.0), [[1.0, 2.0]])


def test_colour_scenes_use_named_colours():
    scenes = make_shape_scenes(10, colour=True, noise=0.0, seed=2)
    assert scenes.images.shape == (10, 3, 32, 32)
    for n, shapes in enumerate(scenes.shapes):
        for number, shape in enumerate(shapes, start=1):
            assert shape.colour in COLOURS and shape.value == COLOURS[shape.colour]
            pixel = scenes.images[n, :, scenes.instances[n] == number][:, 0]
            assert torch.allclose(pixel, torch.tensor(COLOURS[shape.colour], dtype=torch.float32))


def test_render_a_moving_shape_and_a_subset_of_kinds():
    kinds = ("disc", "triangle")
    frames = [
        render_shapes([Shape("triangle", (10.0, 8.0 + 2 * t), 5.0, 0.0, (0.9,))], 24, kinds=kinds, noise=0.0)
        for t in range(3)
    ]
    masks = [mask for _, mask, _ in frames]
    assert all(set(m.unique().tolist()) == {0, 2} for m in masks)
    cols = [float(torch.nonzero(m)[:, 1].float().mean()) for m in masks]
    assert cols[1] - cols[0] == pytest.approx(2.0, abs=0.5) and cols[2] - cols[1] == pytest.approx(2.0, abs=0.5)
    scenes = make_shape_scenes(30, kinds=kinds, seed=0)
    assert scenes.n_classes == 3 and int(scenes.masks.max()) <= 2


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: make_shape_scenes(0), ValueError, "n_images"),
        (lambda: make_shape_scenes(2, image_size="32"), TypeError, "image_size"),
        (lambda: make_shape_scenes(2, kinds=("disc", "hexagon")), ValueError, "kinds"),
        (lambda: make_shape_scenes(2, kinds=()), TypeError, "kinds"),
        (lambda: make_shape_scenes(2, kinds=("disc", "disc")), ValueError, "kinds"),
        (lambda: make_shape_scenes(2, n_shapes=(3, 1)), ValueError, "n_shapes"),
        (lambda: make_shape_scenes(2, size_range=(0.1, 0.6)), ValueError, "size_range"),
        (lambda: make_shape_scenes(2, noise=-0.1), ValueError, "noise"),
        (lambda: make_shape_scenes(2, background_range=(0.0, 1.5)), ValueError, "background_range"),
        (lambda: make_shape_scenes(2, value_range=0.5), TypeError, "value_range"),
        (lambda: make_shape_scenes(2, seed=-1), ValueError, "seed"),
        (lambda: make_shape_scenes(1, image_size=16, n_shapes=8, size_range=(0.3, 0.3)), ValueError, "overlap"),
        (lambda: shape_pixels("disc", (1.0,), 2.0, 8), TypeError, "centre"),
        (lambda: shape_pixels("disc", (1.0, 1.0), 0.0, 8), ValueError, "size"),
        (lambda: render_shapes([Shape("disc", (4.0, 4.0), 2.0, 0.0, (0.5,))], 8, channels=3), ValueError, "channels"),
        (lambda: render_shapes([Shape("disc", (4.0, 4.0), 2.0, 0.0, (0.5,))], 8, kinds=("triangle",)), ValueError, "kinds"),
        (lambda: render_shapes([("disc", (4.0, 4.0))], 8), TypeError, "Shape"),
        (lambda: render_shapes([], 8, channels=2), ValueError, "channels"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
