import numpy as np
import pandas as pd
import pytest

from aigc_utils.data.messy import (
    CUSTOMER_DATE_FORMATS,
    SENSOR_TIME_FORMATS,
    MessyTable,
    make_messy_customers,
    make_messy_sensor_log,
)


def _parse(text, formats):
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in formats:
        parsed = parsed.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
    return parsed


def test_customers_truth_and_corruption_are_consistent():
    table = make_messy_customers(1000, seed=1)
    assert isinstance(table, MessyTable) and table.label == "churned"
    clean, messy = table.clean, table.messy
    assert len(clean) == 1000 and clean["id"].is_unique and not clean.isna().any().any()
    assert len(messy) == len(table.is_duplicate) == len(table.is_outlier) == len(table.label_flipped)
    # every extra row is an exact copy, and dropping copies gives one row per customer
    assert table.is_duplicate.sum() == len(messy) - 1000 > 0
    assert messy.drop_duplicates()["id"].is_unique
    # labels: flipped exactly where recorded
    truth = table.truth_for(messy)
    assert np.array_equal(messy["churned"].to_numpy() != truth["churned"].to_numpy(), table.label_flipped)
    assert 0.05 < table.label_flipped.mean() < 0.15 and 0.25 < clean["churned"].mean() < 0.55
    # dates: every written date parses back to the truth with the listed formats
    assert (_parse(messy["signup_date"], CUSTOMER_DATE_FORMATS).to_numpy() == truth["signup_date"].to_numpy()).all()
    # missing cells and outliers
    assert 0.03 < messy["age"].isna().mean() < 0.15
    out = table.is_outlier
    assert out.sum() > 0
    bad = (messy["age"] == 999) | (messy["support_calls"] == 99) | (messy["monthly_spend"] > 50 * truth["monthly_spend"])
    assert np.array_equal(bad.to_numpy(), out)
    assert (messy["city"].dropna().str.strip().str.title().isin(clean["city"].unique())).all()


def test_customers_tenure_drives_churn():
    clean = make_messy_customers(5000, seed=0).clean
    recent = clean["signup_date"] > pd.Timestamp("2023-06-01")
    assert clean["churned"][recent].mean() > clean["churned"][~recent].mean() + 0.2


def test_sensor_log_faults_and_glitches():
    log = make_messy_sensor_log(4000, seed=2)
    assert log.label == "fault"
    clean, messy = log.clean, log.messy
    assert 0.02 < clean["fault"].mean() < 0.07
    by_fault = clean.groupby("fault")[["temperature_c", "vibration_mm_s", "current_a", "pressure_bar"]].mean()
    assert (by_fault.loc[1, ["temperature_c", "vibration_mm_s", "current_a"]] > by_fault.loc[0, ["temperature_c", "vibration_mm_s", "current_a"]]).all()
    assert by_fault.loc[1, "pressure_bar"] < by_fault.loc[0, "pressure_bar"]
    truth = log.truth_for(messy)
    assert (_parse(messy["timestamp"], SENSOR_TIME_FORMATS).to_numpy() == truth["timestamp"].to_numpy()).all()
    glitch = (messy["temperature_c"] == 850) | (messy["pressure_bar"] == -999) | (
        messy["vibration_mm_s"] > 10 * truth["vibration_mm_s"]
    )
    assert np.array_equal(glitch.to_numpy(), log.is_outlier)
    assert not log.label_flipped.any(), "no label noise by default"


def test_reproducible_and_seeded():
    a, b = make_messy_customers(200, seed=3), make_messy_customers(200, seed=3)
    pd.testing.assert_frame_equal(a.messy, b.messy)
    assert not a.messy.equals(make_messy_customers(200, seed=4).messy)
    pd.testing.assert_frame_equal(make_messy_sensor_log(200, seed=3).messy, make_messy_sensor_log(200, seed=3).messy)


def test_zero_rates_give_the_clean_table_back():
    table = make_messy_customers(300, seed=0, missing_rate=0, outlier_rate=0, duplicate_rate=0, label_noise=0)
    assert not table.is_duplicate.any() and not table.is_outlier.any() and not table.label_flipped.any()
    assert len(table.messy) == 300 and not table.messy[["age", "monthly_spend"]].isna().any().any()


@pytest.mark.parametrize(
    "function, kwargs, error, match",
    [
        (make_messy_customers, {"n_customers": 5}, ValueError, "n_customers"),
        (make_messy_customers, {"n_customers": 2.5}, TypeError, "n_customers"),
        (make_messy_customers, {"seed": -1}, ValueError, "seed"),
        (make_messy_customers, {"missing_rate": 1.0}, ValueError, "missing_rate"),
        (make_messy_customers, {"label_noise": "0.1"}, TypeError, "label_noise"),
        (make_messy_sensor_log, {"fault_rate": 0.0}, ValueError, "fault_rate"),
        (make_messy_sensor_log, {"n_readings": 0}, ValueError, "n_readings"),
        (make_messy_sensor_log, {"duplicate_rate": -0.1}, ValueError, "duplicate_rate"),
    ],
)
def test_bad_input_is_rejected(function, kwargs, error, match):
    with pytest.raises(error, match=match):
        function(**kwargs)


def test_truth_for_rejects_bad_input():
    table = make_messy_customers(50, seed=0)
    with pytest.raises(TypeError, match="messy_rows"):
        table.truth_for("rows")
    with pytest.raises(ValueError, match="id"):
        table.truth_for(table.messy.drop(columns="id"))
    with pytest.raises(ValueError, match="ids not in the table"):
        table.truth_for(pd.DataFrame({"id": ["nobody"]}))
