"""simple_baseline's class-indices comparison: whole-number targets scored as categories and as
a rounded regression on the same split."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from nndoctor.evidence.data import class_indices
from nndoctor.experiments.simple_baseline import _as_classes, _models


@pytest.mark.parametrize("values, expected", [
    (np.arange(3), True), (np.arange(10), True),
    (np.arange(2), False),  # 0/1 under MSE: a fair probability model
    (np.arange(1, 4), False),  # 1..3: not numbered as class indices are
    (np.arange(25), False),  # more values than classes usually have
    (np.array([0.0, 1.0, 2.5]), False),
])
def test_class_indices_are_exactly_0_to_k_minus_1(values, expected):
    assert class_indices(np.repeat(values, 4)) is expected


def _both_ways(x, y):
    x_train, x_val, y_train, y_val = x[::2], x[1::2], y[::2].astype(float), y[1::2].astype(float)
    predictions = {name: model.fit(x_train, y_train).predict(x_val)
                   for name, model in _models("regression").items()}
    return _as_classes(x_train, y_train, x_val, y_val, predictions)


def test_digit_labels_are_categories_not_an_amount():
    x, y = load_digits(return_X_y=True)
    result = _both_ways(x[:600], y[:600])
    assert result["classes"] == 10
    assert result["classifier_accuracy"] - result["rounded_accuracy"] > 0.3


def test_an_ordered_amount_rounds_as_well_as_it_classifies():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 400)
    x = np.column_stack([y + 0.2 * rng.normal(size=400), rng.normal(size=(400, 3))])
    result = _both_ways(x, y)
    assert abs(result["classifier_accuracy"] - result["rounded_accuracy"]) < 0.1
