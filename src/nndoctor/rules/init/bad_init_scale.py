"""IS001: the initial weights are far too large or too small for the layer."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import INIT_RANGE, clearly_better, learned, off_scale_layers, score_of, weight_scale

TOO_SMALL, TOO_LARGE = INIT_RANGE  # weight std as a multiple of the He/Glorot std
EXTREME = 10.0  # this far off (10x or 0.1x) and fixed by a re-init: ranked above the mechanisms
REINIT = "reinit"


class BadInitScale(Rule):
    """Flags weights whose scale is far from a standard init, when that scale hurts.

    ## What it does
    For every dense/conv layer of the model as given, compares the weight std with the std of
    a He (ReLU-like) or Glorot (other) init of the same shape. A layer over 5x or under 0.2x is
    suspicious when the model has not learned, and the harm is shown by one of: an initial loss
    over twice that of predicting the label prior, output activations that explode or vanish
    on the probe batch, or a copy that does not learn. A copy re-initialised with the standard
    init and trained the same way confirms it; 10x off or more and confirmed, it ranks above
    the dead units or vanishing gradients such a scale brings.

    A model handed over trained with weights over 5x a standard init is flagged (a warning) when
    a standard init trained the same way predicts clearly better and its weights stay under 5x
    (weights that the training itself grows point to the learning rate instead). At 10x or more,
    beating the model as given is enough, even when more training of the given weights would
    catch up (trained nets measured here stay under 3.7x). A model whose
    weights are NaN/inf (or 1000x a standard init) is trained from a standard init with the user's settings: if that run
    learns, the starting weights are the likeliest difference (a warning, confidence 0.5).

    ## Why is this bad?
    Too large: activations and logits explode, softmax saturates, the first steps are huge.
    Too small: signals and gradients shrink layer by layer and deep layers barely move.

    ## Example
    ```python
    nn.init.normal_(layer.weight, std=10.0)
    layers.Dense(64, kernel_initializer=keras.initializers.RandomNormal(stddev=1e-4))
    ```

    ## Fix
    Use He init for ReLU layers and Glorot for tanh/sigmoid/linear ones (the framework
    defaults). Safe.
    """

    code = "IS001"
    cause = "bad-init-scale"
    summary = "weights start far larger or smaller than a He/Glorot init, and it hurts"

    def _off_scale(self, ev: Evidence) -> list[dict]:
        return off_scale_layers(ev.model.weighted_layers)

    def _harm(self, ev: Evidence) -> list[str]:
        harm = []
        if ev.baseline_loss and ev.given_train_loss is not None and (
                not np.isfinite(ev.given_train_loss) or ev.given_train_loss > 2 * ev.baseline_loss):
            harm.append(f"initial loss {ev.given_train_loss:.4g} vs {ev.baseline_loss:.4g} for predicting the prior")
        if ev.run is not None and ev.run.probes:
            layers = list(ev.run.probes[0].layers.values())
            if layers:
                last = layers[-1].std
                if np.isfinite(last) and (last > 100 or last < 1e-3):
                    harm.append(f"output std {last:.3g} on the probe batch")
        if ev.run is not None and not learned(ev.trained_val, ev.task):
            harm.append(f"a trained copy does not learn ({fmt_score(score_of(ev.trained_val, ev.task), ev.task)})")
        return harm

    def wants(self, ev: Evidence) -> set[str]:
        if ev.fresh_start:
            return set()  # the recorded run itself starts from a standard init
        off = self._off_scale(ev)
        if off and (not ev.given_learned or any(o["ratio_to_standard"] > 1 for o in off)):
            return {REINIT}
        return set()

    def check(self, ev: Evidence):
        if ev.fresh_start:
            return self._check_blown_up(ev)
        off = self._off_scale(ev)
        if not off:
            return RuledOut("every layer's weight std is within 0.2x-5x of a He/Glorot init")
        worst = max(off, key=lambda o: abs(np.log(o["ratio_to_standard"])))
        reinit = ev.control_val.get(REINIT)
        if ev.given_learned:
            return self._check_trained(ev, off, worst)
        harm = self._harm(ev)
        if not harm:
            return RuledOut("weights are off the standard scale, but nothing shows harm")
        evidence = {"layers": off, "harm": harm, "score": score_of(ev.trained_val, ev.task),
                    "reinit_score": score_of(reinit, ev.task)}
        what = (f"Layer '{worst['layer']}' starts with weight std {worst['std']:.3g}, "
                f"{worst['ratio_to_standard']:.3g}x a standard init ({len(off)} layer(s) off scale); "
                f"{'; '.join(harm)}.")
        fix, fix_code = self._fix(ev, worst)
        if clearly_better(reinit, ev.trained_val, ev.task):
            # 10x off or more, fixed by the init alone: the root, not a mechanism (dead units,
            # vanishing gradients) that the scale brings with it
            extreme = worst["ratio_to_standard"] >= EXTREME or worst["ratio_to_standard"] <= 1 / EXTREME
            return self.finding("error", 0.96 if extreme else 0.85, what + " Re-initialised with a standard "
                                f"init, the same training reaches {fmt_score(evidence['reinit_score'], ev.task)}.",
                                evidence, fix, fix_code, confirmed_by=[REINIT])
        return self.finding("warning", 0.4, what + " A standard re-init did not clearly help"
                            f" ({fmt_score(evidence['reinit_score'], ev.task)}).", evidence, fix, fix_code)

    def _check_trained(self, ev: Evidence, off: list[dict], worst: dict):
        """The model learned from oversized weights: does a standard init learn clearly more?"""
        reinit, run = ev.control_val.get(REINIT), ev.controls.get(REINIT)
        large = [o for o in off if o["ratio_to_standard"] > 1]
        if not large or reinit is None or run is None:
            return RuledOut("weights are off the standard scale, but the model has learned")
        grown = weight_scale(ev.model.weighted_layers, run.final_weights)
        if not np.isfinite(grown) or grown >= TOO_LARGE:
            return RuledOut(f"the trained weights are {worst['ratio_to_standard']:.3g}x a standard init, but "
                            f"training from a standard init grows them to {grown:.3g}x as well: the "
                            "training, not the init, made them large (see lr-too-high)")
        # 10x or more: no trained net measured here comes near (at most 3.7x), so a standard init
        # that beats the model as the user left it is enough, even if more training catches up
        extreme = worst["ratio_to_standard"] >= EXTREME
        if not (clearly_better(reinit, ev.trained_val, ev.task, margin_acc=0.05, margin_r2=0.1) or (
                extreme and clearly_better(reinit, ev.given_val, ev.task, margin_acc=0.05, margin_r2=0.1))):
            return RuledOut(f"the weights are {worst['ratio_to_standard']:.3g}x a standard init and the model "
                            f"has learned; a standard init trained the same way predicts no clearly better "
                            f"({fmt_score(score_of(reinit, ev.task), ev.task)} vs "
                            f"{fmt_score(score_of(ev.trained_val, ev.task), ev.task)})")
        worst = max(large, key=lambda o: o["ratio_to_standard"])
        evidence = {"layers": off, "score": score_of(ev.trained_val, ev.task), "given_score":
                    score_of(ev.given_val, ev.task), "reinit_score": score_of(reinit, ev.task),
                    "reinit_weight_scale": grown}
        return self.finding(
            "warning", 0.75,
            f"Layer '{worst['layer']}' has weight std {worst['std']:.3g}, {worst['ratio_to_standard']:.3g}x a "
            f"standard init, and the model learns less than it could: as given it predicts "
            f"{fmt_score(evidence['given_score'], ev.task)}, trained on "
            f"{fmt_score(evidence['score'], ev.task)}, while a standard init trained the same way reaches "
            f"{fmt_score(evidence['reinit_score'], ev.task)} with weights {grown:.3g}x a standard init: "
            "the large starting weights hold it back.",
            evidence, *self._fix(ev, worst), confirmed_by=[REINIT])

    def _check_blown_up(self, ev: Evidence):
        """The given weights are NaN/inf or blown up; the recorded run started from a standard init."""
        run = ev.run
        if run is None:
            return None
        if run.nonfinite_step is not None or not learned(ev.trained_val, ev.task):
            return RuledOut("the given weights are NaN/inf or blown up, and a standard init trained with the same "
                            "settings does not learn either: the settings, not the init, are at fault")
        evidence = {"score": score_of(ev.trained_val, ev.task), "given_weights_finite": False}
        return self.finding(
            "warning", 0.5,
            f"The weights as given hold NaN/inf or are 1000x a standard init: the training that made them blew up. A standard init "
            f"trained with the same loss, optimizer and learning rate stays finite and reaches "
            f"{fmt_score(evidence['score'], ev.task)}: the starting weights (or how the model was "
            "trained before, if not like this) made the difference.",
            evidence, *self._fix(ev, None), confirmed_by=["recorded_run"])

    @staticmethod
    def _fix(ev: Evidence, worst: dict | None) -> tuple[str, str]:
        direction = ("large" if worst["ratio_to_standard"] > 1 else "small") if worst else "large or small"
        fix = f"Initialise with He (ReLU) / Glorot (others) instead of a too-{direction} scale."
        fix_code = ("nn.init.kaiming_normal_(layer.weight)" if ev.framework == "torch"
                    else 'layers.Dense(units, kernel_initializer="he_normal")')
        return fix, fix_code
