"""DA003: one class dominates and the model predicts it always."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_ci, fmt_pct

MIN_RATIO = 4.0  # largest / smallest class count


class ClassImbalance(Rule):
    """Flags a majority-class collapse on imbalanced training data.

    ## What it does
    Measures the class counts of the training data. When the largest class outnumbers the
    smallest 4:1 or more, it looks at the predictions (of the model as given if it learned
    anything, else of the trained copy): a minority class (one with training samples; a class
    absent from training is another cause) never predicted correctly (recall 0)
    or 95% of predictions in one class, with accuracy not significantly above the majority
    share, is a collapse to the majority.

    A model whose outputs are the same for every input computes a constant (dead units, weights
    that never moved): it predicts one class on any data, so the collapse is not the imbalance's
    doing; that is only a warning, ranked after what makes the outputs constant.

    ## Why is this bad?
    Predicting the majority class always already scores the majority share, so the loss
    rewards it; the model never learns the minority classes and its accuracy hides it.

    ## Example
    ```python
    # 950 negatives, 50 positives; accuracy 95% and not one positive found
    model.fit(x, y)
    ```

    ## Fix
    Weight the classes (`class_weight="balanced"` style weights in `fit`, or `weight=` in
    `nn.CrossEntropyLoss`), resample, or move the decision threshold; judge with balanced
    accuracy or per-class recall.
    """

    code = "DA003"
    cause = "class-imbalance"
    summary = "imbalanced classes and predictions collapsed onto the majority class"

    def check(self, ev: Evidence):
        if ev.task != "classification" or not ev.train.class_counts:
            return None
        counts = [c for c in ev.train.class_counts if c > 0]
        if len(counts) < 2:
            return None
        ratio = max(counts) / min(counts)
        if ratio < MIN_RATIO:
            return RuledOut(f"classes are balanced enough: largest/smallest = {ratio:.1f}")
        judged = ev.judged
        acc = judged.accuracy
        # a class absent from training is never predicted whatever the balance (too-little-data,
        # sorted-data-split): only the recalls of classes the model trained on count here
        recalls = [r for k, r in enumerate(judged.per_class_recall or [])
                   if r is not None and k < len(ev.train.class_counts) and ev.train.class_counts[k] > 0]
        hist = judged.predicted_histogram or []
        top_share = max(hist) / max(sum(hist), 1) if hist else 0.0
        collapsed = (recalls and min(recalls) == 0.0) or top_share >= 0.95
        evidence = {"class_counts": ev.train.class_counts, "imbalance_ratio": ratio,
                    "majority_share": ev.train.majority_share, "per_class_recall": judged.per_class_recall,
                    "predicted_histogram": hist, "accuracy": acc.value if acc else None}
        if not collapsed or (acc is not None and acc.better_than_majority and min(recalls or [1]) > 0):
            return RuledOut(f"imbalanced ({ratio:.1f}:1) but every class is predicted "
                            f"(smallest recall {fmt_pct(min(recalls) if recalls else None)})")
        if judged.all_outputs_equal:
            # a constant function: dead units or weights that never moved make it so on any
            # data; the imbalance only decides which class the constant lands on
            return self.finding(
                "warning", 0.4,
                f"The training classes are imbalanced {ratio:.1f}:1 (majority share "
                f"{fmt_pct(ev.train.majority_share)}) and every prediction is the majority class, but the "
                "model outputs the same value for every input: a network that computes a constant "
                "(see the other findings for why) predicts one class whatever the balance. Once it "
                "learns, check the minority recall again.",
                evidence, "Fix what makes the outputs constant first; then weight the classes if the "
                "minority recall stays low.",
                _weights_code(ev))
        return self.finding(
            "error", 0.85 if acc is not None and not acc.better_than_majority else 0.6,
            f"The training classes are imbalanced {ratio:.1f}:1 (majority share "
            f"{fmt_pct(ev.train.majority_share)}), and the predictions collapse onto the majority: "
            f"{fmt_pct(top_share)} of predictions in one class, smallest class recall "
            f"{fmt_pct(min(recalls) if recalls else None)}; accuracy {fmt_pct(acc.value if acc else None)}"
            + ("." if acc is None else f" ({fmt_ci(acc.ci95)}) is no better than always predicting the majority."
               if not acc.better_than_majority else f" ({fmt_ci(acc.ci95)}), above the majority share, hides it."),
            evidence,
            "Weight the loss by inverse class frequency, resample, or tune the decision threshold; "
            "report balanced accuracy.",
            _weights_code(ev))


def _weights_code(ev: Evidence) -> str:
    """Class weights by inverse frequency, in the model's framework."""
    return ("model.fit(x, y, class_weight={0: 1.0, 1: n_major / n_minor})" if ev.framework == "keras"
            else "nn.CrossEntropyLoss(weight=torch.tensor(1 / class_counts, dtype=torch.float32))")
