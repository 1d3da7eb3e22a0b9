"""Scenes and videos made by code: coloured shapes with captions, bouncing-shape clips, moving agents.

Notebook 19 (captioning and multimodal fusion) and notebook 20 (video prediction
and recognition) need image-text pairs and videos whose ground truth is known
exactly. Everything here is drawn from a seeded ``torch.Generator``, small
(16-32 pixels) and fast to make on a CPU:

- :func:`make_shape_scenes`: RGB images of a small and a big coloured shape with
  a caption generated from the scene, e.g. ``"a small red circle left of a big
  blue square"``. The caption is unique: the small shape is always described
  relative to the big one. :func:`caption_combinations` lists all 576 captions
  (4 colours x 3 shapes x 4 relations x 4 colours x 3 shapes) and
  :func:`split_combinations` holds some out, so that test scenes can carry
  captions no training scene had.
- :func:`scene_vocabulary`, :func:`encode_texts`, :func:`decode_tokens`: the
  word-level vocabulary of captions and questions (about 25 words) and the
  conversion to padded token ids with ``<bos>``/``<eos>``.
- :func:`scene_questions`: one visual question per scene ("what colour is the
  small one"), with its answer among :data:`ANSWERS`.
- :func:`make_bouncing_clips`: grey clips of discs bouncing off the walls, with
  their true positions and velocities.
- :func:`make_direction_clips`: clips of one disc moving in one of eight
  compass directions (no bounce), for motion recognition.
- :func:`make_agent_trajectories`: 2-D paths of agents that drive straight,
  turn with a constant yaw rate for a while, and bounce off the walls of an
  arena: a toy version of the trajectories a self-driving car must forecast.

Image coordinates: ``x`` grows to the right, ``y`` grows *downwards* (row
index), so "above" means a smaller ``y``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from aigc_utils import _validate

COLOURS = ("red", "green", "blue", "yellow")
COLOUR_RGB = {
    "red": (0.95, 0.15, 0.10),
    "green": (0.10, 0.80, 0.20),
    "blue": (0.20, 0.40, 1.00),
    "yellow": (0.95, 0.85, 0.10),
}
SHAPES = ("circle", "square", "triangle")
RELATIONS = ("left of", "right of", "above", "below")
ATTRIBUTES = ("small colour", "small shape", "relation", "big colour", "big shape")
QUESTION_TEMPLATES = (
    "what colour is the small one",
    "what shape is the small one",
    "where is the small one",
    "what colour is the big one",
    "what shape is the big one",
)
ANSWERS = COLOURS + SHAPES + RELATIONS
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>")
PAD, BOS, EOS = 0, 1, 2
DIRECTIONS = ("right", "down-right", "down", "down-left", "left", "up-left", "up", "up-right")

_RELATION_STEP = {  # unit step from the big shape's centre towards the small one (y grows downwards)
    "left of": (-1.0, 0.0),
    "right of": (1.0, 0.0),
    "above": (0.0, -1.0),
    "below": (0.0, 1.0),
}


def _generator(generator: Any) -> torch.Generator:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    return generator


def _uniform(generator: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=generator))


def _range(name: str, value: Any) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair of numbers, got {value!r}")
    low = _validate.real_number(f"{name}[0]", value[0], positive=True)
    high = _validate.real_number(f"{name}[1]", value[1], positive=True)
    if low > high:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}")
    return low, high


# --------------------------------------------------------------------------- scenes and captions


@dataclass(frozen=True)
class ShapeScenes:
    """Scenes of a small and a big coloured shape, with their captions.

    Attributes:
        images: (N, 3, S, S) float32 RGB images in [0, 1], black background.
        attributes: (N, 5) int64, columns as in :data:`ATTRIBUTES`: small
            colour, small shape, relation, big colour, big shape (indices into
            :data:`COLOURS`, :data:`SHAPES`, :data:`RELATIONS`).
        centres: (N, 2, 2) float32 centres (x, y) in pixels, small shape first.
        captions: the N captions, one per scene.
    """

    images: torch.Tensor
    attributes: torch.Tensor
    centres: torch.Tensor
    captions: list[str]

    def __len__(self) -> int:
        """Number of scenes."""
        return int(self.images.shape[0])


def _attributes(name: str, value: Any) -> torch.Tensor:
    rows = _validate.tensor(name, value, ndim=2)
    if rows.is_floating_point() or rows.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer indices, got dtype {rows.dtype}")
    if rows.shape[1] != 5 or rows.shape[0] == 0:
        raise ValueError(f"{name} must have shape (N, 5) with N >= 1, got {tuple(rows.shape)}")
    limits = torch.tensor([len(COLOURS), len(SHAPES), len(RELATIONS), len(COLOURS), len(SHAPES)])
    rows = rows.long().cpu()
    if (rows < 0).any() or (rows >= limits).any():
        raise ValueError(f"{name} holds an index outside its attribute's range ({ATTRIBUTES})")
    return rows


def caption_of(attributes: Sequence[int] | torch.Tensor) -> str:
    """The caption of one scene from its five attribute indices.

    ``caption_of([0, 0, 0, 2, 1])`` is ``"a small red circle left of a big blue square"``.

    Raises:
        TypeError / ValueError: not five integer indices in range.
    """
    if isinstance(attributes, str):
        raise TypeError("attributes must be five integer indices, got a string")
    row = _attributes("attributes", torch.as_tensor(attributes).reshape(1, -1))[0]
    small_colour, small_shape, relation, big_colour, big_shape = row.tolist()
    return (
        f"a small {COLOURS[small_colour]} {SHAPES[small_shape]} {RELATIONS[relation]} "
        f"a big {COLOURS[big_colour]} {SHAPES[big_shape]}"
    )


def caption_combinations() -> torch.Tensor:
    """All (small colour, small shape, relation, big colour, big shape) combinations.

    Returns:
        (576, 5) int64 tensor in a fixed (lexicographic) order; each row is one
        distinct caption.
    """
    ranges = [range(len(COLOURS)), range(len(SHAPES)), range(len(RELATIONS)), range(len(COLOURS)), range(len(SHAPES))]
    return torch.tensor(list(itertools.product(*ranges)), dtype=torch.int64)


def split_combinations(held_out_fraction: float, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Split :func:`caption_combinations` at random into training and held-out combinations.

    Scenes drawn from the held-out combinations carry captions that no training
    scene has (every colour, shape and relation still occurs in training).

    Args:
        held_out_fraction: share of the 576 combinations to hold out, in (0, 1).
        generator: a seeded ``torch.Generator``.

    Returns:
        ``(train, held_out)``: two (K, 5) int64 tensors that together hold every combination once.

    Raises:
        TypeError / ValueError: bad fraction or generator.
    """
    held_out_fraction = _validate.fraction("held_out_fraction", held_out_fraction)
    generator = _generator(generator)
    combinations = caption_combinations()
    order = torch.randperm(len(combinations), generator=generator)
    n_held_out = max(1, round(held_out_fraction * len(combinations)))
    return combinations[order[n_held_out:]], combinations[order[:n_held_out]]


