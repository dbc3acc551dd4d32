"""Wilson intervals and tests against chance/majority, checked against known values."""

import numpy as np
import pytest

from nndoctor.evidence.stats import accuracy_report, wilson_interval


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson_interval(2, 2)
    assert low == pytest.approx(0.3424, abs=1e-4) and high == pytest.approx(1.0)
    low, high = wilson_interval(39, 40)
    assert low == pytest.approx(0.8712, abs=1e-4) and high == pytest.approx(0.9956, abs=1e-4)


def test_two_correct_of_two_is_not_better_than_chance():
    report = accuracy_report(np.array([0, 1]), np.array([0, 1]), n_classes=2)
    assert report.value == 1.0
    assert report.p_vs_chance == pytest.approx(0.25)
    assert not report.better_than_chance


def test_majority_rate_test_catches_a_constant_predictor():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    report = accuracy_report(y, np.zeros(100, int), n_classes=2)
    assert report.value == 0.9 and report.majority == 0.9
    assert report.better_than_chance and not report.better_than_majority


def _summary(y, pred, n_classes=2):
    from nndoctor.evidence.outputs import summarize_predictions
    outputs = np.eye(n_classes)[pred] * 4.0  # logits whose argmax is ``pred``
    return summarize_predictions(outputs, y, task="classification", n_classes=n_classes, output_activation="linear",
                                 loss_name="sparse_categorical_crossentropy", labels=y)


def test_balanced_accuracy_tells_a_class_weighted_model_from_a_constant_one():
    """95:5 labels. A model trained with class weights trades majority accuracy for minority
    recall: 90% accuracy (under the 95% majority share) yet balanced accuracy 0.85 (1/2 for
    anything that learned nothing). A constant prediction, and a random one, stay unlearned."""
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(570, int), np.ones(30, int)]
    weighted = y.copy()
    weighted[rng.choice(570, 51, replace=False)] = 1  # 91% recall on the majority
    weighted[570 + rng.choice(30, 6, replace=False)] = 0  # 80% on the minority
    learned = _summary(y, weighted)
    assert learned.accuracy.value < learned.accuracy.majority and not learned.accuracy.better_than_majority
    assert learned.balanced_accuracy == pytest.approx((519 / 570 + 24 / 30) / 2)
    assert learned.learned_something
    assert not _summary(y, np.zeros(600, int)).learned_something
    assert not _summary(y, rng.integers(0, 2, 600)).learned_something


def test_balanced_accuracy_needs_two_classes_present():
    summary = _summary(np.zeros(50, int), np.zeros(50, int))
    assert summary.balanced_accuracy is None and not summary.learned_something
