"""SI001 / IS001: symmetric and badly scaled initial weights, each with a default-init twin."""

from nndoctor import diagnose

from ..conftest import blobs, causes, mlp, setup, split


def _data():
    return split(*blobs(150, n_classes=3, n_features=4, seed=1))


def test_constant_init_is_symmetric_init(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, init=("constant", 0.1))
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    assert d.primary_cause == "symmetric-init"
    finding = d.primary
    assert finding.evidence["still_symmetric_after_training"]
    assert finding.evidence["reinit_score"] > finding.evidence["score"]


def test_zero_init_is_symmetric_init(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, init="zeros")
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    assert d.primary_cause == "symmetric-init"


def test_huge_init_is_bad_init_scale(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3, hidden=32, init=("normal", 30.0))
    kwargs = setup(framework, model, lr=1e-3)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    assert "bad-init-scale" in causes(d)
    finding = next(f for f in d.findings if f.cause == "bad-init-scale")
    assert finding.evidence["layers"][0]["ratio_to_standard"] > 5


def test_default_init_twin_has_no_init_finding(framework):
    x_train, x_val, y_train, y_val = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget="standard", **kwargs)
    found = causes(d, ("error", "warning", "info"))
    assert "symmetric-init" not in found and "bad-init-scale" not in found
    ruled = {r["cause"] for r in d.ruled_out}
    assert {"symmetric-init", "bad-init-scale"} <= ruled
