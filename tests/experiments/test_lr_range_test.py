"""lr_range_test: the per-step LR schedule and divergence stop in both adapters, the smoothing
and suggestion rules, the experiment on an easy problem, and its wiring into LR001/LR002."""

import json
import math
import time
from dataclasses import replace

import numpy as np
import pytest

from nndoctor import diagnose
from nndoctor.adapters import TrainSpec, adapter_for
from nndoctor.adapters._base import DivergenceWatch, scheduled_lr
from nndoctor.experiments import ExperimentContext, run_experiment
from nndoctor.experiments import lr_range_test as lrt

from ..conftest import STANDARD, assert_same, blobs, mlp, setup, split


def _data():
    x, y = blobs(100, n_classes=3, n_features=4, seed=1)
    return split(x, y)


def _spec(epochs=3, **kw):
    x_train, x_val, y_train, y_val = _data()
    return TrainSpec(x=x_train, y=y_train, x_val=x_val, y_val=y_val, task="classification", n_classes=3,
                     epochs=epochs, batch_size=32, seed=0, record=False, **kw)


def _adapter(framework, optimizer="sgd", lr=0.05):
    model = mlp(framework, 4, 3)
    return adapter_for(model, **setup(framework, model, optimizer=optimizer, lr=lr))


def _context(adapter, spec):
    return ExperimentContext(adapter=adapter, spec=spec, profile=adapter.profile(), task=spec.task,
                             n_classes=spec.n_classes, labels_train=spec.y, labels_val=spec.y_val,
                             majority=1 / 3, deadline=time.perf_counter() + 60)


# -- the schedule and the stop, in TrainSpec and the adapters ----------------------------------

def test_scheduled_lr_is_exponential_or_a_function():
    spec = _spec(epochs=2)  # 225 samples / 32 = 8 steps an epoch, 16 in all
    assert scheduled_lr(spec, 0) is None
    sweep = replace(spec, lr_schedule=(1e-4, 1.0))
    assert scheduled_lr(sweep, 0) == pytest.approx(1e-4)
    assert scheduled_lr(sweep, sweep.total_steps - 1) == pytest.approx(1.0)
    middle = scheduled_lr(sweep, (sweep.total_steps - 1) / 2)
    assert middle == pytest.approx(1e-2)
    assert scheduled_lr(replace(spec, lr_schedule=lambda step: 0.1 * (step + 1)), 4) == pytest.approx(0.5)


def test_divergence_watch_stops_at_four_times_the_best_smoothed_loss():
    watch = DivergenceWatch(4.0)
    assert not any(watch.update(1.0 / (i + 1), i) for i in range(50))
    assert watch.reason is None
    stopped = next(i for i in range(50, 500) if watch.update(2.0, i))
    assert watch.reason.startswith("diverged at step")
    assert stopped > 50  # the smoothing takes a few steps to pass 4x
    nan = DivergenceWatch(4.0)
    assert nan.update(math.nan, 0) and "NaN" in nan.reason


def test_a_schedule_sets_the_lr_of_every_step(framework):
    adapter = _adapter(framework)
    spec = replace(_spec(), lr_schedule=(1e-4, 1e-1))
    run = adapter.train_copy(spec)
    expected = [scheduled_lr(spec, i) for i in range(spec.total_steps)]
    np.testing.assert_allclose(run.lr, expected, rtol=1e-5)
    assert run.steps == spec.total_steps and run.stopped_early is None


def test_a_constant_schedule_trains_exactly_as_no_schedule(framework):
    adapter = _adapter(framework)
    plain = adapter.train_copy(_spec())
    scheduled = adapter.train_copy(replace(_spec(), lr_schedule=lambda step: 0.05))
    np.testing.assert_allclose(scheduled.loss, plain.loss, rtol=1e-5)
    np.testing.assert_allclose(scheduled.final_val_outputs, plain.final_val_outputs, rtol=1e-4, atol=1e-6)


def test_divergence_stops_mid_epoch(framework):
    adapter = _adapter(framework)
    spec = replace(_spec(epochs=20), lr_schedule=(1e-3, 1e4), stop_divergence=4.0)
    run = adapter.train_copy(spec)
    assert run.stopped_early and run.stopped_early.startswith(("diverged", "loss became NaN"))
    assert run.steps < spec.total_steps
    assert run.final_val_outputs is not None


# -- smoothing and suggestion rules --------------------------------------------------------

def test_smoothing_is_debiased_and_stops_at_nan():
    assert lrt.smooth([2.0, 2.0, 2.0]) == pytest.approx([2.0, 2.0, 2.0])
    out = lrt.smooth([1.0, 3.0, math.nan, 1.0])
    assert out[1] == pytest.approx((0.98 * 0.02 * 1.0 + 0.02 * 3.0) / (1 - 0.98 ** 2))
    assert math.isnan(out[2]) and math.isnan(out[3])


