import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from aigc_utils.data.tabular import PATIENT_COLUMNS, RegimeSwitchingReturns, make_patient_records


def test_patient_records_shape_types_and_ranges():
    table = make_patient_records(500, seed=3)
    assert isinstance(table, pd.DataFrame) and list(table.columns) == list(PATIENT_COLUMNS)
    assert len(table) == 500 and not table.isna().any().any()
    assert table["age"].between(18, 90).all() and table["bmi"].between(16, 55).all()
    assert table["systolic_bp"].between(80, 220).all() and table["glucose"].between(50, 300).all()
    assert set(table["diabetes"].unique()) <= {0, 1}
    assert table["age"].dtype == np.int64 and table["diabetes"].dtype == np.int64


def test_patient_records_are_reproducible_and_seeded():
    pd.testing.assert_frame_equal(make_patient_records(50, seed=1), make_patient_records(50, seed=1))
    assert not make_patient_records(50, seed=1).equals(make_patient_records(50, seed=2))


def test_patient_records_have_the_expected_correlations():
    table = make_patient_records(20_000, seed=0)
    corr = table.corr()
    assert corr.loc["age", "systolic_bp"] > 0.3 and corr.loc["bmi", "systolic_bp"] > 0.2
    assert corr.loc["bmi", "glucose"] > 0.2 and corr.loc["glucose", "diabetes"] > 0.4
    assert 0.05 < table["diabetes"].mean() < 0.2
    by_class = table.groupby("diabetes").mean()
    assert (by_class.loc[1] > by_class.loc[0]).all(), "diabetic patients are older, heavier, with higher BP and glucose"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_patients": 0}, ValueError, "n_patients"),
        ({"n_patients": 2.5}, TypeError, "n_patients"),
        ({"n_patients": 10, "seed": -1}, ValueError, "seed"),
        ({"n_patients": 10, "seed": "0"}, TypeError, "seed"),
    ],
)
def test_patient_records_reject_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_patient_records(**kwargs)


def test_returns_simulation_shape_and_regimes():
    model = RegimeSwitchingReturns()
    returns, turbulent = model.simulate(200_000, seed=0)
    assert returns.shape == turbulent.shape == (200_000,) and returns.dtype == np.float64 and turbulent.dtype == bool
    assert abs(turbulent.mean() - model.turbulent_share) < 0.02
    # regimes persist: a turbulent day is mostly followed by another one
    assert turbulent[1:][turbulent[:-1]].mean() == pytest.approx(1 - model.turbulent_to_calm, abs=0.02)
    assert returns[turbulent].std() == pytest.approx(model.turbulent_volatility, rel=0.05)
    assert returns[~turbulent].std() == pytest.approx(model.calm_volatility, rel=0.05)
    assert stats.kurtosis(returns) > 3, "fat tails: far more kurtosis than a Gaussian's"
    assert np.array_equal(model.simulate(1000, seed=5)[0], model.simulate(1000, seed=5)[0])
    assert not np.array_equal(model.simulate(1000, seed=5)[0], model.simulate(1000, seed=6)[0])


def test_true_risk_measures_match_a_long_simulation():
    model = RegimeSwitchingReturns()
    returns, _ = model.simulate(1_000_000, seed=1)
    quantile = np.quantile(returns, 0.01)
    assert model.value_at_risk(0.99) == pytest.approx(-quantile, rel=0.02)
    assert model.expected_shortfall(0.99) == pytest.approx(-returns[returns <= quantile].mean(), rel=0.03)
    assert model.cdf(-model.value_at_risk(0.95)) == pytest.approx(0.05, abs=1e-10)


def test_expected_shortfall_closed_form_equals_numerical_integration():
    model = RegimeSwitchingReturns(degrees_of_freedom=4.0, turbulent_volatility=0.03)
    quantile = -model.value_at_risk(0.975)
    density = lambda x: sum(  # noqa: E731
        w * stats.t.pdf((x - loc) / scale, model.degrees_of_freedom) / scale for w, loc, scale in model._components()
    )
    partial_mean, _ = integrate.quad(lambda x: x * density(x), -np.inf, quantile, limit=200)
    assert model.expected_shortfall(0.975) == pytest.approx(-partial_mean / 0.025, rel=1e-6)
    assert model.expected_shortfall(0.975) > model.value_at_risk(0.975) > 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"calm_volatility": 0.0}, ValueError, "calm_volatility"),
        ({"turbulent_volatility": "high"}, TypeError, "turbulent_volatility"),
        ({"calm_to_turbulent": 1.0}, ValueError, "calm_to_turbulent"),
        ({"turbulent_to_calm": 0.0}, ValueError, "turbulent_to_calm"),
        ({"degrees_of_freedom": 2.0}, ValueError, "degrees_of_freedom"),
        ({"calm_mean": float("nan")}, ValueError, "calm_mean"),
    ],
)
def test_returns_model_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        RegimeSwitchingReturns(**kwargs)


def test_returns_methods_reject_bad_input():
    model = RegimeSwitchingReturns()
    with pytest.raises(ValueError, match="n_days"):
        model.simulate(0)
    with pytest.raises(TypeError, match="seed"):
        model.simulate(10, seed=1.5)
    with pytest.raises(ValueError, match="level"):
        model.value_at_risk(1.0)
    with pytest.raises(TypeError, match="level"):
        model.expected_shortfall("99%")
    with pytest.raises(TypeError, match="returns"):
        model.cdf(np.array(["a"]))
