"""SI001 / IS001: symmetric and badly scaled initial weights, each with a default-init twin."""

import numpy as np
import pytest

from nndoctor import diagnose

from ..conftest import QUICK, STANDARD, blobs, causes, mlp, setup, split, train

COVERAGE = {
    "bad-init-scale": (["test_init::test_a_model_trained_from_a_huge_init_is_bad_init_scale",
                        "test_init::test_nan_weights_that_a_standard_init_avoids_are_bad_init_scale"],
                       ["test_init::test_a_model_trained_from_the_default_init_is_not_bad_init_scale"]),
}


def _data():
    return split(*blobs(150, n_classes=3, n_features=4, seed=1))


def test_constant_init_is_symmetric_init(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, init=("constant", 0.1))
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "symmetric-init"
    finding = d.primary
    assert finding.evidence["still_symmetric_after_training"]
    assert finding.evidence["reinit_score"] > finding.evidence["score"]


def test_zero_init_is_symmetric_init(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, init="zeros")
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "symmetric-init"


def test_huge_init_is_bad_init_scale(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, hidden=32, init=("normal", 30.0))
    kwargs = setup(framework, model, lr=1e-3)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert "bad-init-scale" in causes(d)
    finding = next(f for f in d.findings if f.cause == "bad-init-scale")
    assert finding.evidence["layers"][0]["ratio_to_standard"] > 5


def test_default_init_twin_has_no_init_finding(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    found = causes(d, ("error", "warning", "info"))
    assert "symmetric-init" not in found and "bad-init-scale" not in found
    ruled = {r["cause"] for r in d.ruled_out}
    assert {"symmetric-init", "bad-init-scale"} <= ruled


def _trained_from(framework, init):
    """The user trained the model (Adam 1e-3, 30 epochs) before asking."""
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, hidden=32, init=init)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=30, lr=1e-3)
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, epochs=28, **kwargs)


def test_a_model_trained_from_a_huge_init_is_bad_init_scale(framework):
    """It learned something from N(0, 10) weights, but far less than a standard init does in
    the same number of further steps."""
    d = _trained_from(framework, ("normal", 10.0))
    assert d.primary_cause == "bad-init-scale"
    assert d.primary.confirmed_by == ["reinit"] and d.primary.evidence["reinit_weight_scale"] < 5
    assert d.primary.evidence["reinit_score"] > d.primary.evidence["score"] + 0.1


def test_a_model_trained_from_the_default_init_is_not_bad_init_scale(framework):
    d = _trained_from(framework, None)
    assert "bad-init-scale" not in causes(d, ("error", "warning", "info"))
    assert any(r["cause"] == "bad-init-scale" for r in d.ruled_out)


@pytest.mark.parametrize("lr", [1e-2, 200.0])
def test_nan_weights_that_a_standard_init_avoids_are_bad_init_scale(framework, lr):
    """Weights that hold NaN (a blown-up training): a standard init trained with the same
    settings learns at lr 1e-2 (so the starting weights were the difference), not at SGD lr 200."""
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, init=("normal", 1.0))
    if framework == "torch":
        import torch
        with torch.no_grad():
            model[0].weight[0, 0] = float("nan")
    else:
        kernel = model.layers[0].kernel
        kernel.assign(np.where(np.arange(kernel.shape[1]) == 0, np.nan, kernel.numpy()).astype("float32"))
    kwargs = setup(framework, model, optimizer="sgd", lr=lr)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.details["fresh_start"] is True
    assert "undertrained" not in causes(d)
    if lr == 200.0:
        assert "bad-init-scale" not in causes(d) and d.primary_cause == "lr-too-high"
    else:
        assert d.primary_cause == "bad-init-scale" and d.primary.severity == "warning"
