import random

import numpy as np
import pytest
import torch

from aigc_utils.device import describe_device, get_device, has_gpu, seed_everything
from aigc_utils.notebook import start
from aigc_utils.profile import pick, resolve_profile


def test_default_device_is_cuda_or_cpu_never_mps():
    assert get_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_environment_variable_overrides_device(monkeypatch):
    monkeypatch.setenv("AIGC_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


def test_explicit_preference_wins_over_environment(monkeypatch):
    monkeypatch.setenv("AIGC_DEVICE", "nonsense")
    assert get_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("bad", ["tpu", "gpu", ""])
def test_unknown_device_is_rejected_by_name(bad):
    with pytest.raises(ValueError, match="prefer"):
        get_device(bad or "  ")


def test_unknown_device_in_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("AIGC_DEVICE", "tpu")
    with pytest.raises(ValueError, match=r"\$AIGC_DEVICE"):
        get_device()


def test_device_type_error():
    with pytest.raises(TypeError, match="prefer"):
        get_device(3)  # type: ignore[arg-type]


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_missing_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="no CUDA"):
        get_device("cuda")


def test_seed_everything_reproduces_all_generators():
    g1 = seed_everything(7)
    a = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g1).item())
    g2 = seed_everything(7)
    b = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g2).item())
    assert a == b


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError)])
def test_seed_everything_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        seed_everything(seed)


def test_describe_device_mentions_torch_version():
    assert torch.__version__ in describe_device(torch.device("cpu"))
    with pytest.raises(TypeError, match="device"):
        describe_device("cpu")  # type: ignore[arg-type]


def test_profiles_resolve():
    assert resolve_profile("quick") == "quick"
    assert resolve_profile("full") == "full"
    assert resolve_profile("auto") == ("full" if has_gpu() else "quick")
    assert resolve_profile(None) == resolve_profile("auto")


def test_profile_environment_overrides_auto_only(monkeypatch):
    monkeypatch.setenv("AIGC_PROFILE", "full")
    assert resolve_profile("auto") == "full"
    assert resolve_profile("quick") == "quick"
    monkeypatch.setenv("AIGC_PROFILE", "fast")
    with pytest.raises(ValueError, match="AIGC_PROFILE"):
        resolve_profile("auto")


@pytest.mark.parametrize("bad, error", [("fast", ValueError), ("QUICK", ValueError), (1, TypeError)])
def test_unknown_profile_is_rejected(bad, error):
    with pytest.raises(error, match="profile"):
        resolve_profile(bad)


def test_pick_budget():
    assert pick("quick", quick=10, full=100) == 10
    assert pick("full", quick=10, full=100) == 100
    assert pick("full", quick=1, full=2.5) == 2.5
    with pytest.raises(ValueError, match="profile"):
        pick("auto", quick=1, full=2)
    with pytest.raises(TypeError, match="same type"):
        pick("quick", quick=1000, full="10k")


def test_start_returns_a_ready_run(capsys):
    run = start("quick", 3)
    assert run.profile == "quick" and run.seed == 3 and run.device.type in ("cpu", "cuda")
    assert run.budget(quick="a", full="b") == "a"
    assert "profile quick | seed 3" in capsys.readouterr().out
    assert run.elapsed() >= 0
    with pytest.raises(ValueError, match="profile"):
        start("slow", 0)
    with pytest.raises(ValueError, match="seed"):
        start("quick", -2)
