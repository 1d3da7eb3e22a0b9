"""Tests of aigc_utils.data.scenes: captioned shape scenes, bouncing and direction clips, agent paths."""

import pytest
import torch

from aigc_utils.data.scenes import (
    ANSWERS, BOS, COLOURS, DIRECTIONS, EOS, PAD, RELATIONS, SHAPES, caption_combinations, caption_of, decode_tokens,
    encode_texts, make_agent_trajectories, make_bouncing_clips, make_direction_clips, make_shape_scenes,
    scene_questions, scene_vocabulary, split_combinations,
)


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_captions_and_combinations():
    assert caption_of([0, 0, 0, 2, 1]) == "a small red circle left of a big blue square"
    combos = caption_combinations()
    assert combos.shape == (576, 5)
    assert len({caption_of(r) for r in combos}) == 576
    train, held = split_combinations(0.2, gen())
    assert len(train) + len(held) == 576 and len(held) == 115
    assert not {tuple(r) for r in train.tolist()} & {tuple(r) for r in held.tolist()}


def test_scenes_are_seeded_and_match_their_captions():
    scenes = make_shape_scenes(40, gen(1), image_size=24)
    again = make_shape_scenes(40, gen(1), image_size=24)
    assert torch.equal(scenes.images, again.images) and scenes.captions == again.captions
    assert scenes.images.shape == (40, 3, 24, 24) and len(scenes) == 40
    assert 0 <= scenes.images.min() and scenes.images.max() <= 1
    for row, centres, caption in zip(scenes.attributes.tolist(), scenes.centres, scenes.captions):
        assert caption == caption_of(row)
        (sx, sy), (bx, by) = centres.tolist()
        relation = RELATIONS[row[2]]
        assert {"left of": sx < bx, "right of": sx > bx, "above": sy < by, "below": sy > by}[relation]


def test_scenes_from_held_out_combinations_and_cycle_order():
    _, held = split_combinations(0.2, gen())
    scenes = make_shape_scenes(len(held), gen(), combinations=held, order="cycle")
    assert torch.equal(scenes.attributes, held)
    assert len(set(scenes.captions)) == len(held)


def test_vocabulary_encode_decode_round_trip():
    vocabulary = scene_vocabulary()
    assert vocabulary[PAD] == "<pad>" and vocabulary[BOS] == "<bos>" and vocabulary[EOS] == "<eos>"
    assert all(w in vocabulary for w in COLOURS + SHAPES)
    captions = [caption_of([1, 2, 3, 0, 0]), caption_of([0, 0, 0, 1, 1])]
    ids = encode_texts(captions, length=12)
    assert ids.shape == (2, 12) and ids[0, 0] == BOS
    assert [decode_tokens(row) for row in ids] == captions


def test_questions_answer_from_attributes():
    scenes = make_shape_scenes(30, gen(2))
    asked = scene_questions(scenes.attributes, gen(3))
    for question, answer, caption in zip(asked.questions, asked.answers.tolist(), scenes.captions):
        word = ANSWERS[answer]
        if "where" in question:
            assert word in caption
        else:
            role = "small" if "small" in question else "big"
            assert f"{role} " in caption and word in caption.split(f"{role} ")[1].split(" ")[:2]


def test_bouncing_clips_stay_inside():
    clips = make_bouncing_clips(8, 30, gen(), image_size=16, n_objects=2)
    assert clips.frames.shape == (8, 30, 1, 16, 16)
    r = clips.radii[:, None, :, None]
    assert (clips.positions >= r - 1e-4).all() and (clips.positions <= 16 - r + 1e-4).all()
    assert torch.equal(clips.frames, make_bouncing_clips(8, 30, gen(), image_size=16, n_objects=2).frames)


def test_direction_clips_move_in_their_direction():
    clips = make_direction_clips(64, 6, gen(), image_size=16)
    assert clips.frames.shape == (64, 6, 1, 16, 16) and clips.labels.max() < len(DIRECTIONS)
    step = clips.positions[:, 1] - clips.positions[:, 0]
    angle = torch.atan2(step[:, 1], step[:, 0]) % (2 * torch.pi)
    expected = clips.labels.float() * torch.pi / 4
    assert torch.allclose(torch.cos(angle - expected), torch.ones(64), atol=1e-4)


def test_agent_trajectories_in_unit_square():
    paths = make_agent_trajectories(20, 50, gen())
    assert paths.shape == (20, 50, 2)
    assert (paths >= 0).all() and (paths <= 1).all()
    steps = (paths[:, 1:] - paths[:, :-1]).norm(dim=-1)
    assert steps.max() < 0.1


def test_bad_inputs_raise():
    with pytest.raises(TypeError, match="generator"):
        make_shape_scenes(4, 0)
    with pytest.raises(ValueError, match="n_scenes"):
        make_shape_scenes(0, gen())
    with pytest.raises(ValueError, match="image_size"):
        make_shape_scenes(4, gen(), image_size=8)
    with pytest.raises(ValueError, match="order"):
        make_shape_scenes(4, gen(), order="sorted")
    with pytest.raises(ValueError, match="combinations"):
        make_shape_scenes(4, gen(), combinations=torch.tensor([[9, 0, 0, 0, 0]]))
    with pytest.raises(TypeError, match="attributes"):
        caption_of("red")
    with pytest.raises(ValueError, match="held_out_fraction"):
        split_combinations(1.5, gen())
    with pytest.raises(ValueError, match="vocabulary"):
        encode_texts(["a purple circle"])
    with pytest.raises(TypeError, match="texts"):
        encode_texts("a red circle")
    with pytest.raises(ValueError, match="length"):
        encode_texts([caption_of([0, 0, 0, 0, 0])], length=3)
    with pytest.raises(ValueError, match="ids"):
        decode_tokens([1, 999])
    with pytest.raises(ValueError, match="radius"):
        make_bouncing_clips(2, 5, gen(), image_size=8, radius=(3.0, 4.0))
    with pytest.raises(ValueError, match="n_frames"):
        make_direction_clips(2, 1, gen())
    with pytest.raises(TypeError, match="speed"):
        make_agent_trajectories(2, 5, gen(), speed=0.1)
