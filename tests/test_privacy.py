import math

import numpy as np
import pytest
from scipy import integrate

from aigc_utils.privacy import (
    DEFAULT_ORDERS,
    dp_sgd_epsilon,
    gaussian_rdp,
    noise_multiplier_for_epsilon,
    rdp_to_epsilon,
    subsampled_gaussian_rdp,
)


@pytest.mark.parametrize("sigma, alpha", [(0.5, 2), (1.0, 3), (1.1, 10), (4.0, 64)])
def test_no_subsampling_is_the_gaussian_mechanism(sigma, alpha):
    assert subsampled_gaussian_rdp(sigma, 1.0, alpha) == pytest.approx(alpha / (2 * sigma**2))
    assert gaussian_rdp(sigma, alpha) == pytest.approx(alpha / (2 * sigma**2))


@pytest.mark.parametrize("sigma, q, alpha", [(1.0, 0.01, 2), (1.0, 0.1, 5), (0.8, 0.05, 8), (2.0, 0.3, 4)])
def test_binomial_sum_equals_numerical_integral(sigma, q, alpha):
    # Independent derivation: D_alpha(mu1 || mu0), mu0 = N(0, s^2), mu1 = (1-q) N(0, s^2) + q N(1, s^2):
    # exp((alpha-1) D) = E_{x~mu0}[((1-q) + q exp((2x - 1) / (2 s^2)))^alpha]
    def integrand(x):
        density = math.exp(-x * x / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
        return density * ((1 - q) + q * math.exp((2 * x - 1) / (2 * sigma**2))) ** alpha

    value, _ = integrate.quad(integrand, -40 * sigma, 40 * sigma, limit=400)
    assert subsampled_gaussian_rdp(sigma, q, alpha) == pytest.approx(math.log(value) / (alpha - 1), rel=1e-6)


def test_subsampling_amplifies_privacy():
    for alpha in (2, 8, 32):
        values = [subsampled_gaussian_rdp(1.0, q, alpha) for q in (0.001, 0.01, 0.1, 0.5, 1.0)]
        assert all(a < b for a, b in zip(values, values[1:]))
        assert values[0] < values[-1]


@pytest.mark.parametrize("sigma, q", [(1.0, 0.01), (0.7, 0.2), (2.0, 0.5)])
def test_order_two_by_hand(sigma, q):
    # A_2 = (1-q)^2 + 2q(1-q) + q^2 exp(1/sigma^2) = 1 + q^2 (exp(1/sigma^2) - 1)
    assert subsampled_gaussian_rdp(sigma, q, 2) == pytest.approx(math.log1p(q * q * math.expm1(1 / sigma**2)))


def test_epsilon_is_monotone():
    base = dict(sample_rate=0.01, steps=1000, delta=1e-5)
    sigmas = [0.6, 0.8, 1.0, 1.5, 3.0]
    eps = [dp_sgd_epsilon(s, **base) for s in sigmas]
    assert all(a > b for a, b in zip(eps, eps[1:])), "more noise, smaller epsilon"
    assert dp_sgd_epsilon(1.0, 0.01, 2000, 1e-5) > dp_sgd_epsilon(1.0, 0.01, 1000, 1e-5)
    assert dp_sgd_epsilon(1.0, 0.02, 1000, 1e-5) > dp_sgd_epsilon(1.0, 0.01, 1000, 1e-5)
    assert dp_sgd_epsilon(1.0, 0.01, 1000, 1e-6) > dp_sgd_epsilon(1.0, 0.01, 1000, 1e-5)


def test_conversions_by_hand():
    eps, order = rdp_to_epsilon([1.0, 0.5], [2, 3], 1e-2)
    # classic: 1 + ln(100) / 1 = 5.605 at order 2; 0.5 + ln(100) / 2 = 2.803 at order 3
    assert order == 3 and eps == pytest.approx(0.5 + math.log(100) / 2)
    improved, _ = rdp_to_epsilon([0.5], [3], 1e-2, conversion="improved")
    assert improved == pytest.approx(0.5 + math.log(2 / 3) - (math.log(1e-2) + math.log(3)) / 2)
    assert improved < eps


def test_composition_is_additive_for_one_order():
    one = subsampled_gaussian_rdp(1.2, 0.05, 6)
    eps = dp_sgd_epsilon(1.2, 0.05, 100, 1e-5, orders=[6])
    assert eps == pytest.approx(100 * one + math.log(1e5) / 5)


def test_noise_multiplier_for_epsilon_inverts():
    sigma = noise_multiplier_for_epsilon(2.0, 0.01, 500, 1e-5)
    assert dp_sgd_epsilon(sigma, 0.01, 500, 1e-5) <= 2.0
    assert dp_sgd_epsilon(sigma - 0.01, 0.01, 500, 1e-5) > 2.0
    assert len(DEFAULT_ORDERS) > 60


def test_bad_input():
    with pytest.raises(ValueError, match="noise_multiplier"):
        subsampled_gaussian_rdp(0.0, 0.1, 2)
    with pytest.raises(ValueError, match="sample_rate"):
        subsampled_gaussian_rdp(1.0, 1.5, 2)
    with pytest.raises(ValueError, match="orders"):
        subsampled_gaussian_rdp(1.0, 0.1, 1)
    with pytest.raises(TypeError, match="orders"):
        gaussian_rdp(1.0, 2.5)
    with pytest.raises(ValueError, match="delta"):
        dp_sgd_epsilon(1.0, 0.1, 10, 0.0)
    with pytest.raises(TypeError, match="steps"):
        dp_sgd_epsilon(1.0, 0.1, 10.0, 1e-5)
    with pytest.raises(ValueError, match="same length"):
        rdp_to_epsilon([1.0], [2, 3], 1e-5)
    with pytest.raises(ValueError, match="conversion"):
        rdp_to_epsilon([1.0], [2], 1e-5, conversion="tight")
    with pytest.raises(TypeError, match="rdp"):
        rdp_to_epsilon("1", [2], 1e-5)
    with pytest.raises(ValueError, match="target_epsilon"):
        noise_multiplier_for_epsilon(-1.0, 0.1, 10, 1e-5)
    assert np.isfinite(dp_sgd_epsilon(0.3, 1.0, 1, 1e-5))
