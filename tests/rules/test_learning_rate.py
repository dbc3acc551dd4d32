"""LR001 / LR002: a learning rate far too high or too low, each with a healthy twin."""

import numpy as np

from nndoctor import diagnose

from ..conftest import blobs, causes, mlp, setup, split


def _data():
    x, y = blobs(150, n_classes=3, n_features=4, seed=1)
    return split(x, y)


def test_absurd_sgd_lr_is_lr_too_high(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=200.0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    assert d.primary_cause == "lr-too-high"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["control_lr"] < 200.0
    assert finding.confirmed_by and finding.confirmed_by[0].startswith("lr/")


def test_tiny_lr_is_lr_too_low(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=1e-5)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    assert d.primary_cause == "lr-too-low"
    finding = d.primary
    assert finding.evidence["control_lr"] > 1e-5
    assert finding.evidence["control_score"] > finding.evidence["score"] + 0.1


def test_good_lr_twin_has_no_lr_finding(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, optimizer="sgd", lr=0.05)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    found = causes(d)
    assert "lr-too-high" not in found and "lr-too-low" not in found
    assert any(r["cause"] == "lr-too-high" for r in d.ruled_out)


def test_seed_regression_large_lr_oscillates_small_lr_does_not(framework):
    """The seed's snippet 2 as nndoctor sees it: y = 2x + 1 + noise, Adam, lr 1.0 vs 0.001."""
    rng = np.random.default_rng(0)
    x = np.linspace(0, 10, 100).reshape(-1, 1).astype(np.float32)
    y = (2 * x + 1 + rng.normal(size=(100, 1)) * 2).astype(np.float32)
    verdicts = {}
    for lr in (1.0, 0.01):
        model = _linear(framework)
        kwargs = setup(framework, model, loss="mse", lr=lr)
        verdicts[lr] = diagnose(model, x, y, budget="standard", epochs=150, **kwargs)
    assert "lr-too-high" in causes(verdicts[1.0])
    assert "lr-too-high" not in causes(verdicts[0.01])


def _linear(framework):
    if framework == "torch":
        import torch
        torch.manual_seed(0)
        return torch.nn.Linear(1, 1)
    import keras
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
