"""Plots return a small PNG when their data is there, None when it is not, and survive NaN/None."""

import base64
import math
import struct

import pytest

from nndoctor.report import plots

NAN = float("nan")


def _png_size(b64: str) -> tuple[int, int]:
    raw = base64.b64decode(b64)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", raw[16:24])


@pytest.mark.parametrize("make", [
    lambda: plots.loss_curve(None), lambda: plots.loss_curve({}), lambda: plots.loss_curve({"loss": []}),
    lambda: plots.epoch_curves(None), lambda: plots.epoch_curves({"train_loss": [], "val_loss": [None]}),
    lambda: plots.class_histogram(None, None), lambda: plots.class_histogram([5, 5], []),
    lambda: plots.confusion_matrix(None), lambda: plots.confusion_matrix([]), lambda: plots.confusion_matrix([[]]),
    lambda: plots.control_comparison({"loss": [1.0]}, {}), lambda: plots.control_comparison(None, None),
    lambda: plots.control_comparison({"loss": [1.0]}, {"lr/10": {"loss": []}, "x": None}),
])
def test_missing_data_gives_none(make):
    assert make() is None


def test_loss_curve_with_gaps_nan_and_lr():
    png = plots.loss_curve({"loss": [2.0, None, NAN, 1.0, math.inf, None], "lr": [0.1, None, 0.1],
                            "step_stride": 3})
    width, height = _png_size(png)
    assert width <= 5 * plots.DPI and height <= 3 * plots.DPI


def test_loss_curve_all_nonfinite_still_shows_the_blowup():
    assert plots.loss_curve({"loss": [None, None], "lr": None, "step_stride": None}) is not None


def test_log_scale_only_for_positive_values_over_two_decades():
    assert plots._wants_log([10.0, 0.01, NAN])
    assert not plots._wants_log([1.0, 0.5])
    assert not plots._wants_log([10.0, 0.0, 0.001])
    assert not plots._wants_log([NAN])


def test_epoch_curves_tolerate_mismatched_epochs_and_nones():
    png = plots.epoch_curves({"eval_epochs": [0, 5], "train_loss": [1.0, None, 0.5],
                              "val_loss": [None, 0.9, 0.7], "train_metric": None, "val_metric": [0.5, NAN]})
    assert _png_size(png)


def test_histogram_and_confusion_matrix_with_nones_and_ragged_rows():
    assert plots.class_histogram([20, 20, None], [40, None], [21, 19, 0])
    assert plots.class_histogram(None, [3, 0, 0])
    assert plots.confusion_matrix([[None, 1], [2], [0, 0, NAN]])
    assert plots.confusion_matrix([[0, 0], [0, 0]])  # empty rows: no division by zero
    assert plots.confusion_matrix([[1] * 30 for _ in range(30)])  # large: no annotations


def test_control_comparison_overlays_runs_with_divergence():
    run = {"loss": [1.0, 10.0, None], "lr_used": 1.0, "step_stride": 2}
    png = plots.control_comparison(run, {"lr/10": {"loss": [1.0, 0.5, 0.1], "lr_used": 0.1},
                                         "lr/100": {"loss": [None]}})
    assert _png_size(png)


def test_plots_for_picks_what_the_dict_has(classification, regression, sparse, minimal):
    titles = [p["title"] for p in plots.plots_for(classification)]
    assert titles == ["Training loss", "Loss and metric per epoch", "Predicted vs true classes",
                      "Confusion matrix", "Control runs"]
    assert [p["title"] for p in plots.plots_for(regression)] == ["Training loss", "Loss and metric per epoch"]
    assert all(p["error"] is None for p in plots.plots_for(sparse))
    assert plots.plots_for(minimal) == []


def test_a_failing_plot_is_reported_not_raised(classification, monkeypatch):
    def boom(run):
        raise ValueError("bad data")

    monkeypatch.setattr(plots, "loss_curve", boom)
    first = plots.plots_for(classification)[0]
    assert first["png"] is None and "ValueError: bad data" in first["error"]
