"""Differential privacy accounting for DP-SGD: an RDP accountant of the subsampled Gaussian.

DP-SGD (Abadi et al. 2016) clips each example's gradient to norm ``C``, sums
the clipped gradients of a batch drawn by **Poisson sampling** (each example
joins with probability ``q``, the *sample rate*), adds Gaussian noise of
standard deviation ``sigma * C`` (``sigma`` is the *noise multiplier*) and
takes a step. How private is the trained model? This module answers with
Rényi differential privacy (RDP, Mironov 2017):

1. One step is the *sampled Gaussian mechanism*. For an integer order
   ``alpha >= 2`` its RDP is (Mironov, Talwar and Zhang 2019, "Rényi
   Differential Privacy of the Sampled Gaussian Mechanism", Sec. 3.3)::

       eps_step(alpha) = log(A_alpha) / (alpha - 1),
       A_alpha = sum_{k=0}^{alpha} C(alpha, k) (1 - q)^(alpha - k) q^k exp((k^2 - k) / (2 sigma^2)).

   With ``q = 1`` (no subsampling) this is the Gaussian mechanism's
   ``alpha / (2 sigma^2)`` exactly.
2. RDP composes by addition: ``steps`` steps give ``steps * eps_step(alpha)``.
3. RDP converts to (epsilon, delta)-DP at every order; the best order wins:

   - ``"classic"`` (Mironov 2017, Prop. 3): ``eps = rdp + log(1/delta) / (alpha - 1)``;
   - ``"improved"`` (Balle et al. 2020, Thm. 21; used by Opacus and TF Privacy):
     ``eps = rdp + log((alpha - 1) / alpha) - (log(delta) + log(alpha)) / (alpha - 1)``.

Only integer orders are used (2..256 by default), so epsilons are slightly
larger (more conservative) than those of libraries that also try fractional
orders. The accountant assumes Poisson sampling; shuffled fixed-size batches
are common in practice but are not covered by this analysis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import gammaln, logsumexp

from aigc_utils import _validate

DEFAULT_ORDERS: tuple[int, ...] = tuple(range(2, 65)) + (80, 96, 128, 160, 192, 256)
CONVERSIONS = ("classic", "improved")


def _orders(orders: Any) -> tuple[int, ...]:
    if isinstance(orders, (str, bytes)) or not isinstance(orders, Sequence) or len(orders) == 0:
        raise TypeError("orders must be a non-empty sequence of integers >= 2")
    checked = tuple(_validate.positive_int("orders", a) for a in orders)
    if min(checked) < 2:
        raise ValueError(f"orders must all be integers >= 2, got {min(checked)}")
    return checked


def _sample_rate(value: Any) -> float:
    q = _validate.real_number("sample_rate", value)
    if not 0.0 < q <= 1.0:
        raise ValueError(f"sample_rate must lie in (0, 1], got {q}")
    return q


def _delta(value: Any) -> float:
    return _validate.fraction("delta", value)


def gaussian_rdp(noise_multiplier: float, order: int) -> float:
    """RDP of the Gaussian mechanism with sensitivity 1 and noise std ``noise_multiplier``: ``alpha / (2 sigma^2)``.

    Raises:
        TypeError / ValueError: ``noise_multiplier`` not > 0, ``order`` not an integer >= 2.
    """
    sigma = _validate.real_number("noise_multiplier", noise_multiplier, positive=True)
    (alpha,) = _orders([order])
    return alpha / (2 * sigma**2)


def subsampled_gaussian_rdp(noise_multiplier: float, sample_rate: float, order: int) -> float:
    """RDP at integer ``order`` of one step of the Poisson-sampled Gaussian mechanism.

    Computes ``log(A_alpha) / (alpha - 1)`` with the binomial sum of Mironov,
    Talwar and Zhang (2019), in log space (stable for large orders).

    Args:
        noise_multiplier: ``sigma``, noise std divided by the clipping norm (> 0).
        sample_rate: ``q``, the probability that an example joins a batch, in (0, 1].
        order: the Rényi order ``alpha``, an integer >= 2.

    Returns:
        The RDP epsilon of one step at this order.

    Raises:
        TypeError / ValueError: an argument out of its range.
    """
    sigma = _validate.real_number("noise_multiplier", noise_multiplier, positive=True)
    q = _sample_rate(sample_rate)
    (alpha,) = _orders([order])
    if q == 1.0:
        return alpha / (2 * sigma**2)
    k = np.arange(alpha + 1, dtype=np.float64)
    log_binomial = gammaln(alpha + 1) - gammaln(k + 1) - gammaln(alpha - k + 1)
    log_terms = log_binomial + (alpha - k) * math.log1p(-q) + k * math.log(q) + (k * k - k) / (2 * sigma**2)
    return float(max(logsumexp(log_terms), 0.0) / (alpha - 1))


def rdp_to_epsilon(
    rdp: Sequence[float], orders: Sequence[int], delta: float, conversion: str = "classic"
) -> tuple[float, int]:
    """Convert RDP values (one per order) into the smallest (epsilon, delta)-DP epsilon.

    Args:
        rdp: total RDP epsilon at each order (after composition).
        orders: the integer orders, same length as ``rdp``.
        delta: the target delta in (0, 1), usually below 1 / (training-set size).
        conversion: ``"classic"`` (Mironov 2017) or ``"improved"`` (Balle et al. 2020).

    Returns:
        ``(epsilon, best_order)``.

    Raises:
        TypeError / ValueError: mismatched lengths, negative RDP, bad delta or conversion.
    """
    checked_orders = _orders(orders)
    delta = _delta(delta)
    _validate.one_of("conversion", conversion, CONVERSIONS)
    if isinstance(rdp, (str, bytes)) or not isinstance(rdp, Sequence):
        raise TypeError("rdp must be a sequence of numbers, one per order")
    values = [_validate.real_number("rdp", r) for r in rdp]
    if len(values) != len(checked_orders):
        raise ValueError(f"rdp and orders must have the same length, got {len(values)} and {len(checked_orders)}")
    if min(values) < 0:
        raise ValueError("rdp values must be >= 0")
    epsilons = []
    for r, alpha in zip(values, checked_orders):
        if conversion == "classic":
            epsilons.append(r + math.log(1 / delta) / (alpha - 1))
        else:
            epsilons.append(r + math.log((alpha - 1) / alpha) - (math.log(delta) + math.log(alpha)) / (alpha - 1))
    best = int(np.argmin(epsilons))
    return max(float(epsilons[best]), 0.0), checked_orders[best]


def dp_sgd_epsilon(
    noise_multiplier: float,
    sample_rate: float,
    steps: int,
    delta: float,
    *,
    orders: Sequence[int] = DEFAULT_ORDERS,
    conversion: str = "classic",
) -> float:
    """Epsilon of DP-SGD after ``steps`` steps: subsampled-Gaussian RDP, composed, converted.

    Args:
        noise_multiplier: ``sigma`` (noise std / clipping norm), > 0.
        sample_rate: ``q`` = expected batch size / training-set size, in (0, 1].
        steps: number of noisy gradient steps.
        delta: target delta in (0, 1).
        orders: integer Rényi orders to try.
        conversion: ``"classic"`` or ``"improved"`` RDP-to-DP conversion.

    Returns:
        The epsilon of the (epsilon, delta) guarantee.

    Raises:
        TypeError / ValueError: an argument out of its range.
    """
    steps = _validate.positive_int("steps", steps)
    checked_orders = _orders(orders)
    rdp = [steps * subsampled_gaussian_rdp(noise_multiplier, sample_rate, a) for a in checked_orders]
    return rdp_to_epsilon(rdp, checked_orders, delta, conversion)[0]


def noise_multiplier_for_epsilon(
    target_epsilon: float,
    sample_rate: float,
    steps: int,
    delta: float,
    *,
    orders: Sequence[int] = DEFAULT_ORDERS,
    conversion: str = "classic",
    tolerance: float = 1e-3,
) -> float:
    """The smallest noise multiplier whose DP-SGD epsilon is at most ``target_epsilon`` (bisection).

    Args:
        target_epsilon: the privacy budget to meet, > 0.
        sample_rate, steps, delta, orders, conversion: as in :func:`dp_sgd_epsilon`.
        tolerance: absolute precision of the returned noise multiplier.

    Returns:
        A noise multiplier ``sigma`` with ``dp_sgd_epsilon(sigma, ...) <= target_epsilon``.

    Raises:
        TypeError / ValueError: an argument out of its range, or a target no
            noise multiplier up to 1000 reaches.
    """
    target = _validate.real_number("target_epsilon", target_epsilon, positive=True)
    tolerance = _validate.real_number("tolerance", tolerance, positive=True)

    def epsilon(sigma: float) -> float:
        return dp_sgd_epsilon(sigma, sample_rate, steps, delta, orders=orders, conversion=conversion)

    low, high = 1e-2, 1.0
    while epsilon(high) > target:
        low, high = high, high * 2
        if high > 1000:
            raise ValueError(f"target_epsilon {target} is out of reach (noise multiplier above 1000)")
    if epsilon(low) <= target:
        return low
    while high - low > tolerance:
        middle = (low + high) / 2
        low, high = (low, middle) if epsilon(middle) <= target else (middle, high)
    return high
