"""UT001: an untrained model must be named undertrained; a trained twin must not."""

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, mlp, setup, split, train


def test_untrained_model_is_undertrained(framework):
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.primary_cause == "undertrained"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["trained_copy_score"] > 0.9
    assert finding.evidence["given_score"] < 0.7
    assert "recorded_run" in finding.confirmed_by


def test_trained_twin_is_not_undertrained(framework):
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=40, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "undertrained" not in causes(d)
    assert d.verdict == "healthy"
    assert d.metrics["val_accuracy"]["value"] > 0.9