def _pixel_grid(image_size: int, supersample: int) -> tuple[torch.Tensor, torch.Tensor]:
    coords = (torch.arange(image_size * supersample, dtype=torch.float32) + 0.5) / supersample
    y, x = torch.meshgrid(coords, coords, indexing="ij")
    return x, y


def _shape_coverage(shape: str, cx: float, cy: float, half: float, grid: tuple[torch.Tensor, torch.Tensor], supersample: int) -> torch.Tensor:
    # Share of each pixel covered by the shape, from a supersampled inside test (anti-aliased edges).
    x, y = grid
    if shape == "circle":
        inside = (x - cx) ** 2 + (y - cy) ** 2 <= half**2
    elif shape == "square":
        side = 0.85 * half  # about the circle's area
        inside = ((x - cx).abs() <= side) & ((y - cy).abs() <= side)
    else:  # an upward-pointing triangle, apex at the top
        h = 1.15 * half
        inside = (y >= cy - h) & (y <= cy + h) & ((x - cx).abs() <= (y - (cy - h)) / 2)
    size = x.shape[0] // supersample
    return inside.float().reshape(size, supersample, size, supersample).mean(dim=(1, 3))


def make_shape_scenes(
    n_scenes: int,
    generator: torch.Generator,
    *,
    combinations: Any = None,
    image_size: int = 24,
    noise: float = 0.0,
    order: str = "random",
) -> ShapeScenes:
    """Draw scenes of a small shape placed left of, right of, above or below a big shape.

    Each scene picks one row of ``combinations`` uniformly at random, a big
    shape (half-size 19-25% of the image) at a random place, and the small shape
    (half-size 9-12.5%) on the side the relation names: at least one pixel of
    gap, its offset across the relation's axis at most 0.6 of the big shape's
    half-size, so the relation is never ambiguous. Edges are anti-aliased.

    Args:
        n_scenes: number of scenes.
        generator: a seeded ``torch.Generator``.
        combinations: (K, 5) attribute rows to draw from (default: all 576, see
            :func:`caption_combinations`; pass one side of :func:`split_combinations`).
        image_size: side of the square images in pixels, 16 to 64.
        noise: standard deviation of Gaussian pixel noise added (then clipped to [0, 1]).
        order: ``"random"`` draws rows of ``combinations`` with replacement;
            ``"cycle"`` takes them in order (row ``i % K`` for scene ``i``), so
            ``n_scenes=K`` gives one scene per combination (a retrieval gallery
            with distinct captions).

    Returns:
        A :class:`ShapeScenes`.

    Raises:
        TypeError / ValueError: bad counts, sizes, generator or combinations.
    """
    n_scenes = _validate.positive_int("n_scenes", n_scenes)
    generator = _generator(generator)
    image_size = _validate.positive_int("image_size", image_size)
    if not 16 <= image_size <= 64:
        raise ValueError(f"image_size must lie between 16 and 64 pixels, got {image_size}")
    noise = _validate.real_number("noise", noise)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    order = _validate.one_of("order", order, ("random", "cycle"))
    rows = caption_combinations() if combinations is None else _attributes("combinations", combinations)
    if order == "random":
        chosen = rows[torch.randint(len(rows), (n_scenes,), generator=generator)]
    else:
        chosen = rows[torch.arange(n_scenes) % len(rows)]
    supersample = 4
    grid = _pixel_grid(image_size, supersample)
    size = float(image_size)
    images = torch.zeros(n_scenes, 3, image_size, image_size)
    centres = torch.zeros(n_scenes, 2, 2)
    for i, (small_colour, small_shape, relation, big_colour, big_shape) in enumerate(chosen.tolist()):
        big_half = _uniform(generator, 0.19, 0.25) * size
        small_half = _uniform(generator, 0.09, 0.125) * size
        step_x, step_y = _RELATION_STEP[RELATIONS[relation]]
        while True:  # rejection sampling: both shapes must fit inside the image
            bx = _uniform(generator, big_half + 0.5, size - big_half - 0.5)
            by = _uniform(generator, big_half + 0.5, size - big_half - 0.5)
            distance = big_half + small_half + _uniform(generator, 1.0, 1.0 + 0.3 * size)
            offset = _uniform(generator, -0.6, 0.6) * big_half
            sx = bx + distance * step_x + offset * step_y
            sy = by + distance * step_y + offset * step_x
            if small_half + 0.5 <= sx <= size - small_half - 0.5 and small_half + 0.5 <= sy <= size - small_half - 0.5:
                break
        for shape, colour, cx, cy, half in (
            (SHAPES[small_shape], COLOURS[small_colour], sx, sy, small_half),
            (SHAPES[big_shape], COLOURS[big_colour], bx, by, big_half),
        ):
            coverage = _shape_coverage(shape, cx, cy, half, grid, supersample)
            images[i] += coverage[None] * torch.tensor(COLOUR_RGB[colour])[:, None, None]
        centres[i] = torch.tensor([[sx, sy], [bx, by]])
    if noise > 0:
        images += noise * torch.randn(images.shape, generator=generator)
    return ShapeScenes(
        images=images.clamp(0, 1),
        attributes=chosen,
        centres=centres,
        captions=[caption_of(row) for row in chosen],
    )


