"""Reinforcement-learning helpers: evaluate a policy on a gymnasium environment.

The learning algorithms (PPO, DQN, REINFORCE) stay written out in the
notebooks; what is shared is the part that is the same every time, running a
fixed policy for a number of episodes and reporting their returns::

    returns = evaluate_policy("CartPole-v1", greedy_policy, episodes=20, seed=0)
    returns.mean()                       # CartPole-v1 caps an episode at 500

Uses gymnasium's current API: ``reset()`` returns ``(observation, info)`` and
``step()`` returns ``(observation, reward, terminated, truncated, info)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from aigc_utils import _validate


def evaluate_policy(
    env_id: str,
    policy: Callable[[np.ndarray], Any],
    episodes: int = 20,
    seed: int = 0,
    *,
    max_steps: int = 100_000,
) -> np.ndarray:
    """Run ``policy`` for ``episodes`` episodes and return each episode's (undiscounted) return.

    The episodes run side by side in one vector environment
    (``gymnasium.make_vec(env_id, num_envs=episodes)``, reset with ``seed``), so
    the policy is called on a batch: it receives the observations of all
    episodes, shape ``(episodes, *observation_shape)``, and must return one action
    per episode (a NumPy array, a list or a CPU tensor). Each sub-environment's
    first episode is scored; what happens after it ends is ignored.

    Args:
        env_id: a registered gymnasium id, e.g. ``"CartPole-v1"``.
        policy: maps a batch of observations to a batch of actions.
        episodes: number of episodes (>= 1).
        seed: seed of the environments' reset (the same seed gives the same
            start states).
        max_steps: safety cap on steps per episode for environments without a
            time limit; episodes still running then are scored as they stand.

    Returns:
        A float array of shape ``(episodes,)``.

    Raises:
        TypeError / ValueError: bad ``env_id``, ``policy``, ``episodes``,
            ``seed`` or ``max_steps``, or a policy that returns the wrong number
            of actions. Gymnasium's own error is raised for an unknown ``env_id``.
    """
    import gymnasium as gym

    if not isinstance(env_id, str) or not env_id.strip():
        raise TypeError(f"env_id must be a non-empty string such as 'CartPole-v1', got {env_id!r}")
    if not callable(policy):
        raise TypeError(f"policy must be callable (observations -> actions), got {type(policy).__name__}")
    episodes = _validate.positive_int("episodes", episodes)
    seed = _validate.non_negative_int("seed", seed)
    max_steps = _validate.positive_int("max_steps", max_steps)

    env = gym.make_vec(env_id, num_envs=episodes)
    try:
        observations, _ = env.reset(seed=seed)
        returns = np.zeros(episodes)
        finished = np.zeros(episodes, dtype=bool)
        for _ in range(max_steps):
            actions = policy(observations)
            if hasattr(actions, "detach"):
                actions = actions.detach().cpu().numpy()
            actions = np.asarray(actions)
            if actions.shape[:1] != (episodes,):
                raise ValueError(
                    f"policy must return one action per episode ({episodes}), got shape {actions.shape}"
                )
            observations, rewards, terminated, truncated, _ = env.step(actions)
            returns += np.where(finished, 0.0, rewards)
            finished |= np.asarray(terminated) | np.asarray(truncated)
            if finished.all():
                break
    finally:
        env.close()
    return returns
