import math

import numpy as np
import pytest
from scipy import stats

from aigc_utils.stats import ABTestResult, two_proportion_test, wilson_interval


@pytest.mark.parametrize("k, n", [(0, 10), (3, 10), (10, 10), (56, 70), (48, 80), (412, 10_000)])
def test_wilson_interval_equals_scipy(k, n):
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson_interval(k, n) == pytest.approx((expected.low, expected.high), abs=1e-12)
    expected_90 = stats.binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
    assert wilson_interval(k, n, confidence=0.9) == pytest.approx((expected_90.low, expected_90.high), abs=1e-12)


def test_newcombe_interval_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 vs 48/80,
    # difference 0.2, method 10 (hybrid score) interval 0.0524 to 0.3339.
    result = two_proportion_test(48, 80, 56, 70)
    assert result.difference == pytest.approx(56 / 70 - 48 / 80)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (0.0524, 0.3339)


def test_wald_interval_equals_the_closed_form():
    result = two_proportion_test(400, 10_000, 460, 10_000, method="wald", confidence=0.9)
    pa, pb = 0.04, 0.046
    half = stats.norm.ppf(0.95) * math.sqrt(pa * (1 - pa) / 10_000 + pb * (1 - pb) / 10_000)
    assert (result.ci_low, result.ci_high) == pytest.approx((pb - pa - half, pb - pa + half), abs=1e-12)
    assert result.method == "wald" and result.confidence == 0.9


@pytest.mark.parametrize("counts", [(400, 10_000, 460, 10_000), (3, 40, 11, 35), (0, 50, 0, 60), (20, 20, 15, 30)])
def test_p_value_equals_the_uncorrected_chi_square_test(counts):
    ca, na, cb, nb = counts
    result = two_proportion_test(ca, na, cb, nb)
    table = np.array([[ca, na - ca], [cb, nb - cb]])
    if table.sum(axis=0).min() == 0:             # no conversions at all (or only conversions): nothing to test
        assert result.z == 0.0 and result.p_value == 1.0
        return
    chi2, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.z ** 2 == pytest.approx(chi2, rel=1e-9)


def test_result_reports_sign_significance_and_a_line():
    result = two_proportion_test(400, 10_000, 520, 10_000)
    assert isinstance(result, ABTestResult)
    assert result.difference > 0 and result.ci_low > 0 and result.significant
    assert result.ci_low < result.difference < result.ci_high
    assert "B - A = +1.20 pts" in result.line() and "95% CI" in result.line()
    assert not two_proportion_test(400, 10_000, 410, 10_000).significant


def test_newcombe_interval_covers_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    truth = 0.06 - 0.04
    hits = [
        r.ci_low <= truth <= r.ci_high
        for r in (two_proportion_test(int(a), 2000, int(b), 2000)
                  for a, b in zip(rng.binomial(2000, 0.04, 1000), rng.binomial(2000, 0.06, 1000)))
    ]
    assert 0.93 <= np.mean(hits) <= 0.97


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((5, 10, 11, 10), {}, ValueError, "conversions_b"),
        ((-1, 10, 1, 10), {}, ValueError, "conversions_a"),
        ((1, 0, 1, 10), {}, ValueError, "users_a"),
        ((1.5, 10, 1, 10), {}, TypeError, "conversions_a"),
        ((1, 10, 1, 10), {"method": "exact"}, ValueError, "method"),
        ((1, 10, 1, 10), {"confidence": 95}, ValueError, "confidence"),
    ],
)
def test_two_proportion_test_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        two_proportion_test(*args, **kwargs)


def test_wilson_interval_rejects_bad_input():
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(11, 10)
    with pytest.raises(TypeError, match="trials"):
        wilson_interval(1, 10.0)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 10, confidence=1.0)
