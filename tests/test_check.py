import numpy as np
import pytest
import torch

from aigc_utils.check import (
    CHECK_MIME,
    RUN_MIME,
    check,
    checks_from_notebook,
    clear_checks,
    recorded_checks,
    run_record_from_notebook,
)
from aigc_utils.notebook import start


def test_passing_check_is_recorded_and_printed(capsys):
    clear_checks()
    result = check("judge confidence", 0.9, at_least=0.85)
    assert result.passed and result.bar == ">= 0.85"
    assert recorded_checks() == [result]
    assert "[PASS] judge confidence: 0.9 (bar >= 0.85)" in capsys.readouterr().out


def test_failing_check_names_claim_value_and_bar():
    with pytest.raises(AssertionError, match=r"check failed: FID: measured 12, bar <= 3 \(real floor 1\)"):
        check("FID", 12.0, at_most=3.0, baseline=1.0, baseline_label="real floor")
    assert not recorded_checks()[-1].passed


def test_bars_are_inclusive_and_two_sided():
    assert check("snr", 20.0, at_least=19.9, at_most=20.1).bar == "in [19.9, 20.1]"
    assert check("edge", 1.0, at_least=1.0).passed
    with pytest.raises(AssertionError):
        check("outside", 20.2, at_least=19.9, at_most=20.1)


def test_numpy_and_torch_numbers_are_accepted():
    assert check("numpy", np.float32(0.5), at_least=0.1).value == 0.5
    assert check("torch", torch.tensor(0.25), at_most=0.5).value == 0.25


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"value": 1.0}, ValueError, "cannot fail"),
        ({"value": 1.0, "at_least": 2, "at_most": 1}, ValueError, "at_least"),
        ({"value": "high", "at_least": 1}, TypeError, "value"),
        ({"value": float("nan"), "at_least": 1}, ValueError, "NaN"),
        ({"value": torch.ones(3), "at_least": 1}, TypeError, "value"),
        ({"value": 1.0, "at_least": "0"}, TypeError, "at_least"),
    ],
)
def test_bad_checks_are_rejected(kwargs, error, match):
    with pytest.raises(error, match=match):
        check("claim", **kwargs)


def test_claim_must_be_text():
    with pytest.raises(TypeError, match="claim"):
        check("", 1.0, at_least=0)


def test_checks_round_trip_through_notebook_outputs():
    passed = check("a", 1.0, at_least=0.5, baseline=0.2, baseline_label="chance")
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": "x"},
            {
                "cell_type": "code",
                "outputs": [
                    {"output_type": "display_data", "data": {CHECK_MIME: passed.__dict__, "text/plain": "..."}},
                    {"output_type": "display_data", "data": {RUN_MIME: {"seconds": 3.0}, "text/plain": "run"}},
                ],
            },
        ]
    }
    assert checks_from_notebook(notebook) == [passed]
    assert run_record_from_notebook(notebook) == {"seconds": 3.0}
    assert run_record_from_notebook({"cells": []}) is None
    with pytest.raises(TypeError, match="notebook"):
        checks_from_notebook({"no": "cells"})


def test_results_table_lists_checks_and_run():
    run = start("quick", 0)
    check("accuracy", 0.97, at_least=0.95, baseline=0.1, baseline_label="chance")
    table = run.results_table()
    assert list(table.index) == ["accuracy", "run"]
    assert table.loc["accuracy", "holds"] == "yes"
    assert "chance" in table.loc["accuracy", "baseline"]


def test_check_result_is_not_displayed_twice():
    result = check("shown once", 1.0, at_least=0.0)
    assert result._ipython_display_() is None


def test_display_record_prints_outside_ipython(capsys):
    from aigc_utils.check import display_record

    display_record(RUN_MIME, {"seconds": 1.0}, "run: 1.0 s")
    assert capsys.readouterr().out == "run: 1.0 s\n"
