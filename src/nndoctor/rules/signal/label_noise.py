"""LN001: a sizable fraction of the training labels is wrong."""

from __future__ import annotations

import numpy as np

from scipy.stats import binom

from ...evidence.stats import wilson_interval
from .._base import Evidence, Rule, RuledOut, fmt_pct

NOISY = 0.15  # estimated share of wrong labels worth a warning
VERY_NOISY = 0.25
WIDE = 4  # features x 4 above the samples: too few samples per feature to trust the estimate
OVERLAP_P = 0.01  # the confident quarter disagrees significantly less than wrong labels would make it


class LabelNoise(Rule):
    """Flags training labels that disagree with what the inputs say, estimated with cleanlab.

    ## What it does
    Runs the `label_noise` experiment: out-of-sample class probabilities from a 3-fold
    cross-validated logistic regression or 15-nearest-neighbour vote (whichever predicts the
    held-out folds better), then cleanlab's confident joint, whose off-diagonal
    mass estimates the share of wrong labels (with a Wilson interval) and names the most
    suspicious examples. Over 15% (interval above 10%) is reported as a warning (over 25%:
    confidence 0.8).
    Classes that truly overlap look like label noise to any estimator, so the message gives
    the estimate, not a verdict on single examples; and when the inputs barely predict the
    labels at all (accuracy under the majority share + 10 points) there is nothing to estimate
    from (see `no-signal`). Wrong labels put at random show among the quarter of samples the
    inputs predict most confidently as often as anywhere; when significantly fewer disagree there
    (binomial, p < 0.01) than the estimate implies, or fewer than 15% with 95% confidence, the
    disagreements sit at class boundaries: overlap (or labels drawn at random from a smooth
    P(y | x), as in most tabular data), reported as info, not as noise. With fewer than 4 samples per feature the probabilities are weak and
    the finding stays a warning of confidence 0.35.

    ## Why is this bad?
    Wrong labels cap what any model can reach and teach it contradictions; with many of them
    the predictions look random on the classes they hit.

    ## Example
    ```python
    y[rng.choice(len(y), len(y) // 3)] = rng.integers(0, 10, len(y) // 3)  # a third relabelled
    ```

    ## Fix
    Review the most suspicious examples (`evidence["most_suspicious"]`), relabel or drop them,
    or train with a noise-robust method (cleanlab's `CleanLearning`).
    """

    code = "LN001"
    cause = "label-noise"
    summary = "cleanlab estimates that a sizable share of the training labels is wrong"

    def check(self, ev: Evidence):
        result = ev.experiments.get("label_noise")
        if not result or "estimated_noise_rate" not in result:
            return None
        rate, ci = result["estimated_noise_rate"], result["ci95"]
        if result["probability_model_accuracy"] < result["majority_share"] + 0.1:
            return RuledOut("the inputs predict the labels too poorly to tell which labels are wrong "
                            f"(cross-validated accuracy {fmt_pct(result['probability_model_accuracy'])})")
        if rate < NOISY or ci[0] < 0.10:
            return RuledOut(f"cleanlab estimates {fmt_pct(rate)} of training labels wrong "
                            f"(95% CI {fmt_pct(ci[0])}-{fmt_pct(ci[1])})")
        overlap = boundary_only(result, rate)
        if overlap is not None:
            return self.finding(
                "info", 0.3,
                f"cleanlab estimates that {fmt_pct(rate)} of the {result['n']} training labels disagree "
                f"with the inputs, but among the {overlap['n']} samples the inputs predict most "
                f"confidently only {overlap['disagreeing']} do ({fmt_pct(overlap['share'])}, at most "
                f"{fmt_pct(overlap['upper'])} with 95% confidence; wrong labels put at random would show there "
                f"at about {fmt_pct(overlap['expected'])}, p = {overlap['p_value']:.2g}, and at {fmt_pct(NOISY)} "
                "or more if that many were wrong). The disagreements sit where the classes overlap: that is "
                "what hard data look like, not a sign of mislabeling.",
                {"estimated_noise_rate": rate, "ci95": ci, "flagged": result["flagged"],
                 "confident_quarter": overlap},
                "Nothing to fix in the labels on this evidence; more informative features, not "
                "relabeling, would separate the overlapping classes.", "", confirmed_by=["label_noise"])
        worst = ", ".join(f"#{s['index']} labelled {s['label']} looks like {s['suggested']}"
                          for s in result["most_suspicious"][:3])
        n_features = int(np.prod(ev.train.feature_shape)) if ev.train.feature_shape else 1
        wide = n_features * WIDE > result["n"]  # few samples per feature: out-of-sample probabilities are poor
        # a warning however high: classes that truly overlap look the same to cleanlab, and a
        # model that learns what such data allow is healthy (an error here was the clinic's one
        # false alarm: overlapping classes estimated 52% "wrong")
        severity = "warning"
        confidence = 0.35 if wide else (0.8 if rate >= VERY_NOISY else 0.6)
        return self.finding(
            severity, confidence,
            f"cleanlab estimates that {fmt_pct(rate)} of the {result['n']} training labels are wrong "
            f"(95% CI {fmt_pct(ci[0])}-{fmt_pct(ci[1])}; {result['flagged']} flagged). Most suspicious: {worst}."
            + (f" With {n_features} features for {result['n']} samples the probabilities it judges by are "
               "weak, so some of these may be the model's errors, not the labels'." if wide else ""),
            {"estimated_noise_rate": rate, "ci95": ci, "flagged": result["flagged"],
             "most_suspicious": result["most_suspicious"]},
            "Review and relabel (or drop) the flagged examples, starting with the most suspicious; or "
            "train with cleanlab.classification.CleanLearning.",
            "cleanlab.filter.find_label_issues(labels, pred_probs)",
            confirmed_by=["label_noise"])


def boundary_only(result: dict, rate: float) -> dict | None:
    """When the labels that disagree with the inputs sit only where classes overlap. Wrong labels
    put at random land among the quarter of samples predicted most confidently as often as
    anywhere, and disagree with the inputs there; classes that overlap (or labels drawn at
    random from a smooth P(y | x), as in most tabular data) disagree near their boundaries
    only. Two tests, either one enough:

    - significantly fewer disagree there (one-sided binomial, p < 0.01) than labels wrong at
      ``rate`` would give, with the share ``rate * (k - 1) / k`` of a label replaced by a random
      class (the same class included);
    - the share that disagrees there is below `NOISY` (15%) with 95% confidence (Wilson): fewer
      than 15% of the labels can be wrong at random, whatever the estimate says overall.

    Measured on 93 generated data sets with an estimate of 15% or more (session 10): the two
    call 5 of 21 overlapping ones overlap (the first alone: 2) and 0 of 72 with labels flipped
    at random (20-35%). Returns the figures, or None (noise not ruled out that way)."""
    quarter, k = result.get("confident_quarter"), result.get("classes")
    if not quarter or not k or quarter["n"] == 0:
        return None
    expected = rate * (k - 1) / k
    p = float(binom.cdf(quarter["disagreeing"], quarter["n"], expected))
    upper = wilson_interval(quarter["disagreeing"], quarter["n"])[1]
    if p >= OVERLAP_P and upper >= NOISY:
        return None
    return {**quarter, "share": quarter["disagreeing"] / quarter["n"], "expected": expected, "p_value": p,
            "upper": upper}