# --------------------------------------------------------------------------- words and questions


def scene_vocabulary() -> list[str]:
    """The word vocabulary of captions, questions and answers: ``<pad>``, ``<bos>``, ``<eos>``, then words.

    Index 0 is ``<pad>``, 1 ``<bos>``, 2 ``<eos>`` (also :data:`PAD`, :data:`BOS`,
    :data:`EOS`); the words follow in first-seen order, so the list is fixed.
    """
    words: list[str] = []
    texts = [caption_of([0, 0, r, 0, 0]) for r in range(len(RELATIONS))]
    texts += list(QUESTION_TEMPLATES) + list(ANSWERS)
    for text in texts:
        for word in text.split():
            if word not in words:
                words.append(word)
    for word in COLOURS + SHAPES:
        if word not in words:
            words.append(word)
    return list(SPECIAL_TOKENS) + words


def encode_texts(texts: Sequence[str], *, length: int | None = None) -> torch.Tensor:
    """Token ids of texts: ``<bos>`` word ids ``<eos>``, padded with ``<pad>`` (0) to one length.

    Args:
        texts: captions or questions made of :func:`scene_vocabulary` words.
        length: pad to this many ids (default: the longest text + 2).

    Returns:
        (N, length) int64 tensor.

    Raises:
        TypeError: ``texts`` is not a list of strings.
        ValueError: an unknown word, an empty list, or ``length`` too short.
    """
    if isinstance(texts, str) or not isinstance(texts, Sequence) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings")
    if not texts:
        raise ValueError("texts must not be empty")
    index = {word: i for i, word in enumerate(scene_vocabulary())}
    encoded = []
    for text in texts:
        unknown = [w for w in text.split() if w not in index or w in SPECIAL_TOKENS]
        if unknown:
            raise ValueError(f"texts holds words outside the scene vocabulary: {unknown[:3]}")
        encoded.append([BOS] + [index[w] for w in text.split()] + [EOS])
    longest = max(len(ids) for ids in encoded)
    if length is None:
        length = longest
    length = _validate.positive_int("length", length)
    if length < longest:
        raise ValueError(f"length must be at least {longest} (the longest text with <bos> and <eos>), got {length}")
    return torch.tensor([ids + [PAD] * (length - len(ids)) for ids in encoded], dtype=torch.int64)


