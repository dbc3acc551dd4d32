"""IS001: the initial weights are far too large or too small for the layer."""

from __future__ import annotations

import numpy as np

from ...evidence.model import expected_init_std
from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import clearly_better, identical_units, learned, score_of

TOO_LARGE, TOO_SMALL = 5.0, 0.2  # weight std as a multiple of the He/Glorot std


class BadInitScale(Rule):
    """Flags weights whose scale is far from a standard init, when that scale hurts.

    ## What it does
    For every dense/conv layer of the model as given, compares the weight std with the std of
    a He (ReLU-like) or Glorot (other) init of the same shape. A layer over 5x or under 0.2x is
    suspicious when the model has not learned, and the harm is shown by one of: an initial loss
    over twice that of predicting the label prior, output activations that explode or vanish
    on the probe batch, or a copy that does not learn. A copy re-initialised with the standard
    init and trained the same way confirms it.

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
        off = []
        for layer in ev.model.weighted_layers:
            w = layer.weight
            if w.shape[0] < 2 or w.size < 8 or identical_units(w, layer.bias):
                continue
            ratio = float(np.std(w)) / expected_init_std(w.shape[0], w.shape[1], layer.activation)
            if ratio > TOO_LARGE or ratio < TOO_SMALL:
                off.append({"layer": layer.name, "std": float(np.std(w)), "ratio_to_standard": ratio})
        return off

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
        return {"reinit"} if not ev.given_learned and self._off_scale(ev) else set()

    def check(self, ev: Evidence):
        off = self._off_scale(ev)
        if not off:
            return RuledOut("every layer's weight std is within 0.2x-5x of a He/Glorot init")
        if ev.given_learned:
            return RuledOut("weights are off the standard scale, but the model has learned")
        harm = self._harm(ev)
        if not harm:
            return RuledOut("weights are off the standard scale, but nothing shows harm")
        worst = max(off, key=lambda o: abs(np.log(o["ratio_to_standard"])))
        reinit = ev.control_val.get("reinit")
        evidence = {"layers": off, "harm": harm, "score": score_of(ev.trained_val, ev.task),
                    "reinit_score": score_of(reinit, ev.task)}
        direction = "large" if worst["ratio_to_standard"] > 1 else "small"
        what = (f"Layer '{worst['layer']}' starts with weight std {worst['std']:.3g}, "
                f"{worst['ratio_to_standard']:.3g}x a standard init ({len(off)} layer(s) off scale); "
                f"{'; '.join(harm)}.")
        fix = f"Initialise with He (ReLU) / Glorot (others) instead of a too-{direction} scale."
        fix_code = ("nn.init.kaiming_normal_(layer.weight)" if ev.framework == "torch"
                    else 'layers.Dense(units, kernel_initializer="he_normal")')
        if clearly_better(reinit, ev.trained_val, ev.task):
            return self.finding("error", 0.85, what + " Re-initialised with a standard init, the same "
                                f"training reaches {fmt_score(evidence['reinit_score'], ev.task)}.",
                                evidence, fix, fix_code, confirmed_by=["reinit"])
        return self.finding("warning", 0.4, what + " A standard re-init did not clearly help"
                            f" ({fmt_score(evidence['reinit_score'], ev.task)}).", evidence, fix, fix_code)
