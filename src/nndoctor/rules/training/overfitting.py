"""OV001: the model memorizes the training set and does not generalize."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import score_of
from ..signal.label_noise import boundary_only

MEMORIZED = {"classification": 0.95, "regression": 0.9}
GAP = {"classification": 0.25, "regression": 0.4}
SIMPLE_DROP = 0.2  # a simple model's own drop from training (cross-validated) to validation
DATA_HELPS = 0.05  # validation gain per doubling of data above which more data is the answer
MIN_PER_CLASS, MIN_VAL = 20, 30  # below these, too-little-data / unreliable-evaluation speak instead
MAX_CLASS_SHIFT = 0.4  # total variation between train and validation class shares (DA007's bar)


def _class_shift(ev: Evidence) -> float | None:
    """Total variation distance between the training and validation class shares."""
    a, b = ev.train.class_counts, ev.val.class_counts
    if not a or not b:
        return None
    size = max(len(a), len(b))
    p = [c / max(sum(a), 1) for c in a] + [0.0] * (size - len(a))
    q = [c / max(sum(b), 1) for c in b] + [0.0] * (size - len(b))
    return 0.5 * sum(abs(u - v) for u, v in zip(p, q))


class Overfitting(Rule):
    """Flags a large train/validation gap that more data does not close.

    ## What it does
    Compares training and validation scores (of the model as given if it learned, else of the
    trained copy): training accuracy at 95%+ (R^2 0.9+) with validation 25 points (R^2 0.4)
    lower is memorization. It then runs `learning_curve`: when a doubling of the data adds 5
    points or more, the gap is `too-little-data` and this rule stands down; otherwise the model
    overfits whatever the data size. Below 20 training samples per class or 30 validation
    samples the rule stands down: `too-little-data` and `unreliable-evaluation` speak there; so
    it does when the validation classes are distributed unlike the training ones
    (`sorted-data-split`), and when a logistic regression (`simple_baseline`) drops as far, 20
    points or more of balanced accuracy from its cross-validated score on the training data to
    validation: a gap every model shows is the validation data's, not the network's memorization
    (`preprocessing-mismatch`). When cleanlab finds 15%+ of the training labels wrong on
    low-dimensional inputs (features under a tenth of the samples), the memorized labels are
    the cause (`label-noise`) and this finding drops to a warning of confidence 0.5.

    ## Why is this bad?
    The network has learned the training examples, noise included, instead of the rule behind
    them: its predictions on new data are far worse than its training score suggests.

    ## Example
    ```python
    model = big_mlp(hidden=2048)      # millions of weights for 200 samples, no regularization
    model.fit(x, y, epochs=2000)
    ```

    ## Fix
    Regularize (dropout, weight decay, a smaller model), stop early on the validation loss, or
    augment the data.
    """

    code = "OV001"
    cause = "overfitting"
    summary = "training score near perfect, validation far lower, and more data does not close it"

    def _pair(self, ev: Evidence):
        if ev.given_learned:
            return ev.given_train, ev.given_val
        return ev.trained_train, ev.trained_val

    def _gap(self, ev: Evidence):
        train, val = (score_of(s, ev.task) for s in self._pair(ev))
        if train is None or val is None:
            return None
        return train, val

    def wants(self, ev: Evidence) -> set[str]:
        pair = self._gap(ev)
        if pair and self._enough_data(ev) and pair[0] >= MEMORIZED[ev.task] and pair[0] - pair[1] >= GAP[ev.task]:
            return {"learning_curve"}
        return set()

    def _enough_data(self, ev: Evidence) -> bool:
        if ev.val.n < MIN_VAL:
            return False
        if ev.task == "classification":
            return (ev.train.min_class_count or 0) >= MIN_PER_CLASS
        return ev.train.n >= 5 * MIN_PER_CLASS

    def check(self, ev: Evidence):
        pair = self._gap(ev)
        if pair is None:
            return None
        if not self._enough_data(ev):
            return RuledOut("too few training or validation samples to tell memorization from too "
                            "little data (see too-little-data, unreliable-evaluation)")
        shift = _class_shift(ev)
        if shift is not None and shift > MAX_CLASS_SHIFT:
            return RuledOut(f"the validation classes are distributed unlike the training classes "
                            f"(total variation {shift:.2f}): the gap is the split's, not memorization "
                            "(see sorted-data-split)")
        train, val = pair
        if train < MEMORIZED[ev.task] or train - val < GAP[ev.task]:
            return RuledOut(f"train {fmt_score(train, ev.task)} vs validation {fmt_score(val, ev.task)}")
        drop = _simple_model_drop(ev)
        if drop is not None and drop[0] - drop[1] >= SIMPLE_DROP:
            return RuledOut(f"train {fmt_score(train, ev.task)} vs validation {fmt_score(val, ev.task)}, but a "
                            f"logistic regression drops as far: balanced accuracy {fmt_pct(drop[0])} "
                            f"cross-validated on the training data, {fmt_pct(drop[1])} on validation. Every "
                            "model fails there, so the validation data differ from the training data (see "
                            "preprocessing-mismatch); it is not the network's memorization")
        curve = ev.experiments.get("learning_curve") or {}
        gain = curve.get("gain_per_doubling")
        evidence = {"train_score": train, "val_score": val, "gap": train - val,
                    "gain_per_doubling": gain, "learning_curve": curve.get("mean")}
        if gain is not None and gain >= DATA_HELPS:
            return RuledOut(f"the gap shrinks with data (+{gain:.2f} per doubling): more data, not "
                            "regularization, is the answer (see too-little-data)")
        acc = self._pair(ev)[1].accuracy
        severe = acc is not None and not acc.better_than_majority
        confidence = 0.75 if gain is not None else 0.55
        noise = _reliable_label_noise(ev)
        if noise is not None:  # memorizing wrong labels: the noise is the cause, the gap its symptom
            severe, confidence = False, 0.5
            evidence["estimated_label_noise"] = noise
        return self.finding(
            "error" if severe else "warning", confidence,
            f"Training {fmt_score(train, ev.task)} but validation {fmt_score(val, ev.task)}: the model "
            "memorizes the training set"
            + (f"; a doubling of the data adds only {gain:+.2f}." if gain is not None else "."),
            evidence, "Regularize: dropout, weight decay or a smaller model, and early stopping on the "
            "validation loss.",
            "keras.callbacks.EarlyStopping(monitor='val_loss', patience=10, restore_best_weights=True)"
            if ev.framework == "keras" else "torch.optim.AdamW(model.parameters(), weight_decay=1e-2)",
            confirmed_by=["learning_curve"] if gain is not None else [])


def _simple_model_drop(ev: Evidence) -> tuple[float, float] | None:
    """(cross-validated balanced accuracy on the training data, balanced accuracy on validation)
    of the simple baseline's logistic regression; None for regression or when not measured."""
    base = ev.experiments.get("simple_baseline") or {}
    cv = base.get("train_cv_balanced_accuracy")
    on_val = ((base.get("models") or {}).get("logistic_regression") or {}).get("balanced_accuracy")
    return (cv, on_val) if cv is not None and on_val is not None else None


def _reliable_label_noise(ev: Evidence) -> float | None:
    """cleanlab's estimated share of wrong training labels, when it is 15% or more (interval
    above 10%) and the inputs are low-dimensional enough (features under a tenth of the samples)
    for its out-of-sample probabilities to be trusted, and the disagreements do not sit at class
    boundaries only (overlap, see `label-noise`); else None."""
    result = ev.experiments.get("label_noise") or {}
    rate, ci = result.get("estimated_noise_rate"), result.get("ci95")
    n_features = int(np.prod(ev.train.feature_shape)) if ev.train.feature_shape else 1
    if rate is None or not ci or rate < 0.15 or ci[0] < 0.10 or n_features * 10 > ev.train.n \
            or boundary_only(result, rate) is not None:
        return None
    return float(rate)