def decode_tokens(ids: Any) -> str:
    """The text of one sequence of token ids: words up to the first ``<eos>``, special tokens dropped.

    Raises:
        TypeError / ValueError: not a 1-D sequence of integer ids within the vocabulary.
    """
    ids = _validate.tensor("ids", torch.as_tensor(ids) if isinstance(ids, (list, tuple)) else ids, ndim=1)
    if ids.is_floating_point():
        raise TypeError(f"ids must hold integer token ids, got dtype {ids.dtype}")
    vocabulary = scene_vocabulary()
    words = []
    for i in ids.tolist():
        if not 0 <= i < len(vocabulary):
            raise ValueError(f"ids holds {i}, outside the vocabulary of {len(vocabulary)} tokens")
        if i == EOS:
            break
        if i not in (PAD, BOS):
            words.append(vocabulary[i])
    return " ".join(words)


@dataclass(frozen=True)
class SceneQuestions:
    """One question per scene with its answer.

    Attributes:
        questions: the N question texts (from :data:`QUESTION_TEMPLATES`).
        kinds: (N,) int64 index of each question's template.
        answers: (N,) int64 index of each answer in :data:`ANSWERS`.
    """

    questions: list[str]
    kinds: torch.Tensor
    answers: torch.Tensor


def scene_questions(attributes: Any, generator: torch.Generator) -> SceneQuestions:
    """Ask one random question of each scene: a colour, a shape, or where the small shape is.

    Args:
        attributes: (N, 5) attribute rows, e.g. ``ShapeScenes.attributes``.
        generator: a seeded ``torch.Generator``.

    Returns:
        A :class:`SceneQuestions`; a question's answer needs the image *and* the question.

    Raises:
        TypeError / ValueError: bad attributes or generator.
    """
    rows = _attributes("attributes", attributes)
    generator = _generator(generator)
    kinds = torch.randint(len(QUESTION_TEMPLATES), (len(rows),), generator=generator)
    # template -> (attribute column, offset of that attribute's values in ANSWERS)
    source = {0: (0, 0), 1: (1, len(COLOURS)), 2: (2, len(COLOURS) + len(SHAPES)), 3: (3, 0), 4: (4, len(COLOURS))}
    column = torch.tensor([source[k][0] for k in kinds.tolist()])
    offset = torch.tensor([source[k][1] for k in kinds.tolist()])
    answers = rows[torch.arange(len(rows)), column] + offset
    return SceneQuestions(questions=[QUESTION_TEMPLATES[k] for k in kinds.tolist()], kinds=kinds, answers=answers)


