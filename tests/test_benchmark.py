import io
import time
import warnings

import pytest
import torch
from torch import nn

from aigc_utils.benchmark import Timing, compare_latency, linear_weight_bytes, serialized_bytes, throughput, time_call


def test_time_call_counts_warmup_and_repeats_and_takes_the_median():
    calls = []
    timing = time_call(lambda: calls.append(1), warmup=2, repeats=5)
    assert len(calls) == 7 and len(timing.times_s) == 5
    assert timing.min_s <= timing.median_s and timing.median_ms == pytest.approx(1000 * timing.median_s)


def test_time_call_measures_sleep():
    timing = time_call(lambda: time.sleep(0.01), warmup=0, repeats=3)
    assert 0.009 <= timing.median_s < 0.2


def test_compare_latency_interleaves_and_pools_rounds():
    order = []
    timings = compare_latency({"a": lambda: order.append("a"), "b": lambda: order.append("b")},
                              warmup=1, repeats=2, rounds=3)
    assert set(timings) == {"a", "b"} and all(len(t.times_s) == 6 for t in timings.values())
    assert order[2:] == ["a", "a", "b", "b"] * 3


def test_linear_weight_bytes_of_float_and_int8_models():
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    floats = (64 * 256 + 256 + 256 * 10 + 10) * 4
    assert linear_weight_bytes(model) == floats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantized = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    int8 = 64 * 256 + 256 * 10 + 2 * 16 + (256 + 10) * 4  # int8 weights, scale + zero point each, float biases
    assert linear_weight_bytes(quantized) == int8
    assert floats / int8 > 3


def test_serialized_bytes_equals_the_saved_file():
    state = nn.Linear(8, 4).state_dict()
    buffer = io.BytesIO()
    torch.save(state, buffer)
    assert serialized_bytes(state) == len(buffer.getvalue())


def test_throughput():
    timings = [Timing(0.5, 0.5, (0.5,)), Timing(1.0, 1.0, (1.0,))]
    assert throughput([1, 10], timings) == [2.0, 10.0]


def test_bad_input_is_rejected():
    with pytest.raises(TypeError, match="fn"):
        time_call(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="repeats"):
        time_call(lambda: None, repeats=0)
    with pytest.raises(ValueError, match="warmup"):
        time_call(lambda: None, warmup=-1)
    with pytest.raises(ValueError, match="candidates"):
        compare_latency({})
    with pytest.raises(TypeError, match="candidates"):
        compare_latency({"a": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="model"):
        linear_weight_bytes("model")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Linear"):
        linear_weight_bytes(nn.ReLU())
    with pytest.raises(TypeError, match="obj"):
        serialized_bytes(lambda: None)
    with pytest.raises(ValueError, match="equal length"):
        throughput([1], [])
    with pytest.raises(ValueError, match="batch_sizes"):
        throughput([0], [Timing(1.0, 1.0, (1.0,))])
