"""Small statistics for experiments: comparing two conversion rates (an A/B test).

An A/B test shows version A to some users and version B to others and counts
conversions (clicks, purchases). The quantity of interest is the difference of
the two rates, and the honest report is that difference **with a confidence
interval**, not the difference alone.

- :func:`wilson_interval`: confidence interval of one proportion (Wilson 1927);
  equal to ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``.
- :func:`two_proportion_test`: difference ``rate_b - rate_a`` with a Newcombe
  (hybrid Wilson score, 1998) or Wald interval, and the two-sided p-value of
  the pooled z-test (equal to the chi-square test without continuity
  correction).

Only the standard library's normal distribution is used (no statsmodels).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from aigc_utils import _validate

METHODS = ("newcombe", "wald")


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer count, got {type(value).__name__}")
    return int(value)


def _counts(successes_name: str, successes: Any, trials_name: str, trials: Any) -> tuple[int, int]:
    trials = _validate.positive_int(trials_name, trials)
    successes = _count(successes_name, successes)
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes_name} must lie between 0 and {trials_name} ({trials}), got {successes}")
    return successes, trials


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / trials``.

    Unlike the Wald interval ``p ± z·sqrt(p(1-p)/n)`` it stays inside [0, 1]
    and keeps close to its nominal coverage for small counts and rates near
    0 or 1.

    Args:
        successes: number of successes (0 <= successes <= trials).
        trials: number of trials (>= 1).
        confidence: confidence level, strictly between 0 and 1.

    Returns:
        ``(low, high)``.

    Raises:
        TypeError / ValueError: non-integer counts, ``successes`` outside
            [0, trials], ``confidence`` outside (0, 1).
    """
    successes, trials = _counts("successes", successes, "trials", trials)
    confidence = _validate.fraction("confidence", confidence)
    z = _z(confidence)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class ABTestResult:
    """The analysis of one A/B test of two conversion rates.

    ``difference`` is ``rate_b - rate_a`` (B's uplift over A), with its
    confidence interval ``[ci_low, ci_high]`` at level ``confidence``;
    ``z`` and ``p_value`` are the pooled two-proportion z-test of "no
    difference" (two-sided).
    """

    conversions_a: int
    users_a: int
    conversions_b: int
    users_b: int
    rate_a: float
    rate_b: float
    difference: float
    ci_low: float
    ci_high: float
    confidence: float
    method: str
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        """Whether the interval excludes 0 (no difference)."""
        return self.ci_low > 0 or self.ci_high < 0

    def line(self) -> str:
        """One readable line, e.g. ``B - A = +0.62 pts (95% CI +0.21 to +1.03), p = 0.003``."""
        pct = round(100 * self.confidence)
        return (
            f"B - A = {100 * self.difference:+.2f} pts ({pct}% CI {100 * self.ci_low:+.2f} to "
            f"{100 * self.ci_high:+.2f}, {self.method}), p = {self.p_value:.3g}"
        )


def two_proportion_test(
    conversions_a: int,
    users_a: int,
    conversions_b: int,
    users_b: int,
    *,
    confidence: float = 0.95,
    method: str = "newcombe",
) -> ABTestResult:
    """Compare two conversion rates: difference, confidence interval and p-value.

    Intervals for ``d = p_b - p_a``:

    - ``"newcombe"`` (default; Newcombe 1998, method 10): from the Wilson
      intervals ``[l_a, u_a]`` and ``[l_b, u_b]`` of the two rates,
      ``[d - sqrt((p_b - l_b)^2 + (u_a - p_a)^2), d + sqrt((u_b - p_b)^2 + (p_a - l_a)^2)]``.
      Close to nominal coverage even with few conversions.
    - ``"wald"``: ``d ± z·sqrt(p_a(1-p_a)/n_a + p_b(1-p_b)/n_b)``; fine for
      large counts, too narrow for small ones.

    The p-value is that of the pooled z-test,
    ``z = d / sqrt(p(1-p)(1/n_a + 1/n_b))`` with ``p`` the pooled rate, which
    equals the chi-square test of the 2x2 table without continuity correction.

    Args:
        conversions_a, users_a: conversions and users of version A (the control).
        conversions_b, users_b: the same for version B.
        confidence: confidence level of the interval, strictly between 0 and 1.
        method: ``"newcombe"`` or ``"wald"``.

    Returns:
        An :class:`ABTestResult`.

    Raises:
        TypeError / ValueError: non-integer or impossible counts, a bad
            ``confidence`` or an unknown ``method``.
    """
    conversions_a, users_a = _counts("conversions_a", conversions_a, "users_a", users_a)
    conversions_b, users_b = _counts("conversions_b", conversions_b, "users_b", users_b)
    confidence = _validate.fraction("confidence", confidence)
    method = _validate.one_of("method", method, METHODS)
    rate_a, rate_b = conversions_a / users_a, conversions_b / users_b
    difference = rate_b - rate_a
    if method == "newcombe":
        low_a, high_a = wilson_interval(conversions_a, users_a, confidence)
        low_b, high_b = wilson_interval(conversions_b, users_b, confidence)
        ci_low = difference - math.sqrt((rate_b - low_b) ** 2 + (high_a - rate_a) ** 2)
        ci_high = difference + math.sqrt((high_b - rate_b) ** 2 + (rate_a - low_a) ** 2)
    else:
        half = _z(confidence) * math.sqrt(rate_a * (1 - rate_a) / users_a + rate_b * (1 - rate_b) / users_b)
        ci_low, ci_high = difference - half, difference + half
    pooled = (conversions_a + conversions_b) / (users_a + users_b)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / users_a + 1 / users_b))
    z = difference / standard_error if standard_error > 0 else 0.0
    p_value = math.erfc(abs(z) / math.sqrt(2))
    return ABTestResult(
        conversions_a=conversions_a,
        users_a=users_a,
        conversions_b=conversions_b,
        users_b=users_b,
        rate_a=rate_a,
        rate_b=rate_b,
        difference=difference,
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=confidence,
        method=method,
        z=z,
        p_value=p_value,
    )
