"""DA004: input features far from zero mean / unit scale, and standardizing them helps."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import baseline_beats, calmer, clearly_better, curve_shape, learned, score_of, swings

MAX_SCALE = 10.0  # largest max(|mean|, std) of a feature (standardized: 1, iris: 5.8, raw digits: 12.1)
MAX_SPREAD = 100.0  # largest / smallest feature scale (standardized: 1, iris: 4.9, breast cancer: 2.3e5)
UNIT = 2.0  # a largest scale under this: every feature within unit scale (x / 255, min-max scaled)
CONTROL = "standardize-x"
MARGIN = {"classification": 0.05, "regression": 0.1}  # accuracy points (beyond the interval) / R^2


def feature_scales(ev: Evidence) -> np.ndarray | None:
    """max(|mean|, std) of every training feature that is not constant."""
    mean, std = ev.train.feature_mean, ev.train.feature_std
    if mean is None or std is None:
        return None
    keep = std > 0
    return np.maximum(np.abs(mean[keep]), std[keep]) if keep.any() else None


class UnscaledInputs(Rule):
    """Flags input features far from unit scale when standardizing them predicts clearly better.

    ## What it does
    Measures each training feature's scale, max(|mean|, std). When the largest is over 10, or
    the largest and smallest non-constant scales are over 100x apart while the largest is 2 or
    more, it trains the same copy
    for the same steps on inputs standardized with the training statistics. Only if that run
    predicts clearly better (5 accuracy points beyond the interval, or R^2 +0.1), or calms a
    swinging loss (below), is the scale reported: a model that learns well and steadily from
    raw features is left alone. It is an error when
    the copy on raw features does not learn at all, standardizing gains 25 points / 0.4 R^2, or
    a simple model (`simple_baseline`, which standardizes) beats the copy by 10 points beyond
    its interval. A copy that predicts well on raw features but whose loss keeps swinging over
    the last third of training gets the same control: when the standardized run, at the same
    learning rate, ends lower and swings less than half as much, the scales are reported as a
    warning (the oscillation looks like a learning rate too high, but it is the widest features
    that make each step too large).
    Features that all lie within unit scale (pixels divided by 255 or 16, min-max scaled
    columns) are not off scale however small some are: a nearly constant pixel is not a scale
    problem, and standardizing it only magnifies its noise. A Keras model whose first layer is
    a `Normalization` layer adapted to the data standardizes its inputs itself: ruled out (one
    never adapted keeps mean 0 and variance 1, and is judged like no layer).

    ## Why is this bad?
    A feature in the thousands makes the first layer's pre-activations and gradients thousands
    of times larger than those of a feature in 0..1: a learning rate that suits one is far too
    large or too small for the other, saturating units blow up, and plain SGD diverges or sticks
    at the majority class. Offsets far from zero make every unit start on the same side of its
    nonlinearity.

    ## Example
    ```python
    x, y = sklearn.datasets.load_breast_cancer(return_X_y=True)  # features from 0.001 to 4000
    model.fit(x, y)  # SGD: stays at the majority class
    ```

    ## Fix
    Standardize the inputs with statistics of the training data and apply the same transform to
    validation and prediction data (`StandardScaler().fit(x_train)`); divide 8-bit images by
    255. Safe.
    """

    code = "DA004"
    cause = "unscaled-inputs"
    summary = "input features far from unit scale, and standardizing them predicts clearly better"

    def _suspicious(self, ev: Evidence) -> np.ndarray | None:
        scales = feature_scales(ev)
        if scales is None or not ev.data_finite:
            return None
        if scales.max() > MAX_SCALE or (scales.max() > MAX_SPREAD * scales.min() and scales.max() >= UNIT):
            return scales
        return None

    @staticmethod
    def _room_to_gain(ev: Evidence) -> bool:
        """Whether a control could still be clearly better (5 points / 0.1 R^2 below perfect)."""
        score = score_of(ev.trained_val, ev.task)
        return score is None or not np.isfinite(score) or score < 1.0 - MARGIN[ev.task]

    @staticmethod
    def _swinging(ev: Evidence):
        """The recorded run's loss curve when it keeps swinging over its last third, else None."""
        shape = curve_shape(ev.run.epoch_train_loss) if ev.run is not None else None
        return shape if swings(shape, ev.task, ev.baseline_loss) else None

    def wants(self, ev: Evidence) -> set[str]:
        return {CONTROL} if (ev.run is not None and not ev.model.extra.get("normalizes_inputs")
                             and self._suspicious(ev) is not None
                             and (self._room_to_gain(ev) or self._swinging(ev) is not None)) else set()

    @staticmethod
    def _settles(ev: Evidence, swinging) -> dict | None:
        """The loss facts (evidence) when the raw-input run's loss keeps swinging and the
        standardized run, at the same learning rate, ends lower and swings less than half as
        much, without predicting clearly worse; None otherwise."""
        run = ev.controls.get(CONTROL)
        if swinging is None or run is None or run.nonfinite_step is not None \
                or clearly_better(ev.trained_val, ev.control_val.get(CONTROL), ev.task):
            return None
        steady = curve_shape(run.epoch_train_loss)
        if not calmer(steady, ends_below=swinging.tail_mean, swinging=swinging.oscillation):
            return None
        return {"tail_mean": swinging.tail_mean, "tail_oscillation": swinging.oscillation,
                "standardized_tail_mean": steady.tail_mean, "standardized_tail_oscillation": steady.oscillation}

    def check(self, ev: Evidence):
        if ev.model.extra.get("normalizes_inputs"):
            return RuledOut("the model's first layer is a Normalization layer adapted to the data: the network "
                            "sees standardized inputs whatever their raw scale")
        scales = self._suspicious(ev)
        if scales is None:
            all_scales = feature_scales(ev)
            if all_scales is None:
                return None
            return RuledOut(f"features are near unit scale: largest max(|mean|, std) "
                            f"{all_scales.max():.3g}, smallest {all_scales.min():.3g}")
        if ev.run is None:
            return None
        keep = np.flatnonzero(ev.train.feature_std > 0)
        worst = int(keep[np.argmax(scales)])
        control = ev.control_val.get(CONTROL)
        score, std_score = score_of(ev.trained_val, ev.task), score_of(control, ev.task)
        swinging = self._swinging(ev)
        if not self._room_to_gain(ev) and swinging is None:
            return RuledOut(f"feature scales span {scales.min():.3g} to {scales.max():.4g}, but a copy "
                            f"trained on them reaches {fmt_score(score, ev.task)}")
        evidence = {"largest_scale": float(scales.max()), "smallest_scale": float(scales.min()),
                    "scale_ratio": float(scales.max() / scales.min()), "widest_feature": worst,
                    "widest_feature_mean": float(ev.train.feature_mean[worst]),
                    "widest_feature_std": float(ev.train.feature_std[worst]),
                    "n_features_over_10": int((scales > MAX_SCALE).sum()),
                    "score": score, "standardized_score": std_score}
        what = (f"Input features are far from unit scale: feature {worst} has mean "
                f"{evidence['widest_feature_mean']:.4g} and std {evidence['widest_feature_std']:.4g} "
                f"({evidence['n_features_over_10']} of {scales.size} features over 10), and feature "
                f"scales span {scales.min():.3g} to {scales.max():.4g} ({evidence['scale_ratio']:.3g}x); "
                f"expected about 1.")
        fix = ("Standardize the inputs with training statistics and apply the same transform to "
               "validation and prediction data (for 8-bit images: x / 255).")
        fix_code = ("scaler = sklearn.preprocessing.StandardScaler().fit(x_train); "
                    "x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)")
        if control is None:
            return self.finding("info", 0.3, what + " Not confirmed: the standardized control run "
                                "could not be made.", evidence, fix, fix_code)
        if not clearly_better(control, ev.trained_val, ev.task, margin_acc=MARGIN["classification"],
                              margin_r2=MARGIN["regression"]):
            run = ev.controls.get(CONTROL)
            if run is not None and run.stopped_early:
                return self.finding("info", 0.3, what + f" Not confirmed: the standardized control run "
                                    f"stopped early ({run.stopped_early}).", evidence, fix, fix_code)
            settled = self._settles(ev, swinging)
            if settled is not None:
                evidence.update(settled)
                return self.finding(
                    "warning", 0.6,
                    what + f" Trained on them at lr {ev.run.lr_used:g}, the loss keeps swinging over the last "
                    f"third ({100 * settled['tail_oscillation']:.0f}% of its mean, around {settled['tail_mean']:.4g}); "
                    f"the same training on standardized inputs settles ({100 * settled['standardized_tail_oscillation']:.0f}%, "
                    f"around {settled['standardized_tail_mean']:.4g}) and reaches {fmt_score(std_score, ev.task)} "
                    f"({fmt_score(score, ev.task)} on raw inputs): steps that suit the small features are "
                    "far too large for the widest ones.",
                    evidence, fix, fix_code, confirmed_by=[CONTROL])
            return RuledOut(f"feature scales span {scales.min():.3g} to {scales.max():.4g}, but standardized "
                            f"inputs predict no clearly better: {fmt_score(std_score, ev.task)} vs "
                            f"{fmt_score(score, ev.task)} on raw inputs")
        # a simple model clearly better on the same split: the raw scales hold the network back
        # (a learning-rate symptom on such inputs comes from the scales, so this outranks it)
        severe = not learned(ev.trained_val, ev.task) or baseline_beats(ev) is not None or clearly_better(
            control, ev.trained_val, ev.task, margin_acc=0.25, margin_r2=0.4)
        return self.finding(
            "error" if severe else "warning", 0.92 if severe else 0.75,
            what + f" Trained on them, a copy reaches {fmt_score(score, ev.task)}; the same training "
            f"on standardized inputs reaches {fmt_score(std_score, ev.task)}.",
            evidence, fix, fix_code, confirmed_by=[CONTROL])
