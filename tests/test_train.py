import pytest
import torch
from torch import nn

from aigc_utils.data import load_digits_split
from aigc_utils.train import accuracy, fit_classifier, minibatches, progress, train_loop


def test_train_loop_records_floats_and_dicts():
    assert train_loop(lambda i: float(i), 3) == {"loss": [0.0, 1.0, 2.0]}
    history = train_loop(lambda i: {"a": torch.tensor(1.0), "b": i}, 2)
    assert history == {"a": [1.0, 1.0], "b": [0.0, 1.0]}


def test_train_loop_stops_on_divergence_and_bad_returns():
    with pytest.raises(ValueError, match="diverged at step 1"):
        train_loop(lambda i: float("nan") if i == 1 else 0.0, 5)
    with pytest.raises(TypeError, match="numbers"):
        train_loop(lambda i: "low", 2)
    with pytest.raises(TypeError, match="step"):
        train_loop(3, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="steps"):
        train_loop(lambda i: 0.0, -1)


def test_minibatches_are_reproducible_and_aligned():
    x = torch.arange(10).float()
    y = torch.arange(10)
    first = next(minibatches(x, y, batch_size=4, generator=torch.Generator().manual_seed(0)))
    again = next(minibatches(x, y, batch_size=4, generator=torch.Generator().manual_seed(0)))
    assert torch.equal(first[0], again[0]) and torch.equal(first[0].long(), first[1])


@pytest.mark.parametrize(
    "tensors, kwargs, error, match",
    [
        ((), {"batch_size": 2}, ValueError, "at least one"),
        ((torch.zeros(3), torch.zeros(4)), {"batch_size": 2}, ValueError, "equal length"),
        ((torch.zeros(3),), {"batch_size": 0}, ValueError, "batch_size"),
        ((torch.zeros(3),), {"batch_size": 2, "generator": 0}, TypeError, "generator"),
    ],
)
def test_minibatches_reject_bad_input(tensors, kwargs, error, match):
    kwargs.setdefault("generator", torch.Generator())
    with pytest.raises(error, match=match):
        next(minibatches(*tensors, **kwargs))


def test_fit_classifier_learns_digits_quickly():
    data = load_digits_split()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    history = fit_classifier(
        model, data.train_images, data.train_labels, steps=300, generator=torch.Generator().manual_seed(0)
    )
    assert history["loss"][-1] < history["loss"][0]
    assert accuracy(model, data.test_images, data.test_labels) > 0.9


def test_fit_classifier_rejects_float_labels_and_bad_models():
    with pytest.raises(TypeError, match="labels"):
        fit_classifier(nn.Linear(2, 2), torch.zeros(4, 2), torch.zeros(4), steps=1, generator=torch.Generator())
    with pytest.raises(TypeError, match="model"):
        fit_classifier("net", torch.zeros(4, 2), torch.zeros(4).long(), steps=1, generator=torch.Generator())
    with pytest.raises(ValueError, match="equal length"):
        accuracy(nn.Linear(2, 2), torch.zeros(4, 2), torch.zeros(3).long())


def test_progress_is_plain_text():
    bar = progress(range(3), desc="x")
    assert list(bar) == [0, 1, 2]
