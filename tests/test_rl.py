import numpy as np
import pytest
import torch

from aigc_utils.rl import evaluate_policy


def balance(observations: np.ndarray) -> np.ndarray:
    """A hand-written CartPole controller: push towards the side the pole falls to."""
    angle, angular_velocity = observations[:, 2], observations[:, 3]
    return (angle + 0.5 * angular_velocity > 0).astype(np.int64)


def test_returns_per_episode_and_reproducible():
    rng = np.random.default_rng(0)
    returns = evaluate_policy("CartPole-v1", lambda obs: rng.integers(0, 2, len(obs)), episodes=12, seed=3)
    assert returns.shape == (12,) and returns.dtype == np.float64
    assert np.all(returns >= 8) and np.all(returns <= 500)  # the pole cannot fall in fewer than ~8 steps
    assert 10 < returns.mean() < 50  # random play keeps the pole up for about 20 steps
    always_left = evaluate_policy("CartPole-v1", lambda obs: np.zeros(len(obs), dtype=np.int64), episodes=5, seed=1)
    again = evaluate_policy("CartPole-v1", lambda obs: np.zeros(len(obs), dtype=np.int64), episodes=5, seed=1)
    assert np.array_equal(always_left, again)
    assert always_left.max() < 15


def test_a_good_controller_reaches_the_cap_and_tensors_are_accepted():
    returns = evaluate_policy("CartPole-v1", lambda obs: torch.from_numpy(balance(obs)), episodes=4, seed=0)
    assert returns.min() > 100 and returns.max() <= 500
    capped = evaluate_policy("CartPole-v1", balance, episodes=3, seed=0, max_steps=50)
    assert np.all(capped <= 50)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"env_id": ""}, TypeError, "env_id"),
        ({"env_id": 3}, TypeError, "env_id"),
        ({"policy": "greedy"}, TypeError, "policy"),
        ({"episodes": 0}, ValueError, "episodes"),
        ({"seed": -1}, ValueError, "seed"),
        ({"max_steps": 0}, ValueError, "max_steps"),
        ({"policy": lambda obs: np.zeros(1, dtype=np.int64)}, ValueError, "one action per episode"),
    ],
)
def test_rejects_bad_input(kwargs, error, match):
    arguments = {"env_id": "CartPole-v1", "policy": balance, "episodes": 3, "seed": 0}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        evaluate_policy(**arguments)
