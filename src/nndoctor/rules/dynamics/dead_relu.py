"""GD004: most ReLU units output zero for every input."""

from __future__ import annotations

import numpy as np

from ...evidence.model import LayerInfo
from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import clearly_better, control_fixes, identical_units, learned, score_of
from ._signals import DEAD_LAYER, dead_relu_layers, global_gradient_norm, kernel_changes

REINIT, LOWER_LR = "reinit", "lr/10"
# controls that other rules may have run; one that learns names what killed the units
REVIVING = {  # name: (what it changes, the fix it stands for)
    LOWER_LR: ("at lr {lr:g}", "Lower the learning rate to about {lr:g}"),
    "lr/100": ("at lr {lr:g}", "Lower the learning rate to about {lr:g}"),
    "lr/1000": ("at lr {lr:g}", "Lower the learning rate to about {lr:g}"),
    "standardize-x": ("with standardized inputs", "Standardize the inputs"),
    "standardize-y": ("with standardized targets", "Standardize the regression targets"),
    "clip": ("with the gradient norm clipped to 1.0", "Clip the gradient norm"),
}


class DeadRelu(Rule):
    """Flags ReLU layers whose units are all zero on every probe input, when the copy does
    not learn, and says whether they were dead from the start or died in training.

    ## What it does
    Reads the probe-batch snapshots of the recorded run: a ReLU-like layer in which 90% or more
    of the units output 0 for every probe input is dead (healthy nets measured here: at most
    41%, 10 layers deep). Dead at the first snapshot means the init killed them (typically
    negative biases, or weights that push every pre-activation below 0); a copy re-initialised
    with He weights and zero biases confirms it (an error). Alive at the start and dead at the
    end means training killed them: that is a mechanism, reported as a warning that names the
    cause when a control run revives them (a tenth of the learning rate, which it asks for;
    standardized inputs/targets or clipped gradients, when other rules ran them). Units that
    die only after the loss went NaN are left to lr-too-high and exploding-gradients, and units
    that are 0 because a constant/zero init made them clones to symmetric-init (SI001).

    ## Why is this bad?
    A dead ReLU outputs 0 and has gradient 0 for every input, so it never recovers. When a
    whole layer is dead, no signal and no gradient passes it: every input gets the same
    output, and the layers before it never learn.

    ## Example
    ```python
    layers.Dense(32, activation="relu", bias_initializer=keras.initializers.Constant(-5.0))
    nn.init.constant_(linear.bias, -5.0)
    ```

    ## Fix
    Initialise weights with He init and biases at 0 (or slightly positive); use LeakyReLU/ELU
    where units keep dying; lower the learning rate when they die during training. Safe.
    """

    code = "GD004"
    cause = "dead-relu"
    summary = "a ReLU layer outputs 0 for every input, and the copy does not learn"

    def _dead(self, ev: Evidence) -> dict | None:
        run = ev.run
        if run is None or not run.probes:
            return None
        end = dead_relu_layers(run)
        if not end:
            return None
        start = dead_relu_layers(run, 0)
        return {"end": end, "start": start, "at_init": any(name in start for name in end),
                "clones": [name for name in end if _cloned(ev, name)]}

    def wants(self, ev: Evidence) -> set[str]:
        dead = self._dead(ev)
        if dead is None or learned(ev.trained_val, ev.task) or dead["clones"]:
            return set()
        return {REINIT} if dead["at_init"] else {LOWER_LR}

    def check(self, ev: Evidence):
        run = ev.run
        if run is None or not run.probes:
            return None
        relu = {name: a.dead_fraction for name, a in run.probes[-1].layers.items()
                if a.dead_fraction is not None and np.isfinite(a.dead_fraction)}
        if not relu:
            return None  # no ReLU layers, or their outputs are NaN
        dead = self._dead(ev)
        worst = max(relu, key=relu.get)
        if dead is None:
            return RuledOut(f"at most {fmt_pct(relu[worst])} of a ReLU layer's units are dead after "
                            f"training (layer '{worst}'; dead below {fmt_pct(DEAD_LAYER)})")
        names = list(dead["end"])
        score = score_of(ev.trained_val, ev.task)
        what = (f"{len(names)} of {len(relu)} ReLU layer(s) are dead: {fmt_pct(relu[worst])} of the units of "
                f"layer '{worst}' output 0 for every probe input")
        if learned(ev.trained_val, ev.task):
            return RuledOut(f"{what}, but the copy learns ({fmt_score(score, ev.task)})")
        if dead["clones"]:
            return RuledOut(f"{what}, but the layer(s) feeding them have identical units (a constant or "
                            "zero init): the units are clones, not killed (see symmetric-init)")
        evidence = {"dead_layers": {name: relu[name] for name in names},
                    "dead_at_start": dict(dead["start"]), "dead_since_init": dead["at_init"],
                    "score": score}
        feeding = _feeding_layer(ev, worst)
        init = ""
        if feeding is not None and feeding.bias is not None and feeding.bias.size:
            evidence["feeding_layer"] = feeding.name
            evidence["feeding_bias_mean"] = float(np.mean(feeding.bias))
            evidence["feeding_weight_std"] = float(np.std(feeding.weight))
            init = (f" Layer '{feeding.name}' before it starts with mean bias "
                    f"{evidence['feeding_bias_mean']:.3g} and weight std {evidence['feeding_weight_std']:.3g}.")
        block = (f" A dead layer passes neither signal nor gradient: the copy predicts "
                 f"{fmt_score(score, ev.task)} after {run.steps} steps.")
        fix, fix_code = self._fix(ev)
        if dead["at_init"]:
            message = (f"{what}, from the first step on (healthy nets measured here: at most 41% per "
                       f"layer).{init}{block}")
            confidence, confirmed = 0.8, ["recorded_run"]
            reinit = ev.control_val.get(REINIT)
            if reinit is not None:
                evidence["reinit_score"] = score_of(reinit, ev.task)
                if clearly_better(reinit, ev.trained_val, ev.task):
                    confidence, confirmed = 0.95, confirmed + [REINIT]
                    message += (f" Re-initialised with He weights and zero biases, the same training "
                                f"reaches {fmt_score(evidence['reinit_score'], ev.task)}.")
                else:
                    confidence = 0.6
                    message += (f" Re-initialised with He weights and zero biases it reaches only "
                                f"{fmt_score(evidence['reinit_score'], ev.task)}: something else stops it too.")
            return self.finding("error", confidence, message, evidence, fix, fix_code, confirmed_by=confirmed)
        # killed in training: a mechanism; the cause is what killed them, which a control names
        message = (f"{what}; at the first step {fmt_pct(dead['start'].get(worst, 0.0))} of them were: "
                   f"training killed them.{block}")
        blown = self._blow_up(ev)
        if blown:
            return RuledOut(f"{what}, but they died as {blown}: a symptom of the blow-up "
                            "(see lr-too-high, exploding-gradients)")
        revived = [(name, ev.controls[name]) for name in REVIVING if control_fixes(ev, name)]
        if revived:
            name, control = revived[0]
            evidence["reviving_control"] = name
            evidence["reviving_score"] = score_of(ev.control_val.get(name), ev.task)
            change, remedy = REVIVING[name]
            change = change.format(lr=control.lr_used)
            message += (f" {change[0].upper() + change[1:]} the same training reaches "
                        f"{fmt_score(evidence['reviving_score'], ev.task)}: that is the cause, the dead "
                        "units its mechanism.")
            fix = remedy.format(lr=control.lr_used) + "; " + fix[0].lower() + fix[1:]
            return self.finding("warning", 0.5, message, evidence, fix, fix_code, confirmed_by=[name])
        return self.finding("warning", 0.5, message + " No control run revived them: see the other findings "
                            "for what drove the weights there.", evidence, fix, fix_code,
                            confirmed_by=["recorded_run"])

    @staticmethod
    def _blow_up(ev: Evidence) -> str | None:
        """How the run blew up (NaN/inf loss, gradients or weights), or None."""
        run = ev.run
        if run.nonfinite_step is not None:
            return f"the loss became NaN/inf at step {run.nonfinite_step}"
        norms = global_gradient_norm(ev)
        if norms is not None and not np.isfinite(norms).all():
            return "the gradients became NaN/inf"
        if any(not np.isfinite(change) for _, change in kernel_changes(ev)):
            return "the weights became NaN/inf"
        return None

    @staticmethod
    def _fix(ev: Evidence) -> tuple[str, str]:
        fix = ("Initialise weights with He init and biases at 0; use LeakyReLU/ELU if units keep "
               "dying during training.")
        if ev.framework == "keras":
            return fix, 'layers.Dense(units, activation="relu", kernel_initializer="he_normal", bias_initializer="zeros")'
        return fix, "nn.init.kaiming_normal_(linear.weight); nn.init.zeros_(linear.bias)"


def _cloned(ev: Evidence, name: str) -> bool:
    feeding = _feeding_layer(ev, name)
    return feeding is not None and identical_units(feeding.weight, feeding.bias)


def _feeding_layer(ev: Evidence, name: str) -> LayerInfo | None:
    """The dense/conv layer whose output a probed layer is (Keras) or follows (torch activation)."""
    layers = ev.model.layers
    index = next((i for i, layer in enumerate(layers) if layer.name == name), None)
    if index is None:
        return None
    for layer in reversed(layers[:index + 1]):
        if layer.weight is not None:
            return layer
    return None
