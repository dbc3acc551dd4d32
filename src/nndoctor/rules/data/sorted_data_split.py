"""DA007: data ordered by label and split in order, so training and validation hold different classes."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2_contingency

from ...evidence.data import amount_like
from .._base import Evidence, Rule, RuledOut, fmt_pct
from .._measures import clearly_better, learned, score_of

MAX_TV = 0.4  # total variation between the class shares (stratified: 0, random: <= 0.37, sorted: >= 0.47)
MAX_P = 1e-4  # chi-square p that both share one class distribution (random: >= 0.004, sorted: <= 1e-16)
MIN_UNSEEN = 0.1  # share of validation samples whose class never occurs in training
SEVERE_UNSEEN = 0.2  # ... so many that validation accuracy cannot exceed 80%: an error
SORTED_RUN = 0.9  # share of neighbouring samples with the same label (shuffled: sum of p_k^2)
IN_ORDER = "in-order"  # the control trained on the batches in the data's own order
MIN_PRESENT = 2  # classes that must occur in training for the missing top ones to mean a cut


def _missing_top_classes(ev: Evidence) -> list[int]:
    """The model's last output classes that never occur in the training labels while the ones
    below them do: the mark of class-ordered data whose tail went to the test set."""
    counts = list(ev.train.class_counts or [])[:ev.n_classes or 0]
    present = [k for k, c in enumerate(counts) if c > 0]
    if ev.task != "classification" or len(counts) < 3 or len(present) < MIN_PRESENT:
        return []
    top = present[-1]
    return list(range(top + 1, len(counts))) if present == list(range(top + 1)) else []


def _class_shift(ev: Evidence) -> dict | None:
    train, val = ev.train.class_counts, ev.val.class_counts
    if not train or not val or sum(val) == 0 or sum(train) == 0:
        return None
    size = max(len(train), len(val))
    a = np.pad(np.asarray(train, dtype=float), (0, size - len(train)))
    b = np.pad(np.asarray(val, dtype=float), (0, size - len(val)))
    present = (a + b) > 0
    p_value = 1.0
    if present.sum() > 1:
        p_value = float(chi2_contingency(np.stack([a[present], b[present]]))[1])
    unseen = np.flatnonzero((a == 0) & (b > 0))
    return {"train_class_counts": a.astype(int).tolist(), "val_class_counts": b.astype(int).tolist(),
            "total_variation": float(0.5 * np.abs(a / a.sum() - b / b.sum()).sum()),
            "p_same_distribution": p_value, "val_classes": np.flatnonzero(b).tolist(),
            "unseen_in_train": unseen.tolist(), "val_share_unseen": float(b[unseen].sum() / b.sum()),
            "train_label_run_fraction": ev.train.label_run_fraction,
            "train_shuffled_run_fraction": ev.train.expected_run_fraction,
            "val_label_run_fraction": ev.val.label_run_fraction}


class SortedDataSplit(Rule):
    """Flags a validation set whose classes differ sharply from the training set's, the mark of
    data ordered by label and split in order.

    ## What it does
    Compares the class counts of the given training and validation data: classes never seen
    in training making up 10% or more of validation, or class shares that differ by a total
    variation over 0.4 with a chi-square p-value under 1e-4 (stratified splits: 0; random
    splits with 30 to 360 validation samples: at most 0.37, p at least 0.004; tail splits of
    sorted data: at least 0.47, p under 1e-16). Training labels in long runs (over 90% of
    neighbouring samples share the label, against sum(p_k^2) when shuffled) show that the
    data was sorted. An error when 20% of validation is in classes the model never saw, or
    the validation score is no better than the majority class while the training score is;
    otherwise a warning, since the validation score then describes only some classes.

    When the training labels lack the model's last output classes while every class below them
    occurs (classes 0-7 of 10 outputs), the tail of class-ordered data went elsewhere: the model
    can never predict those classes. Only when no validation data was given (a script's test
    set that nndoctor did not see): given validation data tells by its own classes. A warning.

    When the classes of both sets agree but the training labels come in runs, the split is
    sound and the danger is in the batches: trained in that order without shuffling, each
    batch holds one class and the model ends up predicting the last classes it saw. A copy is
    then trained on the batches in the data's own order (`in-order`) and compared with the
    recorded run (shuffled): only if the order clearly hurts (10 points beyond the interval)
    *and* the model as given scores clearly below the shuffled copy is it reported, since a
    model that scores well was trained on shuffled batches, whatever order the arrays are in;
    an error when the model as given learned nothing or trails the shuffled copy by 25 points.

    ## Why is this bad?
    A model cannot predict a class it never saw in training, and a validation set of one
    class measures only that class: validation accuracy is 0 or meaningless while training
    accuracy rises. Sorted data trained in order (no shuffling) also gives single-class
    batches, and the model forgets all but the last class.

    ## Example
    ```python
    order = np.argsort(y)
    x, y = x[order], y[order]
    x_train, x_val, y_train, y_val = x[:800], x[800:], y[:800], y[800:]  # last classes only
    ```

    ## Fix
    Shuffle before splitting and stratify by label:
    `train_test_split(x, y, test_size=0.2, shuffle=True, stratify=y)`; shuffle the training
    batches every epoch. Safe.
    """

    code = "DA007"
    cause = "sorted-data-split"
    summary = "training and validation hold different classes: data sorted by label and split in order"

    @staticmethod
    def _shares_agree(shift: dict | None) -> bool:
        return shift is None or (shift["val_share_unseen"] < MIN_UNSEEN and (
            shift["total_variation"] <= MAX_TV or shift["p_same_distribution"] >= MAX_P))

    @staticmethod
    def _sorted_training(ev: Evidence) -> bool:
        runs = ev.train.label_run_fraction
        return (ev.task == "classification" and runs is not None and runs >= SORTED_RUN
                and sum(c > 0 for c in ev.train.class_counts or []) > 1)

    def wants(self, ev: Evidence) -> set[str]:
        if ev.run is None or not self._sorted_training(ev):
            return set()
        shift = _class_shift(ev) if ev.val_source == "given" else None
        return {IN_ORDER} if self._shares_agree(shift) else set()

    def check(self, ev: Evidence):
        if ev.task != "classification":
            return None
        if ev.train.targets is not None and amount_like(ev.train.targets):
            return RuledOut("the targets are an amount (most values held by one or two samples), not classes "
                            "whose shares could be compared (see wrong-loss-for-task)")
        shift = _class_shift(ev) if ev.val_source == "given" else None
        if self._shares_agree(shift) and self._sorted_training(ev) and IN_ORDER in ev.controls:
            return self._sorted_batches(ev)
        missing = _missing_top_classes(ev) if shift is None else []  # validation given: its classes tell
        if missing:
            return self._classes_cut_off(ev, missing)
        if shift is None:
            return None
        tv, p = shift["total_variation"], shift["p_same_distribution"]
        unseen = shift["unseen_in_train"]
        if self._shares_agree(shift):
            return RuledOut(f"training and validation class shares agree: total variation {tv:.2f}, "
                            f"p = {p:.2g} for one shared distribution")
        # runs say "sorted" only in a set with 2+ classes (one class is one run however it is ordered)
        sorted_runs = [(name, data.label_run_fraction, data.expected_run_fraction)
                       for name, data in (("training", ev.train), ("validation", ev.val))
                       if data.label_run_fraction is not None and data.label_run_fraction >= SORTED_RUN
                       and sum(c > 0 for c in data.class_counts or []) > 1]
        judged = ev.judged
        train_judged = ev.given_train if judged is ev.given_val else ev.trained_train
        val_score, train_score = score_of(judged, ev.task), score_of(train_judged, ev.task)
        shift.update(val_score=val_score, train_score=train_score)
        what = (f"Validation holds classes {shift['val_classes'][:10]} with counts "
                f"{[shift['val_class_counts'][k] for k in shift['val_classes'][:10]]}; training class counts "
                f"are {shift['train_class_counts'][:20]} (total variation {tv:.2f}; a shuffled, "
                f"stratified split gives 0).")
        if unseen:
            what += (f" Classes {unseen[:10]} ({fmt_pct(shift['val_share_unseen'])} of validation) never "
                     f"occur in training.")
        if sorted_runs:
            name, run, expected = sorted_runs[0]
            what += (f" The {name} labels come in runs: {fmt_pct(run)} of neighbouring samples share a "
                     f"label (shuffled: {fmt_pct(expected)}), so the data was sorted by label before the split.")
        what += (f" The model scores {fmt_pct(train_score)} on training data and {fmt_pct(val_score)} on "
                 f"validation data.")
        fails = learned(train_judged, ev.task) and not learned(judged, ev.task)
        severe = shift["val_share_unseen"] >= SEVERE_UNSEEN or fails
        confidence = (0.95 if sorted_runs or unseen else 0.85) if severe else (0.7 if sorted_runs else 0.5)
        return self.finding(
            "error" if severe else "warning", confidence, what, shift,
            "Shuffle before splitting and stratify by label, so every class is in both sets in the "
            "same proportion; shuffle the training batches every epoch.",
            "x_train, x_val, y_train, y_val = sklearn.model_selection.train_test_split("
            "x, y, test_size=0.2, shuffle=True, stratify=y)")

    def _classes_cut_off(self, ev: Evidence, missing: list[int]):
        """The model has outputs for classes the training data never holds (the top ones)."""
        counts = list(ev.train.class_counts)[:ev.n_classes]
        present = [c for c in counts if c > 0]
        evidence = {"kind": "classes-missing-from-training", "missing_classes": missing,
                    "train_class_counts": counts, "output_classes": ev.n_classes}
        message = (f"The model has outputs for {ev.n_classes} classes, but classes {missing[:10]} never occur in "
                   f"the {ev.train.n} training labels, while classes 0-{missing[0] - 1} do ({min(present)}-"
                   f"{max(present)} samples each): the model can never predict them. Data ordered by class and "
                   f"split in order (the first part for training) leaves the last classes out of training, and "
                   f"a test set taken from the end holds mostly those classes.")
        return self.finding(
            "warning", 0.7, message, evidence,
            "Shuffle before splitting and stratify by label, so every class is in training and test in the "
            "same proportion.",
            "x_train, x_test, y_train, y_test = sklearn.model_selection.train_test_split("
            "x, y, test_size=0.2, shuffle=True, stratify=y)")

    def _sorted_batches(self, ev: Evidence):
        """Training labels in runs: does training in that order explain the model as given?"""
        control, in_order = ev.controls.get(IN_ORDER), ev.control_val.get(IN_ORDER)
        runs, expected = ev.train.label_run_fraction, ev.train.expected_run_fraction
        sorted_text = (f"the training labels come in runs ({fmt_pct(runs)} of neighbouring samples share a "
                       f"label; shuffled: {fmt_pct(expected)})")
        if control is None or in_order is None or control.nonfinite_step is not None:
            return None
        scores = {"in_order_score": score_of(in_order, ev.task), "shuffled_score": score_of(ev.trained_val, ev.task),
                  "given_score": score_of(ev.given_val, ev.task)}
        if not clearly_better(ev.trained_val, in_order, ev.task):
            return RuledOut(f"{sorted_text}, but a copy trained on the batches in that order scores "
                            f"{fmt_pct(scores['in_order_score'])}, no clearly worse than shuffled "
                            f"({fmt_pct(scores['shuffled_score'])}): the order does not matter here")
        if not clearly_better(ev.trained_val, ev.given_val, ev.task):
            return RuledOut(f"{sorted_text}, and trained in that order a copy scores "
                            f"{fmt_pct(scores['in_order_score'])} (shuffled: {fmt_pct(scores['shuffled_score'])}); "
                            f"but the model as given scores {fmt_pct(scores['given_score'])}: it was trained on "
                            "shuffled batches")
        histogram = ev.given_val.predicted_histogram if ev.given_val is not None else None
        evidence = {"kind": "sorted-batches", "train_label_run_fraction": runs, "shuffled_run_fraction": expected,
                    **scores}
        message = (f"The training data is sorted by label: {sorted_text}. Trained on the batches in that "
                   f"order, without shuffling, each batch holds one class, and a copy scores "
                   f"{fmt_pct(scores['in_order_score'])}; shuffled, the same training scores "
                   f"{fmt_pct(scores['shuffled_score'])}. The model as given scores "
                   f"{fmt_pct(scores['given_score'])}, like a model trained in order")
        if histogram and sum(histogram) > 0:
            top = int(np.argmax(histogram))
            evidence["given_top_class"], evidence["given_top_share"] = top, histogram[top] / sum(histogram)
            message += f"; it predicts class {top} for {fmt_pct(evidence['given_top_share'])} of validation"
        # reproduced by the in-order run, this outranks the generic "a trained copy does better"
        # (undertrained, 0.9)
        severe = not learned(ev.given_val, ev.task) or clearly_better(ev.trained_val, ev.given_val, ev.task,
                                                                        margin_acc=0.25)
        return self.finding(
            "error" if severe else "warning", 0.95 if severe else 0.85, message + ".", evidence,
            "Shuffle the training batches every epoch (torch `DataLoader(..., shuffle=True)`; Keras "
            "`fit(..., shuffle=True)`, the default, or `dataset.shuffle(len(x))`).",
            "loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True)" if ev.framework == "torch"
            else "model.fit(x_train, y_train, shuffle=True)  # and no tf.data pipeline without .shuffle()",
            confirmed_by=[IN_ORDER])
