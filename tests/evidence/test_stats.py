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
