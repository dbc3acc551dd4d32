"""Issue 3's promises on digits: label noise estimated, permuted labels named no-signal, an
absurd learning rate named and its fix verified by retraining."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from nndoctor import diagnose

from ..conftest import STANDARD, causes, mlp, setup, train


@pytest.fixture(scope="module")
def digits():
    x, y = load_digits(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def test_thirty_percent_noisy_labels_are_estimated_within_ten_points(framework, digits):
    x_train, x_val, y_train, y_val = digits
    rng = np.random.default_rng(0)
    noisy = y_train.copy()
    replaced = rng.choice(len(noisy), int(0.3 * len(noisy)), replace=False)
    noisy[replaced] = rng.integers(0, 10, len(replaced))
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, noisy, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, noisy, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    finding = next(f for f in d.findings if f.cause == "label-noise")
    assert abs(finding.evidence["estimated_noise_rate"] - 0.3) <= 0.10
    assert abs(finding.evidence["estimated_noise_rate"] - np.mean(noisy != y_train)) <= 0.10
    assert finding.evidence["most_suspicious"]


def test_clean_labels_twin_has_no_label_noise(framework, digits):
    x_train, x_val, y_train, y_val = digits
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert "label-noise" not in causes(d)
    assert d.verdict == "healthy", [f.message for f in d.findings]


def test_permuted_labels_are_no_signal(framework, digits):
    x_train, x_val, y_train, y_val = digits
    rng = np.random.default_rng(0)
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x_train, rng.permutation(y_train), validation_data=(x_val, rng.permutation(y_val)),
                 budget=STANDARD, **kwargs)
    assert d.primary_cause == "no-signal"
    assert {"shuffled_label_control", "simple_baseline"} <= set(d.primary.confirmed_by)


def test_absurd_sgd_lr_is_named_and_its_fix_verified(framework, digits):
    x_train, x_val, y_train, y_val = digits
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, optimizer="sgd", lr=500.0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    top = d.findings[0]
    assert top.cause == "lr-too-high"
    verified = top.verified
    assert verified["metric"] == "val_accuracy"
    assert 0 <= verified["before"] <= 1 and 0 <= verified["after"] <= 1
    assert verified["after"] - verified["before"] > 0.30
    assert len(verified["after_per_seed"]) >= 3
    names = [e["name"] for e in d.to_dict()["experiments"]]
    assert "recorded_run" in names and "fix_and_retrain" in names
    assert all(e["seconds"] >= 0 for e in d.to_dict()["experiments"])


@pytest.mark.parametrize("aligned", [False, True])
def test_labels_misaligned_with_a_validation_set_leaning_to_one_class(framework, aligned):
    """Rows shuffled without their labels, and a validation set 85% of one class (60% in
    training). Always predicting that class scores 85% on it, so a baseline at 80% is not
    signal, although it beats the training majority share. The aligned twin has signal."""
    from sklearn.datasets import load_breast_cancer

    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    rng = np.random.default_rng(0)
    if not aligned:
        x = x[rng.permutation(len(x))]
    ones, zeros = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    val = np.concatenate([ones[:102], zeros[:18]])
    train_idx = np.setdiff1d(np.arange(len(y)), val)
    model = mlp(framework, 30, 2, hidden=16)
    kwargs = setup(framework, model, lr=1e-2)
    d = diagnose(model, x[train_idx], y[train_idx], validation_data=(x[val], y[val]), budget=STANDARD, **kwargs)
    baseline = next(e["result"] for e in d.experiments if e["name"] == "simple_baseline")
    assert baseline["uninformed_accuracy"] == pytest.approx(0.85)
    if aligned:
        assert "no-signal" not in causes(d)
    else:
        assert d.primary_cause == "no-signal", [f.message for f in d.findings]
        assert "85% of these validation labels" in d.primary.message


@pytest.mark.parametrize("aligned", [False, True])
def test_labels_shifted_by_a_row_without_validation_data(framework, aligned):
    """No validation data: nndoctor holds out part of what the user's model trained on, so the
    network's score there is memory. Labels shifted one row (no signal left) are named by what
    simple models, fitted without those samples, cannot find; the aligned twin is not."""
    from sklearn.datasets import load_wine

    x, y = load_wine(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = StandardScaler().fit_transform(x[order]).astype(np.float32), y[order]
    if not aligned:
        y = np.roll(y, 1)
    model = mlp(framework, 13, 3, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x, y, epochs=60, lr=1e-2)
    d = diagnose(model, x, y, budget=STANDARD, **kwargs)
    if aligned:
        assert "no-signal" not in causes(d)
    else:
        assert d.primary_cause == "no-signal", [f.message for f in d.findings]
        assert d.primary.evidence["validation_source"] == "held-out"