# --------------------------------------------------------------------------- videos


@dataclass(frozen=True)
class BouncingClips:
    """Grey clips of discs bouncing off the image borders.

    Attributes:
        frames: (N, T, 1, S, S) float32 in [0, 1] (discs are 1, background 0).
        positions: (N, T, K, 2) float32 disc centres (x, y) in pixels.
        velocities: (N, T, K, 2) float32 velocity in pixels per frame at each frame.
        radii: (N, K) float32 disc radii in pixels.
    """

    frames: torch.Tensor
    positions: torch.Tensor
    velocities: torch.Tensor
    radii: torch.Tensor


def _render_discs(positions: torch.Tensor, radii: torch.Tensor, image_size: int) -> torch.Tensor:
    # positions (N, T, K, 2), radii (N, K) -> (N, T, 1, S, S); coverage ramps over one pixel at the edge.
    coords = torch.arange(image_size, dtype=torch.float32) + 0.5
    dx = coords[None, None, None, None, :] - positions[..., 0, None, None]
    dy = coords[None, None, None, :, None] - positions[..., 1, None, None]
    distance = (dx**2 + dy**2).sqrt()
    coverage = (radii[:, None, :, None, None] + 0.5 - distance).clamp(0, 1)
    return coverage.amax(dim=2, keepdim=False)[:, :, None]


def make_bouncing_clips(
    n_clips: int,
    n_frames: int,
    generator: torch.Generator,
    *,
    image_size: int = 16,
    n_objects: int = 1,
    radius: tuple[float, float] = (1.5, 2.5),
    speed: tuple[float, float] = (0.7, 1.5),
) -> BouncingClips:
    """Clips of discs that move at constant speed and bounce elastically off the borders.

    Each disc starts at a random place with a random direction and a speed
    drawn from ``speed`` (pixels per frame); when it would cross a border it is
    reflected (position mirrored, velocity component negated). Discs pass
    through each other.

    Args:
        n_clips: number of clips.
        n_frames: frames per clip.
        generator: a seeded ``torch.Generator``.
        image_size: side of the square frames, 8 to 64 pixels.
        n_objects: discs per clip.
        radius: (low, high) disc radius in pixels.
        speed: (low, high) speed in pixels per frame.

    Returns:
        A :class:`BouncingClips`.

    Raises:
        TypeError / ValueError: bad counts, sizes, ranges or generator; a disc too big for the frame.
    """
    n_clips = _validate.positive_int("n_clips", n_clips)
    n_frames = _validate.positive_int("n_frames", n_frames)
    generator = _generator(generator)
    image_size = _validate.positive_int("image_size", image_size)
    if not 8 <= image_size <= 64:
        raise ValueError(f"image_size must lie between 8 and 64 pixels, got {image_size}")
    n_objects = _validate.positive_int("n_objects", n_objects)
    r_low, r_high = _range("radius", radius)
    s_low, s_high = _range("speed", speed)
    if 2 * r_high >= image_size - 1:
        raise ValueError(f"radius must be well below half the image size, got {radius} for image_size {image_size}")
    radii = r_low + (r_high - r_low) * torch.rand(n_clips, n_objects, generator=generator)
    low, high = radii[..., None], image_size - radii[..., None]  # where a centre may be
    position = low + (high - low) * torch.rand(n_clips, n_objects, 2, generator=generator)
    angle = 2 * math.pi * torch.rand(n_clips, n_objects, generator=generator)
    speeds = s_low + (s_high - s_low) * torch.rand(n_clips, n_objects, generator=generator)
    velocity = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1) * speeds[..., None]
    positions, velocities = [], []
    for _ in range(n_frames):
        positions.append(position.clone())
        velocities.append(velocity.clone())
        position = position + velocity
        below, above = position < low, position > high
        position = torch.where(below, 2 * low - position, torch.where(above, 2 * high - position, position))
        velocity = torch.where(below | above, -velocity, velocity)
    positions_t = torch.stack(positions, dim=1)
    return BouncingClips(
        frames=_render_discs(positions_t, radii, image_size),
        positions=positions_t,
        velocities=torch.stack(velocities, dim=1),
        radii=radii,
    )


