import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from aigc_utils.plot import FIGURE_DPI, bar_chart, plot_history, scatter_2d, setup_plots, show_images


def _titles(figure: Figure) -> list[str]:
    return [ax.get_title() for ax in figure.axes] + ([figure._suptitle.get_text()] if figure._suptitle else [])


def test_show_images_is_titled_and_small():
    setup_plots()
    figure = show_images(torch.rand(20, 1, 8, 8), title="samples", nrow=10, labels=list(range(20)))
    assert "samples" in _titles(figure)
    assert figure.dpi <= 120 and FIGURE_DPI <= 120
    width, height = figure.get_size_inches()
    assert width <= 8 and height <= 8


def test_plot_history_labels_axes():
    figure = plot_history({"loss_d": [1.0, 0.5, 0.4], "loss_g": [2.0, 1.0, 0.9]}, title="GAN losses", smooth=2)
    ax = figure.axes[0]
    assert ax.get_title() == "GAN losses" and ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert len(ax.get_lines()) == 2


def test_scatter_and_bar_chart():
    figure = scatter_2d({"real": np.random.rand(10, 2), "model": torch.rand(10, 2)}, title="moons")
    assert "moons" in _titles(figure) and len(figure.axes) == 2
    figure = bar_chart([3, 1, 2], title="classes", xlabel="digit", ylabel="count")
    assert figure.axes[0].get_xlabel() == "digit"


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: show_images(torch.rand(2, 1, 8, 8), title=""), TypeError, "title"),
        (lambda: show_images(torch.rand(2, 1, 8, 8), title="t", labels=[1]), ValueError, "labels"),
        (lambda: plot_history({}, title="t"), ValueError, "history"),
        (lambda: plot_history({"a": []}, title="t"), ValueError, "history"),
        (lambda: plot_history({"a": [1.0]}, title="t", smooth=0), ValueError, "smooth"),
        (lambda: scatter_2d({"a": np.zeros((3, 3))}, title="t"), ValueError, r"\(N, 2\)"),
        (lambda: bar_chart([], title="t", xlabel="x", ylabel="y"), ValueError, "values"),
        (lambda: setup_plots(dpi=0), ValueError, "dpi"),
    ],
)
def test_plot_helpers_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_bar_chart_reference_line_and_long_names():
    figure = bar_chart(
        {"real vs real": 0.5, "one Gaussian": 0.7, "mixture of twenty": 0.52}, title="t", xlabel="x", ylabel="y",
        reference=0.5, reference_label="chance",
    )
    assert figure.axes[0].get_legend().get_texts()[0].get_text() == "chance"
    with pytest.raises(TypeError, match="reference"):
        bar_chart([1.0], title="t", xlabel="x", ylabel="y", reference="half")


def test_histograms_share_bins():
    from aigc_utils.plot import histograms

    figure = histograms({"a": np.zeros(5), "b": torch.ones(3)}, title="t", xlabel="distance", bins=4)
    patches = figure.axes[0].patches
    assert len(patches) == 8 and patches[0].get_x() == patches[4].get_x(), "both sets on the same bins"
    with pytest.raises(ValueError, match="value_sets"):
        histograms({}, title="t", xlabel="x")
    with pytest.raises(ValueError, match=r"value_sets\['a'\]"):
        histograms({"a": [np.nan]}, title="t", xlabel="x")
