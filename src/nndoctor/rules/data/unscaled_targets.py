"""DA005: regression targets far from unit scale, and standardizing them helps."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import clearly_better, control_fixes, learned, score_of

MAX_SCALE = 10.0  # max(|mean|, std) of the targets (friedman1: 14, diabetes: 152, house prices: 3e5)
CONTROL = "standardize-y"
# a model handed over trained on raw targets may not recover from its weights: the same pair of
# runs from a fresh standard init tells the target scale's effect apart
FRESH, FRESH_STD = "reinit", "reinit+standardize-y"


class UnscaledTargets(Rule):
    """Flags regression targets far from unit scale when standardizing them predicts clearly
    better.

    ## What it does
    For regression, measures the training targets' scale, max(|mean|, std). Over 10, and with
    predictions that have not learned (R^2 at most 0.3), it trains the same copy for the same
    steps on targets standardized with the training statistics and maps its predictions back
    to the original units. If that run reaches R^2 at least 0.2 higher, the target scale is
    reported, with how far the copy's predictions stayed from the targets' mean and spread.

    ## Why is this bad?
    Output layers start with outputs near 0 and unit spread. Targets around 300,000 make the
    first losses ~1e11: with Adam every step moves the output by about the learning rate, so
    the predictions crawl towards the mean and never reach the spread; with SGD the huge
    gradients diverge. Either way the model predicts (at best) the mean.

    ## Example
    ```python
    y = df["price"].to_numpy()  # 100,000s
    model.compile(optimizer="adam", loss="mse"); model.fit(x, y)
    ```

    ## Fix
    Standardize the targets with training statistics (or predict log prices) and map the
    predictions back: `y_pred * y_std + y_mean`. Safe.
    """

    code = "DA005"
    cause = "unscaled-targets"
    summary = "regression targets far from unit scale, and standardizing them predicts clearly better"

    @staticmethod
    def _scale(ev: Evidence) -> float | None:
        if ev.task != "regression" or ev.train.target_mean is None:
            return None
        return max(abs(ev.train.target_mean), ev.train.target_std or 0.0)

    def _suspicious(self, ev: Evidence) -> bool:
        scale = self._scale(ev)
        return (scale is not None and scale > MAX_SCALE and ev.data_finite and ev.run is not None
                and not learned(ev.judged, ev.task))

    def wants(self, ev: Evidence) -> set[str]:
        if not self._suspicious(ev):
            return set()
        if CONTROL in ev.controls and not ev.fresh_start and not control_fixes(ev, CONTROL):
            return {FRESH, FRESH_STD}
        return {CONTROL}

    def check(self, ev: Evidence):
        scale = self._scale(ev)
        if scale is None or ev.run is None:
            return None
        t_mean, t_std = ev.train.target_mean, ev.train.target_std
        if scale <= MAX_SCALE:
            return RuledOut(f"targets are near unit scale: mean {t_mean:.3g}, std {t_std:.3g}")
        if not self._suspicious(ev):
            return RuledOut(f"targets are large (mean {t_mean:.4g}, std {t_std:.4g}), but the model "
                            f"predicts them: {fmt_score(score_of(ev.judged, ev.task), ev.task)}")
        outputs = np.asarray(ev.run.final_val_outputs, dtype=float).ravel()
        outputs = outputs[np.isfinite(outputs)]
        control = ev.control_val.get(CONTROL)
        score, std_score = score_of(ev.trained_val, ev.task), score_of(control, ev.task)
        evidence = {"target_mean": t_mean, "target_std": t_std,
                    "prediction_mean": float(outputs.mean()) if outputs.size else None,
                    "prediction_std": float(outputs.std()) if outputs.size else None,
                    "score": score, "standardized_score": std_score}
        what = (f"Regression targets have mean {t_mean:.4g} and std {t_std:.4g}; expected about 0 and 1.")
        if outputs.size:
            what += (f" Trained on them, a copy predicts mean {evidence['prediction_mean']:.4g} with std "
                     f"{evidence['prediction_std']:.4g} ({fmt_score(score, ev.task)}).")
        fix = ("Standardize the targets with training statistics and map the predictions back "
               "(y_pred * y_std + y_mean), or predict log(y) for prices.")
        fix_code = ("y_scaler = sklearn.preprocessing.StandardScaler().fit(y_train.reshape(-1, 1)); "
                    "y_train_scaled = y_scaler.transform(y_train.reshape(-1, 1))")
        if control is None:
            return self.finding("info", 0.3, what + " Not confirmed: the standardized-target control "
                                "run could not be made.", evidence, fix, fix_code)
        if control_fixes(ev, CONTROL):
            return self.finding(
                "error", 0.9,
                what + f" The same training on standardized targets, mapped back, reaches "
                f"{fmt_score(std_score, ev.task)}.",
                evidence, fix, fix_code, confirmed_by=[CONTROL])
        fresh, fresh_std = ev.control_val.get(FRESH), ev.control_val.get(FRESH_STD)
        if learned(fresh_std, ev.task) and clearly_better(fresh_std, fresh, ev.task):
            evidence.update({"fresh_score": score_of(fresh, ev.task), "fresh_standardized_score":
                             score_of(fresh_std, ev.task)})
            return self.finding(
                "error", 0.85,
                what + f" From a fresh standard init, the same training reaches "
                f"{fmt_score(evidence['fresh_score'], ev.task)} on these targets and "
                f"{fmt_score(evidence['fresh_standardized_score'], ev.task)} on standardized ones, mapped back.",
                evidence, fix, fix_code, confirmed_by=[FRESH_STD])
        stuck = outputs.size and abs(evidence["prediction_mean"] - t_mean) > t_std
        if stuck or clearly_better(control, ev.trained_val, ev.task):
            # the control starts from the given weights; fit to raw targets, they may not recover
            return self.finding(
                "warning", 0.55,
                what + (f" Its predictions stay {abs(evidence['prediction_mean'] - t_mean) / t_std:.1f} "
                        "target stds from the targets' mean." if stuck else "")
                + f" Not confirmed: the same training on standardized targets, from the given weights, "
                f"reaches {fmt_score(std_score, ev.task)}; retrain from a fresh init after standardizing.",
                evidence, fix, fix_code)
        return RuledOut(f"targets are large (mean {t_mean:.4g}, std {t_std:.4g}), but standardized "
                        f"targets predict no clearly better: {fmt_score(std_score, ev.task)} vs "
                        f"{fmt_score(score, ev.task)}")