@dataclass(frozen=True)
class DirectionClips:
    """Clips of one disc moving in a straight line, labelled with its direction.

    Attributes:
        frames: (N, T, 1, S, S) float32 in [0, 1].
        labels: (N,) int64 index into :data:`DIRECTIONS`.
        positions: (N, T, 2) float32 disc centres (x, y) in pixels.
    """

    frames: torch.Tensor
    labels: torch.Tensor
    positions: torch.Tensor


def make_direction_clips(
    n_clips: int,
    n_frames: int,
    generator: torch.Generator,
    *,
    image_size: int = 16,
    radius: tuple[float, float] = (1.5, 2.5),
    speed: tuple[float, float] = (0.8, 1.4),
    distractor: bool = True,
) -> DirectionClips:
    """Clips for motion recognition: a disc moves in one of 8 directions and stays inside the frame.

    Direction ``k`` of :data:`DIRECTIONS` points at ``k * 45`` degrees clockwise
    from "right" on the screen (y grows downwards). The start is drawn so that
    the whole path fits, so no clip bounces. With ``distractor`` a second,
    static disc of half brightness sits somewhere in every frame: a model has
    to find what *moves*.

    Args:
        n_clips: number of clips.
        n_frames: frames per clip (at least 2: one frame has no motion).
        generator: a seeded ``torch.Generator``.
        image_size: side of the square frames, 8 to 64 pixels.
        radius: (low, high) disc radius in pixels.
        speed: (low, high) speed in pixels per frame.
        distractor: add a static half-bright disc.

    Returns:
        A :class:`DirectionClips`.

    Raises:
        TypeError / ValueError: bad counts, sizes, ranges or generator; a path too long for the frame.
    """
    n_clips = _validate.positive_int("n_clips", n_clips)
    n_frames = _validate.positive_int("n_frames", n_frames)
    if n_frames < 2:
        raise ValueError(f"n_frames must be at least 2 (motion needs two frames), got {n_frames}")
    generator = _generator(generator)
    image_size = _validate.positive_int("image_size", image_size)
    if not 8 <= image_size <= 64:
        raise ValueError(f"image_size must lie between 8 and 64 pixels, got {image_size}")
    r_low, r_high = _range("radius", radius)
    s_low, s_high = _range("speed", speed)
    if not isinstance(distractor, bool):
        raise TypeError(f"distractor must be a bool, got {type(distractor).__name__}")
    if 2 * r_high + s_high * (n_frames - 1) >= image_size - 1:
        raise ValueError("speed * (n_frames - 1) plus the disc's diameter must fit inside image_size")
    labels = torch.randint(len(DIRECTIONS), (n_clips,), generator=generator)
    angle = labels.float() * (math.pi / 4)
    unit = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
    radii = r_low + (r_high - r_low) * torch.rand(n_clips, generator=generator)
    speeds = s_low + (s_high - s_low) * torch.rand(n_clips, generator=generator)
    path = unit * (speeds * (n_frames - 1))[:, None]  # displacement from first to last frame
    low = radii[:, None] + torch.clamp(-path, min=0)
    high = image_size - radii[:, None] - torch.clamp(path, min=0)
    start = low + (high - low) * torch.rand(n_clips, 2, generator=generator)
    steps = torch.arange(n_frames, dtype=torch.float32)[None, :, None]
    positions = start[:, None] + steps * (unit * speeds[:, None])[:, None]
    frames = _render_discs(positions[:, :, None], radii[:, None], image_size)
    if distractor:
        still_radius = r_low + (r_high - r_low) * torch.rand(n_clips, 1, generator=generator)
        still = still_radius[..., None] + (image_size - 2 * still_radius[..., None]) * torch.rand(n_clips, 1, 2, generator=generator)
        still_frames = _render_discs(still[:, None].expand(-1, n_frames, -1, -1), still_radius, image_size)
        frames = torch.maximum(frames, 0.5 * still_frames)
    return DirectionClips(frames=frames, labels=labels, positions=positions)


