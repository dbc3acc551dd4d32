"""Script checks that compare the model a script produced with the diagnosis's trained copy."""

import numpy as np
import pytest

from nndoctor.intercept.copy_comparisons import copy_gap, lr_schedule_collapse
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
