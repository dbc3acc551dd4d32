"""EV001: the evaluation set is too small to tell a good model from a random one."""

from __future__ import annotations

from ...evidence.stats import wilson_interval
from .._base import Evidence, Rule, RuledOut, fmt_ci, fmt_pct

SMALL_N = 30
WIDE_CI = 0.35
MIN_REGRESSION_N = 20


class UnreliableEvaluation(Rule):
    """Flags an accuracy measured on too few samples to mean anything.

    ## What it does
    Computes the Wilson 95% interval of the validation accuracy. Fewer than 30 samples with an
    interval wider than 20 points, or any interval wider than 35 points, cannot tell good from
    random; the finding says whether the interval still includes the chance rate. For
    regression, fewer than 20 validation samples. Repeated rows do not count twice: a
    validation set of fewer than 30 distinct samples (and under half its rows) is judged on
    its distinct samples. Only validation data the user gave is judged: when nndoctor held out
    part of the training data itself (no ``validation_data``, or a script whose own evaluation
    it could not see), a small hold-out says nothing about the user's evaluation; it is then
    an info note that nndoctor's own scores are imprecise.

    ## Why is this bad?
    "100% accuracy" on 2 test samples is what a coin-flipping model scores one time in four:
    the number says nothing about the model, so a broken model can pass and a good one fail.

    ## Example
    ```python
    train_test_split(x, y, test_size=0.2)  # with 10 samples: a 2-sample test set
    ```

    ## Fix
    Evaluate on more samples (hundreds if possible), or use cross-validation and report the
    interval with the score.
    """

    code = "EV001"
    cause = "unreliable-evaluation"
    summary = "too few evaluation samples to tell good from random"

    def check(self, ev: Evidence):
        judged = ev.judged
        n = ev.val.n
        if ev.task == "regression":
            if n >= MIN_REGRESSION_N:
                return RuledOut(f"{n} validation samples")
            if ev.val_source != "given":
                return RuledOut(f"nndoctor held out {n} training samples itself: the user's evaluation is not judged")
            return self.finding("warning", 0.7, f"Only {n} validation samples: too few to judge a regression fit.",
                                {"n_val": n, "val_r2": judged.r2},
                                "Hold out more samples or use cross-validation.")
        acc = judged.accuracy
        if acc is None or acc.n == 0:
            return None
        distinct = ev.val.n_distinct or acc.n
        if distinct < min(SMALL_N, acc.n / 2):  # the same few samples, repeated
            return self._repeated(acc, distinct)
        width = acc.ci_width
        if not ((acc.n < SMALL_N and width > 0.2) or width > WIDE_CI):
            return RuledOut(f"{acc.n} validation samples: accuracy {fmt_pct(acc.value)} ({fmt_ci(acc.ci95)})")
        if ev.val_source != "given":  # nndoctor's own hold-out: the user's evaluation is unknown
            return self.finding("info", 0.3, f"nndoctor held out {acc.n} of the training samples to score the "
                                f"model; on so few its accuracy {fmt_pct(acc.value)} is imprecise ({fmt_ci(acc.ci95)}). "
                                "Pass validation_data for sharper answers.",
                                {"n_val": acc.n, "accuracy": acc.value, "ci95": list(acc.ci95),
                                 "validation_source": ev.val_source},
                                "Give diagnose() your validation data (validation_data=(x_val, y_val)).")
        includes_chance = acc.ci95[0] <= max(acc.chance, acc.majority)
        message = (f"Validation accuracy {fmt_pct(acc.value)} rests on {acc.n} sample(s): {fmt_ci(acc.ci95)}, "
                   f"{100 * width:.0f} points wide")
        message += (f", which includes chance ({fmt_pct(acc.chance)}): this evaluation cannot tell the model "
                    f"from random guessing (p={acc.p_vs_chance:.2g})." if includes_chance
                    else ": too imprecise to compare models.")
        return self.finding("warning", 0.9 if includes_chance else 0.6, message,
                            {"n_val": acc.n, "accuracy": acc.value, "ci95": list(acc.ci95),
                             "chance": acc.chance, "p_vs_chance": acc.p_vs_chance},
                            "Evaluate on more samples (a few hundred give about +-5 points), or "
                            "cross-validate, and report the interval with the score.",
                            "sklearn.model_selection.cross_val_score(...)")

    def _repeated(self, acc, distinct: int):
        low, high = wilson_interval(round(acc.value * distinct), distinct)
        includes_chance = low <= max(acc.chance, acc.majority)
        return self.finding(
            "warning", 0.9 if includes_chance else 0.6,
            f"The validation set holds {acc.n} rows but only {distinct} distinct samples, each repeated "
            f"about {acc.n / distinct:.0f} times: its accuracy {fmt_pct(acc.value)} rests on {distinct} "
            f"samples ({fmt_ci((low, high))}), not {acc.n}"
            + (f", and includes chance ({fmt_pct(acc.chance)})." if includes_chance else "."),
            {"n_val": acc.n, "n_distinct": distinct, "accuracy": acc.value, "ci95": [low, high],
             "chance": acc.chance},
            "Remove the duplicated rows from the validation set and evaluate on more distinct samples.",
            "x_val, idx = np.unique(x_val, axis=0, return_index=True); y_val = y_val[idx]")
