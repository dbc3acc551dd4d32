"""PL002: a classification loss on continuous targets, or a regression loss on class labels."""

from __future__ import annotations

import numpy as np

from ...evidence.data import MAX_CLASSES, amount_like, class_indices
from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import CLEAR_MARGIN, learned, score_of
from ._facts import (framework_error, learned_despite_it, loss_label, output_activation, shape_text,
                     value_range)

ORDINAL_MARGIN = 0.05  # rounded predictions within 5 points of the majority share learned nothing
ORDINAL_FIT = 0.9  # rounded predictions this accurate: the indices behave like an ordered amount
BASELINE = "simple_baseline"


class WrongLossForTask(Rule):
    """Flags a loss made for the other kind of task than the targets.

    ## What it does
    Reads the loss and the training targets before any training. A classification loss
    (cross-entropy, `NLLLoss`) on targets that are not whole numbers is flagged, except
    binary cross-entropy on soft labels in [0, 1]; so are whole numbers that read as an amount:
    over 20 distinct values, the median one held by at most 2 training samples (a score or a
    count, each value a "class" with one or two examples). A regression loss (MSE, MAE, Huber) is
    flagged when the targets are class labels (whole numbers with at most max(20, units)
    values, one per sample) and the output layer has several units, or when the output layer
    ends in softmax (a classification set-up). Targets that are exactly 0..K-1 (K >= 3)
    regressed through one unit may be class indices or an ordered amount (ratings). The
    `simple_baseline` experiment settles it: when a classifier on the same
    split clearly beats every rounded regression (a ridge and a boosted tree rounded, and the
    copy), by 10 points and beyond its interval, the numbers name categories and no learning
    rate would make a regression of them a good classifier (confidence 0.9; an error when the
    copy's rounded predictions are close to guessing, else a warning). When it does not, they
    behave like an ordered amount (a rating, a count) and the finding is info only. Without
    that experiment the copy's rounded predictions decide: an error when they are no better
    than the majority class (or R^2 <= 0.3), a warning when under 90% are right, else info.
    It quotes the framework's error when the recorded run failed, and the trained copy's score
    otherwise.

    `diagnose()` accepts continuous targets with a classification loss so that this rule can
    answer (before, it raised a ValueError): the arguments are valid data, it is the set-up
    that is wrong, and the user's own `fit` often trains on them silently (Keras casts 2.7 to
    class 2). Integer labels outside 0..C-1 still raise a ValueError naming the argument.

    ## Why is this bad?
    A classification loss reads each target as a class index: 2.7 becomes class 2, 57.3 an
    index past the last unit (a crash), and binary cross-entropy on targets above 1 has no
    minimum. A regression loss on class labels measures how far an output is from the number
    of the class, as if class 2 were "between" classes 1 and 3; with several output units
    every unit is pulled towards that number, and no output means "this class".

    ## Example
    ```python
    model.compile(loss="sparse_categorical_crossentropy")
    model.fit(x, house_prices)  # continuous targets
    nn.MSELoss()(model(x), labels)  # (N, 3) scores against (N,) class ids
    ```

    ## Fix
    Continuous targets: a regression loss (MSE) and one linear output unit per target. Class
    labels: integer labels 0..C-1 with sparse categorical cross-entropy (torch
    `nn.CrossEntropyLoss` on raw scores) and one output unit per class.
    """

    code = "PL002"
    cause = "wrong-loss-for-task"
    summary = "a classification loss on continuous targets, or a regression loss on class labels"

    def check(self, ev: Evidence):
        if ev.train.targets is None:
            return None
        if ev.model.loss_task == "classification":
            return self._continuous_targets(ev)
        if ev.model.loss_task == "regression":
            return self._class_labels(ev)
        return None

    def _continuous_targets(self, ev: Evidence):
        shape, label = ev.train.target_shape, loss_label(ev)
        if len(shape) == 1 and shape[0] > 1:
            return RuledOut(f"the targets have one column per class {shape_text(shape)}, as {label} accepts")
        values = _finite(ev.train.targets)
        if ev.train.integer_targets and values.size and amount_like(values):
            return self._amount_as_classes(ev, values, label)
        if ev.train.integer_targets or values.size == 0:
            return RuledOut(f"the targets are whole numbers (class indices), as {label} expects")
        lo, hi = value_range(values)
        binary = ev.model.loss_name == "binary_crossentropy"
        if binary and lo >= 0.0 and hi <= 1.0:
            return RuledOut(f"the targets lie in [0, 1] ({lo:.2f} to {hi:.2f}): soft labels, valid for {label}")
        fractional = values[np.abs(values - np.rint(values)) > 1e-6]
        example = float(fractional[0])
        units = ev.model.output_units
        evidence = {"loss": label, "n_targets": int(values.size), "distinct_values": int(np.unique(values).size),
                    "target_range": [lo, hi], "fraction_not_whole": float(fractional.size / values.size),
                    "example": example, "output_units": units, "framework_error": framework_error(ev)}
        message = (f"The loss {label} is a classification loss, but the {values.size} training targets are "
                   f"continuous: {evidence['distinct_values']} distinct values from {lo:.4g} to {hi:.4g}, "
                   f"{100 * evidence['fraction_not_whole']:.0f}% of them not whole numbers (e.g. {example:.4g}).")
        if binary:
            message += (" Binary cross-entropy expects 0/1 labels or probabilities in [0, 1]; with targets "
                        "outside [0, 1] it has no minimum.")
        else:
            message += (f" It reads each target as a class index: {example:.4g} becomes class {int(example)}, "
                        f"while the output layer's {units} unit(s) stand for classes 0..{max(units, 2) - 1}.")
        message += _outcome(ev, evidence)
        keras = ev.framework == "keras"
        return self.finding(
            "error", 0.95, message, evidence,
            "For a continuous target use a regression loss (MSE) with one linear output unit; if the "
            "target really is a class, encode it as integer labels 0..C-1 first.",
            'model.compile(loss="mse", optimizer=...)  # output layer keras.layers.Dense(1)' if keras
            else "loss = nn.MSELoss()  # output nn.Linear(hidden, 1), targets y.reshape(-1, 1)")

    def _amount_as_classes(self, ev: Evidence, values: np.ndarray, label: str):
        """Whole numbers with hundreds of values, most held by one or two samples: a score or a
        count read as class indices (diabetes progression 25..346 into 347 softmax units)."""
        distinct, counts = np.unique(values, return_counts=True)
        lo, hi = value_range(values)
        evidence = {"kind": "amount-as-class-indices", "loss": label, "n_targets": int(values.size),
                    "distinct_values": int(distinct.size), "target_range": [lo, hi],
                    "median_samples_per_value": float(np.median(counts)), "output_units": ev.model.output_units,
                    "framework_error": framework_error(ev)}
        message = (f"The loss {label} is a classification loss, but the {values.size} training targets read as an "
                   f"amount, not as classes: {distinct.size} distinct whole numbers from {lo:.4g} to {hi:.4g}, the "
                   f"median value held by {evidence['median_samples_per_value']:g} sample(s). Each value becomes a "
                   "class of its own, with one or two examples to learn it from, and a prediction one unit off "
                   "counts as wholly wrong." + _outcome(ev, evidence))
        keras = ev.framework == "keras"
        return self.finding(
            "error", 0.95, message, evidence,
            "Treat the target as a number: a regression loss (MSE) with one linear output unit (standardize "
            "the target); if it really is a category, group the values into a few classes 0..C-1 first.",
            'model.compile(loss="mse", optimizer=...)  # output layer keras.layers.Dense(1)' if keras
            else "loss = nn.MSELoss()  # output nn.Linear(hidden, 1), targets y.float().reshape(-1, 1)")

    def _class_labels(self, ev: Evidence):
        units, label = ev.model.output_units, loss_label(ev)
        act, source = output_activation(ev)
        values = _finite(ev.train.targets)
        classes = np.unique(values) if values.size else values
        labels_like = bool(ev.train.integer_targets and 0 < classes.size <= max(MAX_CLASSES, units))
        one_per_sample = ev.train.target_shape in ((), (1,))
        evidence = {"loss": label, "output_units": units, "output_activation": act,
                    "target_shape": shape_text(ev.train.target_shape), "framework_error": framework_error(ev)}
        if labels_like and one_per_sample and units > 1:
            evidence.update(kind="regression-loss-on-class-labels", classes=classes.tolist())
            message = (f"The loss {label} is a regression loss, but the targets are class labels: "
                       f"{values.size} whole numbers taking {classes.size} values "
                       f"({_list(classes)}), one per sample, against an output layer of {units} units. "
                       f"The loss compares each of the {units} outputs with the class number instead of "
                       "scoring one output per class." + _outcome(ev, evidence))
            return self.finding("error", 0.95, message, evidence, *self._classification_fix(ev))
        if act == "softmax" and units > 1:
            evidence.update(kind="softmax-output-with-regression-loss",
                            trained_copy_score=score_of(ev.trained_val, ev.task))
            seen = "; seen in its outputs" if source == "outputs" else ""
            useful = learned_despite_it(ev)
            message = (f"The output layer is set up for classification ({units} units with softmax{seen}), "
                       f"but the loss {label} is a regression loss: it scores probabilities by their "
                       "distance to the targets, and its gradient through the softmax vanishes exactly "
                       "when a prediction is confidently wrong." + _outcome(ev, evidence))
            return self.finding("warning" if useful else "error", 0.8, message, evidence,
                                *self._classification_fix(ev))
        if labels_like and one_per_sample and units == 1 and class_indices(classes):
            return self._class_indices_on_one_unit(ev, classes, evidence)
        kind = "class-like whole-number" if labels_like else "continuous"
        return RuledOut(f"a regression loss on {kind} targets {shape_text(ev.train.target_shape)} with "
                        f"{units} output unit(s) and no softmax")

    def _class_indices_on_one_unit(self, ev: Evidence, classes: np.ndarray, evidence: dict):
        """Targets 0..K-1 (K >= 3) regressed through one unit: categories or an ordered amount?"""
        k, label = classes.size, evidence["loss"]
        use_copy = ev.run is not None and ev.run.final_val_outputs is not None
        outputs = ev.run.final_val_outputs if use_copy else ev.given_val_outputs
        y = np.asarray(ev.val.targets, dtype=np.float64).reshape(-1)
        pred = np.clip(np.rint(np.asarray(outputs, dtype=np.float64).reshape(-1)), 0, k - 1)
        ok = np.isfinite(y) & np.isfinite(pred)
        if not ok.any():
            return None
        rounded = float(np.mean(pred[ok] == y[ok]))
        majority = float(np.bincount(y[ok].astype(int)).max() / ok.sum())
        summary = ev.trained_val if use_copy else ev.given_val
        r2 = summary.r2 if summary is not None else None
        evidence.update(kind="regression-on-class-indices", classes=classes.tolist(), rounded_accuracy=rounded,
                        majority_share=majority, r2=r2)
        as_classes = (ev.experiments.get(BASELINE) or {}).get("class_indices")
        if as_classes:
            evidence.update(classifier_accuracy=as_classes["classifier_accuracy"],
                            classifier=as_classes["classifier"],
                            rounded_regression_accuracy=as_classes["rounded_accuracy"])
        who = "trained copy" if use_copy else "model as given"
        message = (f"The targets look like class indices: whole numbers taking exactly the values "
                   f"{_list(classes)} (0..{k - 1}), regressed with {label} through one output unit. A "
                   "regression treats them as amounts on one line: class 2 counts as twice class 1, and "
                   "a sample that could be class 0 or 2 is predicted as class 1. Rounded to the nearest "
                   f"class, the {who}'s validation predictions are right for {100 * rounded:.0f}% "
                   f"(majority class {100 * majority:.0f}%; R^2 {'n/a' if r2 is None else f'{r2:.2f}'}).")
        if _categories(as_classes, rounded):
            severity = "error" if rounded <= majority + ORDINAL_MARGIN or not learned(summary, ev.task) \
                else "warning"
            message += (f" Scored as categories, a {as_classes['classifier'].replace('_', ' ')} classifier "
                        f"predicts {100 * as_classes['classifier_accuracy']:.0f}% of the same validation "
                        f"samples; regressed as numbers and rounded, the best simple model reaches "
                        f"{100 * as_classes['rounded_accuracy']:.0f}% "
                        f"({as_classes['rounded_regression'].replace('_', ' ')}): "
                        "the numbers name categories, not an amount, and no learning rate makes a "
                        "regression of them a good classifier.")
            return self.finding(severity, 0.9, message, evidence, *self._classification_fix(ev),
                                confirmed_by=[BASELINE])
        if as_classes:  # scored both ways, and classes did not clearly win: an ordered amount
            return self.finding("info", 0.5, message + f" Scored as categories, a classifier does no clearly "
                                f"better ({100 * as_classes['classifier_accuracy']:.0f}% vs "
                                f"{100 * as_classes['rounded_accuracy']:.0f}% for the best simple regression, "
                                "rounded): here the numbers behave like an ordered amount.", evidence,
                                *self._classification_fix(ev))
        if rounded <= majority + ORDINAL_MARGIN or not learned(summary, ev.task):
            return self.finding("error", 0.8, message + " These predictions are close to guessing.",
                                evidence, *self._classification_fix(ev))
        if rounded < ORDINAL_FIT:
            return self.finding("warning", 0.6, message + " If the numbers name categories, a classifier "
                                "scores them directly.", evidence, *self._classification_fix(ev))
        return self.finding("info", 0.5, message + " Here they behave like an ordered amount; if they "
                            "name categories, a classifier is the safer choice.", evidence,
                            *self._classification_fix(ev))

    @staticmethod
    def _classification_fix(ev: Evidence) -> tuple[str, str]:
        if ev.framework == "keras":
            return ("Use a classification loss: sparse categorical cross-entropy on integer labels, one "
                    "output unit per class with softmax.",
                    'model.compile(loss="sparse_categorical_crossentropy", optimizer=...)  # Dense(C, activation="softmax")')
        return ("Use a classification loss: nn.CrossEntropyLoss on the raw scores of one output unit per "
                "class, with integer labels.", "loss = nn.CrossEntropyLoss()  # no Softmax module, targets of dtype long")


def _categories(as_classes: dict | None, network_rounded: float) -> bool:
    """A classifier clearly beats every rounded regression (simple models' and the network's):
    beyond the margin, and beyond the rounded accuracy with its interval's lower end."""
    if not as_classes:
        return False
    regression = max(as_classes["rounded_accuracy"], network_rounded)
    return (as_classes["classifier_accuracy"] - regression >= CLEAR_MARGIN["classification"]
            and as_classes["classifier_ci95"][0] > regression)


def _outcome(ev: Evidence, evidence: dict) -> str:
    """What the recorded run showed: the framework's error, or the trained copy's score."""
    if evidence.get("framework_error"):
        return f" The recorded run failed with {evidence['framework_error']!r}."
    if ev.run is not None:
        score = score_of(ev.trained_val, ev.task)
        return f" The trained copy scores {fmt_score(score, ev.task)}."
    return ""


def _finite(targets) -> np.ndarray:
    a = np.asarray(targets, dtype=np.float64).reshape(-1)
    return a[np.isfinite(a)]


def _list(values, limit: int = 6) -> str:
    shown = ", ".join(f"{v:g}" for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")
