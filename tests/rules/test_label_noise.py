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
