"""Script checks that compare the model a script produced with the diagnosis's trained copy."""

import numpy as np
import pytest

from nndoctor.intercept.copy_comparisons import copy_gap, loss_broadcast, lr_schedule_collapse, lr_schedule_rise
from nndoctor.result import Diagnosis

PER_BATCH_STEP_LR = (0.05 * 0.5 ** np.arange(450)).tolist()  # StepLR(step_size=1, gamma=0.5) every batch
COSINE = (0.05 * 0.5 * (1 + np.cos(np.pi * np.arange(450) / 450))).tolist()  # over the whole run
WARMUP_THEN_COLLAPSE = np.linspace(0.0, 0.1, 20).tolist() + (0.1 * 0.5 ** np.arange(430)).tolist()


def scores(given, copy, task="classification"):
    if task == "classification":
        def acc(value):
            return {"value": value, "ci95": [value - 0.05, value + 0.05], "better_than_majority": value > 0.2}
        metrics = {"val_accuracy": acc(given), "trained_copy_val_accuracy": acc(copy)}
    else:
        metrics = {"val_r2": given, "trained_copy_val_r2": copy}
    return Diagnosis(task={"kind": task}, findings=[], metrics=metrics)


@pytest.mark.parametrize("trace", [PER_BATCH_STEP_LR, WARMUP_THEN_COLLAPSE])
def test_a_schedule_that_collapses_early_is_lr_too_low_when_the_copy_does_better(trace):
    finding = lr_schedule_collapse(trace, scores(0.11, 0.97))
    assert (finding.code, finding.cause, finding.severity) == ("RUN008", "lr-too-low", "error")
    assert finding.evidence["peak_lr"] == pytest.approx(max(trace))
    assert finding.evidence["step_under_1pct_of_peak"] < 40


def test_a_schedule_that_decays_over_the_whole_run_is_not_flagged():
    assert lr_schedule_collapse(COSINE, scores(0.11, 0.97)) is None
    assert lr_schedule_collapse([0.01] * 450, scores(0.11, 0.97)) is None  # constant


def test_a_collapse_that_did_no_harm_is_not_flagged():
    assert lr_schedule_collapse(PER_BATCH_STEP_LR, scores(0.95, 0.97)) is None
    assert lr_schedule_collapse(PER_BATCH_STEP_LR, scores(0.5, 0.6, "regression")) is None


def test_copy_gap_reads_accuracy_or_r2():
    assert copy_gap(scores(0.5, 0.55)) is None  # inside the interval
    gap = copy_gap(scores(0.1, 0.9))
    assert gap["metric"] == "val_accuracy" and gap["severe"]
    gap = copy_gap(scores(0.5, 0.75, "regression"))
    assert gap["metric"] == "val_r2" and not gap["severe"]
    assert copy_gap(scores(float("nan"), 0.8, "regression"))["severe"]


RANGE_TEST_LEFT_IN = ([1e-4 * 10 ** (e / 4) for e in range(30)],  # LearningRateScheduler of a range test
                      [2.0, 1.2, 0.6, 0.3, 0.2, 0.15, 0.12, 0.2, 0.9, 3.5] + [2.4] * 20)
WARMUP_THAT_LEARNS = ([1e-3 * min(1.0, (e + 1) / 10) for e in range(30)],  # capped warm-up: loss keeps falling
                      [2.0 / (1 + e) for e in range(30)])


def test_a_rate_that_kept_rising_until_the_loss_climbed_back_is_lr_too_high():
    finding = lr_schedule_rise(*RANGE_TEST_LEFT_IN)
    assert (finding.code, finding.cause, finding.severity) == ("RUN010", "lr-too-high", "error")
    assert finding.evidence["best_epoch"] == 7 and finding.evidence["final_lr"] > 10 * finding.evidence["lr_at_best"]
    nan_end = (RANGE_TEST_LEFT_IN[0], RANGE_TEST_LEFT_IN[1][:-1] + [float("nan")])
    assert lr_schedule_rise(*nan_end).severity == "error"


def test_a_warm_up_whose_loss_keeps_falling_is_not_flagged():
    assert lr_schedule_rise(*WARMUP_THAT_LEARNS) is None
    rates, losses = RANGE_TEST_LEFT_IN
    assert lr_schedule_rise([1e-3] * 30, losses) is None  # the loss climbed, but the rate did not rise
    assert lr_schedule_rise(rates[:3], losses[:3]) is None  # too few epochs to tell


def test_a_hand_written_loss_that_broadcast_is_confirmed_by_the_copy():
    shapes = ((64, 1), (64,))
    finding = loss_broadcast(shapes, scores(0.03, 0.95, "regression"))
    assert (finding.code, finding.cause, finding.severity) == ("RUN011", "shape-broadcast", "error")
    assert loss_broadcast(shapes, scores(0.9, 0.92, "regression")).severity == "warning"
    assert loss_broadcast(None, scores(0.03, 0.95, "regression")) is None
