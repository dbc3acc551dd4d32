"""LN001: wrong labels put at random are named; classes that merely overlap are not (the
labels that disagree with the inputs then sit at class boundaries only)."""

import numpy as np
from sklearn.datasets import make_blobs

from nndoctor import diagnose

from ..conftest import QUICK, causes, mlp, setup, split, train


def _blobs(spread):
    x, y = make_blobs(n_samples=[200] * 3, n_features=2, cluster_std=spread, random_state=4, center_box=(-5, 5))
    return split(x.astype(np.float32), y.astype(np.int64))


def _diagnosed(framework, x_train, y_train, x_val, y_val):
    model = mlp(framework, 2, 3, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=30, lr=1e-2)
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)


def test_labels_replaced_at_random_are_label_noise(framework):
    """Separated classes, 30% of the labels replaced by a random class: noise in the confident
    region too."""
    x_train, x_val, y_train, y_val = _blobs(1.0)
    rng = np.random.default_rng(0)
    noisy = y_train.copy()
    hit = rng.choice(len(noisy), int(0.3 * len(noisy)), replace=False)
    noisy[hit] = rng.integers(0, 3, len(hit))
    d = _diagnosed(framework, x_train, noisy, x_val, y_val)
    assert "label-noise" in causes(d)


def test_overlapping_classes_are_not_label_noise(framework):
    """Healthy twin: wide blobs that overlap (a linear classifier reaches about 65%), labels all right.
    cleanlab counts the boundary samples as 'wrong'; the confident quarter agrees with its labels."""
    x_train, x_val, y_train, y_val = _blobs(2.0)
    d = _diagnosed(framework, x_train, y_train, x_val, y_val)
    assert "label-noise" not in causes(d)
    finding = next(f for f in d.findings if f.cause == "label-noise")
    assert finding.severity == "info"
    assert finding.evidence["estimated_noise_rate"] >= 0.15  # what cleanlab alone would have reported
    assert finding.evidence["confident_quarter"]["p_value"] < 0.01


def _claims(drawn: bool):
    """A tabular binary task (1600 rows, 6 features): labels drawn at random from a logistic
    P(y | x), as outcomes like claims or churn are (``drawn``), or the most likely label with 20%
    of them flipped at random."""
    rng = np.random.default_rng(21)
    x = rng.normal(size=(1600, 6)).astype(np.float32)
    logit = x @ np.array([1.3, 0.9, 0.7, 0.5, 0.0, 0.0], dtype=np.float32)
    if drawn:
        y = (rng.random(1600) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    else:
        y = (logit > 0).astype(np.int64)
        flip = rng.random(1600) < 0.2
        y[flip] = 1 - y[flip]
    return split(x, y)


def _diagnosed_binary(framework, data):
    x_train, x_val, y_train, y_val = data
    model = mlp(framework, 6, 2, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)


def test_labels_drawn_from_a_smooth_probability_are_not_label_noise(framework):
    """About 20% of the labels disagree with the most likely class, as cleanlab estimates, but
    among the samples predicted most confidently far fewer than 15% do: the outcome is uncertain
    near the boundary, the labels are not wrong."""
    d = _diagnosed_binary(framework, _claims(drawn=True))
    assert "label-noise" not in causes(d), [f.message for f in d.findings]
    finding = next(f for f in d.findings if f.cause == "label-noise")
    assert finding.severity == "info" and finding.evidence["estimated_noise_rate"] >= 0.15
    assert finding.evidence["confident_quarter"]["upper"] < 0.15


def test_the_same_table_with_a_fifth_of_the_labels_flipped_is_label_noise(framework):
    d = _diagnosed_binary(framework, _claims(drawn=False))
    assert "label-noise" in causes(d), [f.message for f in d.findings]
