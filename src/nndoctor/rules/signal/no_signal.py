"""SG001: the labels carry no information about the inputs."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import learned, score_of

SAME = 0.05  # accuracy points (or R^2) within which real and shuffled labels count as equal
BALANCED_GAIN = 0.15  # balanced accuracy above chance that shows signal in minority classes


class NoSignal(Rule):
    """Flags labels that nothing can predict: not the network, not a simple baseline, and the
    network does as well on shuffled labels.

    ## What it does
    When a trained copy of the model does not beat the majority class (a binomial test) or
    reaches R^2 under 0.3, it runs two experiments: the same training on randomly permuted
    labels (`shuffled_label_control`) and scikit-learn baselines on the same split
    (`simple_baseline`: logistic/ridge regression and gradient boosting). If the real labels
    do no better than shuffled ones or the majority class, whichever is higher (within 5 points;
    R^2 0 for regression), and no baseline beats chance either (not in accuracy, against
    always predicting the training majority class scored on the validation labels, and not by 15 points of balanced accuracy, which catches minority classes that
    carry signal on imbalanced data; nor cross-validated within the training data, which a
    validation set prepared differently cannot hide), the labels carry no signal the inputs
    can explain.

    Without validation data nndoctor holds out part of the data the user's model was trained
    on; the network's score there is memory, not learning. There, when no simple model (fitted
    without those samples) finds signal either, the labels are flagged as carrying none at
    confidence 0.7.

    ## Why is this bad?
    No model can learn a mapping that is not there: features and labels misaligned by a
    shuffle or a different file order, the wrong target column, or truly unpredictable data.
    Tuning the network cannot help.

    ## Example
    ```python
    x = features.sample(frac=1.0).to_numpy()   # shuffled rows...
    y = labels.to_numpy()                      # ...but not the labels
    ```

    ## Fix
    Check that features and labels are aligned row by row (same order, same ids) and that the
    target column is the intended one; verify on a few rows by hand.
    """

    code = "SG001"
    cause = "no-signal"
    summary = "nothing beats chance, and shuffled labels score the same as the real ones"

    def _seen_samples_only(self, ev: Evidence, real, baseline: dict):
        """No validation data was given: nndoctor held out part of the data the user's model
        trained on, so the network's score there is memory, not learning. Simple models, fitted
        without those samples, find nothing."""
        cv = baseline.get("train_cv_balanced_accuracy")
        return self.finding(
            "error", 0.7,
            f"No simple model predicts these labels: the best ({baseline.get('best')}) scores "
            f"{fmt_score(baseline.get('best_score'), ev.task)} on the held-out samples"
            + (f", and cross-validated within the training data its balanced accuracy is {100 * cv:.0f}% "
               f"(chance {100 * baseline['chance_balanced_accuracy']:.0f}%)" if cv is not None
               and baseline.get("chance_balanced_accuracy") else "")
            + f". The network's {fmt_score(real, ev.task)} is on samples nndoctor held out of the data the "
            "model was trained on: it remembers them rather than predicting them. Pass validation data "
            "the model never saw to confirm.",
            {"real_label_score": real, "baseline": baseline.get("best"), "baseline_score": baseline.get("best_score"),
             "train_cv_balanced_accuracy": cv, "validation_source": ev.val_source},
            "Check that features and labels line up row by row (same order and ids) and that the target "
            "column is the right one.",
            "assert (features.index == labels.index).all()",
            confirmed_by=["simple_baseline"])

    def wants(self, ev: Evidence) -> set[str]:
        if ev.run is None or ev.run.nonfinite_step is not None:
            return set()  # a NaN loss explains the failure to learn by itself
        if learned(ev.trained_val, ev.task) or learned(ev.given_val, ev.task):
            return set()
        return {"shuffled_label_control"}

    def check(self, ev: Evidence):
        if ev.run is None:
            return None
        real = score_of(ev.trained_val, ev.task)
        baseline = ev.experiments.get("simple_baseline") or {}
        baseline_learns = _baseline_learns(baseline, ev.task)
        if learned(ev.trained_val, ev.task) or learned(ev.given_val, ev.task):
            if ev.val_source == "held-out" and baseline and not baseline_learns:
                return self._seen_samples_only(ev, real, baseline)
            return RuledOut(f"the network learns: {fmt_score(real, ev.task)} on validation")
        control = ev.experiments.get("shuffled_label_control")
        if not control or real is None:
            return None
        shuffled = control.get("control_score")
        evidence = {"real_label_score": real, "shuffled_label_score": shuffled,
                    "baseline": baseline.get("best"), "baseline_score": baseline.get("best_score"),
                    "baseline_beats_chance": baseline_learns}
        if baseline_learns:
            return RuledOut(f"a simple baseline ({baseline.get('best')}) reaches "
                            f"{fmt_score(baseline.get('best_score'), ev.task)}: the data has signal")
        # what no information at all reaches: the shuffled run, or always the majority class
        # (R^2 0), whichever is higher; one shuffled run can land below the majority share
        uninformed = None if shuffled is None else max(shuffled, _majority(ev))
        if uninformed is None or real - uninformed > SAME:
            return RuledOut(f"real labels {fmt_score(real, ev.task)} vs shuffled {fmt_score(shuffled, ev.task)}")
        return self.finding(
            "error", 0.9,
            f"Nothing predicts these labels: the trained network scores {fmt_score(real, ev.task)}, the same "
            f"training on shuffled labels {fmt_score(shuffled, ev.task)}, and the best simple baseline "
            f"({baseline.get('best')}) {fmt_score(baseline.get('best_score'), ev.task)}, no better than chance"
            + (f" or than always predicting the training majority class ({100 * baseline['uninformed_accuracy']:.0f}% "
               "of these validation labels)." if baseline.get("uninformed_accuracy") is not None else "."),
            evidence,
            "Check that features and labels line up row by row (same order and ids) and that the target "
            "column is the right one.",
            "assert (features.index == labels.index).all()",
            confirmed_by=["shuffled_label_control", "simple_baseline"])


def _baseline_learns(baseline: dict, task: str) -> bool:
    """Whether a simple model finds signal: on the validation data (against always predicting
    the training majority class) or, in balanced accuracy, on it or cross-validated within the
    training data."""
    if task == "classification":
        chance = baseline.get("chance_balanced_accuracy") or 1
        balanced_gain = max((baseline.get("best_balanced_accuracy") or 0) - chance,
                            (baseline.get("train_cv_balanced_accuracy") or 0) - chance)
        # against always predicting the training majority class on these validation labels (the
        # experiment's bar), not only the training share
        return bool(baseline.get("best_better_than_majority")) or balanced_gain > BALANCED_GAIN
    return (baseline.get("best_score") or -1) > 0.1


def _majority(ev: Evidence) -> float:
    """The score of always predicting the majority class (R^2 of the mean: 0)."""
    acc = ev.trained_val.accuracy if ev.trained_val is not None else None
    return acc.majority if ev.task == "classification" and acc is not None else 0.0