def _u_curve(n=150):
    """A textbook range-test curve: flat, a steep descent around lr 1e-2, a minimum, a blow-up."""
    lrs = np.logspace(-7, 1, n)
    t = np.log10(lrs)
    loss = 2.0 - 1.5 / (1 + np.exp(-(t + 2) * 3)) + np.where(t > -0.5, (t + 0.5) ** 2 * 4, 0)
    loss += np.random.default_rng(0).normal(0, 0.005, n)  # batch noise, left after smoothing
    return lrs.tolist(), lrt.smooth(loss.tolist(), beta=0.0)


def test_rules_on_a_textbook_curve():
    lrs, smoothed = _u_curve()
    s = lrt.suggestions(lrs, smoothed)
    assert 3e-3 < s["steepest"] < 3e-2  # the steepest point of the descent
    assert 1e-3 < s["valley"] < 1e-1
    assert 1e-2 < s["min/10"] < 1e-1  # minimum near lr 0.3
    assert s["steepest-valley"] == pytest.approx(math.sqrt(s["steepest"] * s["valley"]))


def test_too_short_a_curve_suggests_nothing():
    assert all(v is None for v in lrt.suggestions([1e-3] * 10, [1.0] * 10).values())
    assert all(v is None for v in lrt.suggestions([1e-3, 1e-2], [1.0, math.nan]).values())


# -- the experiment ------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer,lr", [("sgd", 0.05), ("adam", 1e-3)])
def test_sweep_on_an_easy_problem_suggests_a_sane_lr_and_leaves_the_model_alone(framework, optimizer, lr):
    adapter = _adapter(framework, optimizer, lr)
    before = adapter.state_fingerprint()
    entry = run_experiment("lr_range_test", _context(adapter, _spec(epochs=67)))
    assert_same(before, adapter.state_fingerprint())
    r = entry["result"]
    json.dumps(r)  # JSON-friendly
    assert r["rule"] == lrt.RULE and r["suggested_lr"] == r["suggestions"][lrt.RULE]
    assert 1e-4 <= r["suggested_lr"] <= 1.0, r["suggestions"]
    assert r["valley_lr"] and r["steepest_lr"] and r["min_loss_lr"]
    assert r["suggested_lr"] < r["min_loss_lr"]
    assert len(r["lrs"]) == len(r["losses"]) == len(r["smoothed"]) == r["steps"]
    assert lrt.STEPS_MIN <= r["steps"] <= lrt.STEPS_MAX + 8
    assert r["lrs"][0] == pytest.approx(lrt.START_LR) and all(b > a for a, b in zip(r["lrs"], r["lrs"][1:]))
    assert r["user_lr"] == pytest.approx(lr)
    if r["diverged_at"] is not None:
        assert r["diverged_at"] == pytest.approx(r["lrs"][-1])


def test_a_large_training_set_is_subsampled():
    x, y = blobs(2000, n_classes=2, n_features=4, seed=2)
    x_train, x_val, y_train, y_val = split(x, y)
    adapter = _adapter("torch", "sgd", 0.05)
    spec = TrainSpec(x=x_train, y=y_train, x_val=x_val, y_val=y_val, task="classification", n_classes=2,
                     epochs=3, batch_size=8, seed=0)
    ctx = _context(adapter, spec)
    r = run_experiment("lr_range_test", ctx)["result"]
    assert r["steps"] <= lrt.STEPS_MAX  # one epoch over STEPS_MAX batches, not 3 x 375


# -- wiring: LR001 / LR002 ask for it and cite it --------------------------------------------

def test_lr_rules_cite_the_range_test(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=200.0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, epochs=30, **kwargs)
    assert d.primary_cause == "lr-too-high"
    names = [e["name"] for e in d.to_dict()["experiments"]]
    assert "lr_range_test" in names
    suggested = d.primary.evidence["range_test_lr"]
    assert suggested is None or 1e-5 < suggested < 200.0


def test_lr_too_low_asks_for_the_range_test_once_confirmed():
    x_train, x_val, y_train, y_val = _data()
    model = mlp("torch", 4, 3)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD,
                 **setup("torch", model, optimizer="sgd", lr=1e-4))
    assert d.primary_cause == "lr-too-low"
    names = [e["name"] for e in d.to_dict()["experiments"]]
    assert names.index("lr_range_test") > names.index("lr*10")  # after the control confirmed it
    assert d.primary.evidence["range_test_lr"] > 1e-4
    assert "LR range test" in d.primary.fix
