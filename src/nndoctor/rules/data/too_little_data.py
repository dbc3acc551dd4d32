"""DA002: too few training examples for the model to generalize."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_pct
from .._measures import learned, score_of

MIN_PER_CLASS = 20
MIN_REGRESSION = 30
FLAT_GAIN = 0.02  # a learning curve gaining less per doubling of the data is flat
HANDFUL = 5  # training samples in the smallest class below which no validation score rules this out
LEARNED_BALANCED = 0.25  # balanced accuracy this far above chance: every class is being learned


class TooLittleData(Rule):
    """Flags a training set too small to show that the model generalizes.

    ## What it does
    Counts training samples (per class for classification; per feature for regression). Below
    20 per class (or 30 samples, or 5 per input feature, for regression) it looks at what the
    data can show: a train/validation gap over 15 points, or a learning curve
    (`learning_curve`: a quarter, half and all of the data) gaining 5+ points per doubling,
    makes it likely; a validation set too small to tell makes it possible. Small data on which
    the model demonstrably generalizes (validation interval well above chance), or on which the
    learning curve is flat (under 2 points per doubling) while every class is learned (balanced
    accuracy 25 points above chance; R^2 above 0.3), is not reported, unless a class has fewer
    than 5 training samples: no validation score shows that a model learned a class from a
    handful of examples.

    ## Why is this bad?
    With a handful of examples the network can fit them exactly without learning the rule
    behind them; its predictions on new data can then be anything.

    ## Example
    ```python
    x_train, x_test, y_train, y_test = train_test_split(x[:10], y[:10], test_size=0.2)
    ```

    ## Fix
    Collect more labelled data, or use a smaller model, regularisation, or data augmentation;
    compare with a simple baseline. The learning-curve experiment says what more data buys.
    """

    code = "DA002"
    cause = "too-little-data"
    summary = "too few training examples to learn or show generalization"

    def _size(self, ev: Evidence) -> tuple[bool, str]:
        n = ev.train.n
        n_features = int(np.prod(ev.train.feature_shape)) if ev.train.feature_shape else 1
        if ev.task == "classification":
            smallest = ev.train.min_class_count or 0
            return smallest < MIN_PER_CLASS, f"{n} training samples, {smallest} in the smallest class"
        return (n < max(MIN_REGRESSION, 5 * n_features),
                f"{n} training samples for {n_features} input feature(s)")

    def wants(self, ev: Evidence) -> set[str]:
        return {"learning_curve"} if ev.run is not None and self._size(ev)[0] and ev.train.n >= 16 else set()

    def check(self, ev: Evidence):
        n = ev.train.n
        small, size_text = self._size(ev)
        if not small:
            return RuledOut(f"{size_text}")
        run = ev.run
        gap = None
        if run is not None and run.train_metric and run.val_metric:
            gap = float(run.train_metric[-1] - run.val_metric[-1]) if np.isfinite(
                run.train_metric[-1]) and np.isfinite(run.val_metric[-1]) else None
        judged = ev.judged
        acc = judged.accuracy
        reliable_good = acc is not None and acc.ci95[0] > max(acc.chance, acc.majority) + 0.2
        if ev.task == "regression":
            reliable_good = (judged.r2 or -1) > 0.8 and ev.val.n >= 20
        # a class with a handful of examples: the model cannot have learned it, whatever a
        # validation set (or nndoctor's own small hold-out) says about the others
        handful = ev.task == "classification" and (ev.train.min_class_count or 0) < HANDFUL
        if reliable_good and (gap is None or gap < 0.15) and not handful:
            return RuledOut(f"{size_text}, but the model generalizes: validation {fmt_pct(score_of(judged, ev.task))}"
                            + (f", interval {fmt_pct(acc.ci95[0])}-{fmt_pct(acc.ci95[1])}" if acc else ""))
        evidence = {"n_train": n, "class_counts": ev.train.class_counts, "train_val_gap": gap,
                    "n_val": ev.val.n, "val_score": score_of(judged, ev.task)}
        curve = ev.experiments.get("learning_curve") or {}
        gain = curve.get("gain_per_doubling")
        evidence["gain_per_doubling"] = gain
        large_gap = (gap is not None and gap > 0.15) or (gain is not None and gain >= 0.05)
        if gain is not None and gain < FLAT_GAIN and not large_gap and _learns_every_class(judged, ev) \
                and not handful:
            return RuledOut(f"{size_text}, but the learning curve is flat ({gain:+.2f} per doubling of the "
                            f"data) at validation {fmt_pct(score_of(judged, ev.task))}: more data would add little")
        message = f"Only {size_text}."
        if gain is not None:
            message += f" Each doubling of the training data adds {gain:+.2f} to the validation score."
        if gap is not None and gap > 0.15:
            message += f" A trained copy fits the training data {100 * gap:.0f} points better than the validation data."
        elif acc is not None:
            message += (f" The {acc.n} validation samples cannot show that it generalizes "
                        f"(accuracy {fmt_pct(acc.value)}, 95% CI {fmt_pct(acc.ci95[0])}-{fmt_pct(acc.ci95[1])}).")
        return self.finding(
            "warning", 0.75 if large_gap else 0.5, message, evidence,
            "Collect more labelled data (tens per class at least), or use a smaller model with "
            "regularisation; check how the validation score grows with the data size.")


def _learns_every_class(judged, ev: Evidence) -> bool:
    """Better than chance on every class together: balanced accuracy (the mean per-class
    recall) well above chance, which imbalanced data cannot fake by predicting the majority."""
    if ev.task == "regression":
        return learned(judged, ev.task)
    recalls = [r for r in (judged.per_class_recall or []) if r is not None]
    if not recalls:
        return False
    return float(np.mean(recalls)) >= 1.0 / len(recalls) + LEARNED_BALANCED