def make_agent_trajectories(
    n_agents: int,
    n_steps: int,
    generator: torch.Generator,
    *,
    speed: tuple[float, float] = (0.015, 0.03),
    turn_rate: tuple[float, float] = (0.08, 0.2),
    switch_probability: float = 0.05,
    straight_share: float = 0.4,
) -> torch.Tensor:
    """Paths of agents in the unit square that go straight, turn, and bounce off the walls.

    Each agent keeps its speed. Its yaw rate (radians per step) is piecewise
    constant: at every step, with ``switch_probability``, it is drawn anew:
    0 (straight) with probability ``straight_share``, else a turn left or right
    at a rate drawn from ``turn_rate``. At a wall the path is reflected. A
    constant-velocity forecast fails on turns and bounces; both are partly
    predictable from the past path and the position (the walls are fixed).

    Args:
        n_agents: number of paths.
        n_steps: positions per path.
        generator: a seeded ``torch.Generator``.
        speed: (low, high) distance per step (the arena is 1 x 1).
        turn_rate: (low, high) absolute yaw rate of a turn, radians per step.
        switch_probability: chance per step that the yaw rate changes, in (0, 1).
        straight_share: chance that a new yaw rate is 0, in (0, 1).

    Returns:
        (n_agents, n_steps, 2) float32 positions (x, y) in [0, 1].

    Raises:
        TypeError / ValueError: bad counts, ranges, probabilities or generator.
    """
    n_agents = _validate.positive_int("n_agents", n_agents)
    n_steps = _validate.positive_int("n_steps", n_steps)
    generator = _generator(generator)
    s_low, s_high = _range("speed", speed)
    t_low, t_high = _range("turn_rate", turn_rate)
    switch_probability = _validate.fraction("switch_probability", switch_probability)
    straight_share = _validate.fraction("straight_share", straight_share)
    if s_high >= 0.25:
        raise ValueError(f"speed must stay well below the arena's size (< 0.25 per step), got {speed}")

    def new_rates(n: int) -> torch.Tensor:
        magnitude = t_low + (t_high - t_low) * torch.rand(n, generator=generator)
        sign = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0)
        straight = torch.rand(n, generator=generator) < straight_share
        return torch.where(straight, torch.zeros(n), sign * magnitude)

    position = 0.1 + 0.8 * torch.rand(n_agents, 2, generator=generator)
    heading = 2 * math.pi * torch.rand(n_agents, generator=generator)
    speeds = s_low + (s_high - s_low) * torch.rand(n_agents, generator=generator)
    rate = new_rates(n_agents)
    path = [position]
    for _ in range(n_steps - 1):
        switch = torch.rand(n_agents, generator=generator) < switch_probability
        rate = torch.where(switch, new_rates(n_agents), rate)
        heading = heading + rate
        velocity = torch.stack([torch.cos(heading), torch.sin(heading)], dim=-1) * speeds[:, None]
        position = position + velocity
        below, above = position < 0, position > 1
        position = torch.where(below, -position, torch.where(above, 2 - position, position))
        # mirror the heading at a wall: x-wall flips cos, y-wall flips sin
        flip_x, flip_y = (below | above)[:, 0], (below | above)[:, 1]
        heading = torch.where(flip_x, math.pi - heading, heading)
        heading = torch.where(flip_y, -heading, heading)
        path.append(position)
    return torch.stack(path, dim=1)
