"""Shared test set-up: headless plots, no profile/device overrides leaking in."""

import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIGC_DEVICE", "AIGC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
