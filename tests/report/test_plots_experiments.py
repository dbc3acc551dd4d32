"""The experiment plots: the LR range test, the learning curve and the fix's before/after.

Each is drawn when its data is in the diagnosis dict, absent (None) when it is not, and
survives None/NaN anywhere in its data.
"""

import base64
import math

import pytest

from nndoctor.report import plots
from nndoctor.report.html import render_fragment, render_html

NAN = float("nan")
PNG = "data:image/png;base64,"


def _is_png(b64) -> bool:
    return isinstance(b64, str) and base64.b64decode(b64)[:8] == b"\x89PNG\r\n\x1a\n"


def range_result(n=120, diverge=True) -> dict:
    lrs = [1e-7 * (1e8 ** (i / (n - 1))) for i in range(n)]
    losses = [1.1 - 0.9 / (1 + math.exp(-(math.log10(lr) + 2) * 3)) for lr in lrs]
    if diverge:
        losses[-5:] = [3.0, 10.0, 50.0, None, None]
    smoothed = [v if v is not None else None for v in losses]
    return {"lrs": lrs, "losses": losses, "smoothed": smoothed, "suggested_lr": 3e-3, "rule": "valley",
            "valley_lr": 3e-3, "steepest_lr": 1e-2, "min_loss_lr": 0.3, "diverged_at": lrs[-1] if diverge else None,
            "user_lr": 200.0, "suggestions": {"valley": 3e-3}, "steps": n}


def curve_result() -> dict:
    return {"n_train": [56, 112, 225], "val_scores": [[0.7, 0.74], [0.8, 0.82], [0.9, 0.91]],
            "mean": [0.72, 0.81, 0.905], "metric": "val_accuracy", "gain_per_doubling": 0.09}


def verified() -> dict:
    return {"metric": "val_accuracy", "before": 0.33, "after": 0.96, "before_ci95": [0.22, 0.46],
            "after_ci95": [0.87, 0.99], "after_per_seed": [0.96, 0.95, 0.97], "fix": "lr/10"}


# -- present with data -------------------------------------------------------------------

def test_lr_range_plot_with_divergence_and_marks():
    assert _is_png(plots.lr_range(range_result()))
    assert _is_png(plots.lr_range(range_result(diverge=False), user_lr=1e-3))


def test_learning_curve_plot():
    assert _is_png(plots.learning_curve(curve_result()))
    r2 = {**curve_result(), "metric": "val_r2", "val_scores": [[-0.5, 0.1], [0.4], [0.7, 0.71]],
          "mean": [-0.2, 0.4, 0.705]}
    assert _is_png(plots.learning_curve(r2))


def test_fix_plot():
    assert _is_png(plots.fix_before_after(verified()))
    regression = {"metric": "val_r2", "before": -3e6, "after": 0.9, "after_per_seed": [0.9, 0.88, None],
                  "fix": "standardize-y"}  # no intervals for R^2
    assert _is_png(plots.fix_before_after(regression))


# -- absent without data ---------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: plots.lr_range(None), lambda: plots.lr_range({}), lambda: plots.lr_range([1, 2]),
    lambda: plots.lr_range({"lrs": [], "smoothed": []}),
    lambda: plots.lr_range({"lrs": [1e-3], "smoothed": [1.0]}),  # one point is not a curve
    lambda: plots.lr_range({"lrs": [1e-3, 1e-2, 1e-1], "smoothed": [None, NAN, math.inf]}),
    lambda: plots.lr_range({"lrs": [0.0, -1.0, None], "smoothed": [1.0, 1.0, 1.0]}),  # no log x
    lambda: plots.learning_curve(None), lambda: plots.learning_curve({}),
    lambda: plots.learning_curve({"n_train": [], "val_scores": [], "mean": []}),
    lambda: plots.learning_curve({"n_train": [10, 20], "val_scores": [[None], [NAN]], "mean": [None, NAN]}),
    lambda: plots.fix_before_after(None), lambda: plots.fix_before_after({}),
    lambda: plots.fix_before_after({"metric": None, "before": None}),  # the sparse fixture's
    lambda: plots.fix_before_after({"before": NAN, "after": None, "after_per_seed": [0.5]}),
])
def test_missing_data_gives_none(make):
    assert make() is None


# -- no crash on None/NaN --------------------------------------------------------------------

def test_nones_and_nans_inside_the_data_are_gaps():
    r = range_result()
    r["smoothed"][10:20] = [None] * 10
    r["losses"][30] = NAN
    r.update(suggested_lr=None, user_lr=NAN, diverged_at="soon", rule=None)
    assert _is_png(plots.lr_range(r))
    flat = {"lrs": [1e-4, 1e-3], "smoothed": [0.5, 0.5], "losses": None}  # no range on y
    assert _is_png(plots.lr_range(flat))
    assert _is_png(plots.learning_curve({"n_train": [10, None, 40], "val_scores": [[0.5, None], "x", [NAN, 0.9]],
                                         "mean": [0.5, None], "metric": None, "gain_per_doubling": NAN}))
    assert _is_png(plots.fix_before_after({"before": None, "after": 0.8, "before_ci95": [None, None],
                                           "after_ci95": [0.7], "after_per_seed": "x"}))
    assert _is_png(plots.fix_before_after({"before": 0.5, "after": NAN, "before_ci95": [0.4, 0.6]}))


# -- in the report -------------------------------------------------------------------------

def _with_experiments(d):
    d["experiments"] += [{"name": "lr_range_test", "seconds": 0.4, "result": range_result()},
                         {"name": "learning_curve", "seconds": 2.0, "result": curve_result()}]
    return d


def test_plots_for_adds_the_experiment_plots(classification, regression, sparse, minimal):
    titles = [p["title"] for p in plots.plots_for(_with_experiments(classification))]
    assert titles[-2:] == ["LR range test", "Learning curve"]
    assert all(p["error"] is None and _is_png(p["png"]) for p in plots.plots_for(classification))
    assert "LR range test" not in [p["title"] for p in plots.plots_for(regression)]
    sparse["experiments"] += [{"name": "lr_range_test", "result": None},
                              {"name": "learning_curve", "result": {"n_train": None}}]
    assert [p for p in plots.plots_for(sparse) if p["title"] in ("LR range test", "Learning curve")] == []
    assert plots.plots_for(minimal) == []


def test_the_users_lr_falls_back_to_the_recorded_run(classification, monkeypatch):
    seen = {}
    monkeypatch.setattr(plots, "lr_range", lambda result, user_lr=None: seen.setdefault("user_lr", user_lr))
    plots.plots_for(_with_experiments(classification))
    assert seen["user_lr"] == classification["details"]["run"]["lr_used"]


def test_the_fix_plot_sits_in_its_finding(classification, regression, sparse, minimal):
    page = render_html([classification])
    start = page.index('<div class="nd-finding nd-sev-error">')
    finding = page[start:page.index('<div class="nd-finding nd-sev-warning">')]
    assert finding.count(PNG) == 1 and "Before and after the fix" in finding
    assert "Before and after the fix" not in render_fragment(regression)
    assert "Before and after the fix" not in render_html([sparse, minimal])


def test_a_failing_fix_plot_is_shown_not_raised(classification, monkeypatch):
    from nndoctor.report import html

    def broken(verified):
        raise RuntimeError("boom")

    monkeypatch.setattr(html, "fix_before_after", broken)
    page = render_html([classification])
    assert "plot failed: RuntimeError: boom" in page
