"""The engine around the experiments: parallel workers, the time budget, the user's state."""

import time
from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from nndoctor import diagnose
from nndoctor.adapters import adapter_for
from nndoctor.experiments import ExperimentContext, run_experiment
from nndoctor.experiments._base import load_all

from ..conftest import assert_same, blobs, mlp, setup, split


def _torch_case(lr=1e-2):
    x_train, x_val, y_train, y_val = split(*blobs(100, n_classes=3, n_features=4, seed=1))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    return model, x_train, y_train, (x_val, y_val)


def test_parallel_workers_reach_the_same_diagnosis():
    model, x, y, val = _torch_case(lr=200.0)
    kwargs = dict(validation_data=val, loss="cross_entropy", optimizer="sgd", lr=200.0, budget=120)
    serial = diagnose(model, x, y, n_jobs=1, **kwargs)
    parallel = diagnose(model, x, y, n_jobs=2, **kwargs)
    assert serial.primary_cause == parallel.primary_cause == "lr-too-high"
    assert sorted(e["name"] for e in serial.experiments) == sorted(e["name"] for e in parallel.experiments)
    assert [f.cause for f in serial.findings] == [f.cause for f in parallel.findings]


def test_learning_curve_reuses_the_recorded_run_for_all_of_the_data():
    model, x_train, y_train, (x_val, y_val) = _torch_case()
    adapter = adapter_for(model, loss="cross_entropy", optimizer="adam", lr=1e-2)
    from nndoctor.adapters import TrainSpec
    spec = TrainSpec(x_train, y_train, x_val, y_val, "classification", 3, epochs=3, batch_size=32,
                     probe_x=x_train[:16])
    ctx = ExperimentContext(adapter=adapter, spec=spec, profile=adapter.profile(), task="classification",
                            n_classes=3, labels_train=y_train, labels_val=y_val, majority=0.34,
                            deadline=time.perf_counter() + 60)
    retrained = run_experiment("learning_curve", ctx)["result"]
    reused = run_experiment("learning_curve", replace(ctx, recorded_run=adapter.train_copy(spec)))["result"]
    assert reused == retrained


def test_a_budget_in_seconds_is_honoured():
    x, y = blobs(2000, n_classes=3, n_features=20, seed=2)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 3))
    start = time.perf_counter()
    d = diagnose(model, x, y, loss="cross_entropy", lr=1e-5, optimizer="sgd", budget=4, epochs=500)
    assert time.perf_counter() - start < 4 * 2.5  # an epoch, a verification run may overrun a little
    assert d.experiments[0]["result"]["stopped_early"].startswith("time limit")


@pytest.mark.parametrize("name", sorted(load_all()))
def test_every_experiment_leaves_the_user_model_and_rng_untouched(framework, name):
    x_train, x_val, y_train, y_val = split(*blobs(60, n_classes=3, n_features=4, seed=1))
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1e-2)
    adapter = adapter_for(model, **{k: v for k, v in kwargs.items()})
    from nndoctor.adapters import TrainSpec
    spec = TrainSpec(x_train, y_train, x_val, y_val, "classification", 3, epochs=3, batch_size=32,
                     probe_x=x_train[:16])
    np.random.seed(7)
    before = adapter.state_fingerprint()
    ctx = ExperimentContext(adapter=adapter, spec=spec, profile=adapter.profile(), task="classification",
                            n_classes=3, labels_train=y_train, labels_val=y_val, majority=0.34,
                            deadline=time.perf_counter() + 60)
    run_experiment(name, ctx)
    after = adapter.state_fingerprint()
    assert_same(before, after)




@pytest.mark.parametrize("shape", [(40,), (40, 1)])
def test_standardized_target_control_takes_1d_and_column_targets(shape):
    """Regression targets come as (N,) as often as (N, 1) (found by the gallery: (N,) crashed)."""
    from nndoctor.adapters import TrainSpec
    from nndoctor.experiments.controls import control_spec
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype(np.float32), (1000 + 50 * rng.normal(size=shape)).astype(np.float32)
    spec = TrainSpec(x[:30], y[:30], x[30:], y[30:], "regression", 0, epochs=1, batch_size=8)
    planned = control_spec("standardize-y", spec, 1e-3)
    assert planned.y.shape == y[:30].shape and abs(float(planned.y.mean())) < 1e-5
    mean, std = planned.target_scale
    np.testing.assert_allclose(planned.y * std + mean, y[:30], rtol=1e-5)
