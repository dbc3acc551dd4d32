"""SI001: the units of a layer start identical and stay clones."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import clearly_better, identical_units, learned, score_of


class SymmetricInit(Rule):
    """Flags hidden layers whose units all have the same weights, before and after training.

    ## What it does
    Compares the weight vectors of the units of every hidden dense/conv layer of the model as
    given. If all units of a layer are identical (constant or zero init), it checks the weights
    of the copy after the recorded run: units that are still identical prove that training
    cannot tell them apart. A copy re-initialised with a standard init (He/Glorot) is trained
    for comparison: when it learns nothing either (and does no clearly better), the units are
    identical because something else holds every weight at one value (a weight penalty that
    shrinks them all to zero), and the finding is a warning, not an error.

    ## Why is this bad?
    Identical units compute the same output and receive the same gradient, so they stay
    clones forever: a layer of 64 units works like one unit, and a zero-initialised ReLU
    network outputs a constant.

    ## Example
    ```python
    layers.Dense(64, activation="relu", kernel_initializer="zeros")
    nn.init.constant_(layer.weight, 0.5)
    ```

    ## Fix
    Use a random init: the framework default (Glorot/He), e.g. remove
    `kernel_initializer="zeros"` or call `nn.init.kaiming_normal_`. Safe.
    """

    code = "SI001"
    cause = "symmetric-init"
    summary = "every unit of a hidden layer has the same weights, before and after training"

    def _symmetric_layers(self, ev: Evidence) -> list[int]:
        weighted = ev.model.weighted_layers
        return [i for i, layer in enumerate(weighted[:-1]) if identical_units(layer.weight, layer.bias)]

    def wants(self, ev: Evidence) -> set[str]:
        return {"reinit"} if self._symmetric_layers(ev) else set()

    def check(self, ev: Evidence):
        weighted = ev.model.weighted_layers
        if len(weighted) < 2:
            return None
        symmetric = self._symmetric_layers(ev)
        if not symmetric:
            return RuledOut(f"the units of all {len(weighted) - 1} hidden weighted layer(s) differ")
        final = ev.run.final_weights if ev.run else []
        still = [i for i in symmetric if i < len(final) and final[i] is not None
                 and final[i].shape == weighted[i].weight.shape and identical_units(final[i], None)]
        names = [f"'{weighted[i].name}' ({weighted[i].units} units)" for i in symmetric]
        evidence = {"symmetric_layers": [weighted[i].name for i in symmetric],
                    "still_symmetric_after_training": [weighted[i].name for i in still],
                    "training_steps": ev.run.steps if ev.run else 0,
                    "score": score_of(ev.trained_val, ev.task),
                    "reinit_score": score_of(ev.control_val.get("reinit"), ev.task)}
        fix_code = ('layers.Dense(units, activation="relu")  # default glorot_uniform init'
                    if ev.framework == "keras" else
                    "nn.init.kaiming_normal_(layer.weight); nn.init.zeros_(layer.bias)")
        fix = "Initialise the weights randomly (the framework default or He/Glorot), not with a constant."
        reinit = ""
        if evidence["reinit_score"] is not None:
            reinit = f" With a standard random init the same training scores {fmt_score(evidence['reinit_score'], ev.task)}."
        if ev.run is not None and not still:
            return self.finding("info", 0.3, f"Layer(s) {', '.join(names)} start with identical units, "
                                "but training broke the symmetry." + reinit, evidence, fix, fix_code)
        reinit_val = ev.control_val.get("reinit")
        if ev.run is not None and reinit_val is not None and not learned(reinit_val, ev.task) \
                and not clearly_better(reinit_val, ev.trained_val, ev.task):
            return self.finding(
                "warning", 0.4,
                f"All units of layer(s) {', '.join(names)} have identical weights, but a standard random init "
                f"does no better ({fmt_score(evidence['reinit_score'], ev.task)} against "
                f"{fmt_score(evidence['score'], ev.task)}): the identical units are a symptom of something "
                "that holds every weight at the same value (a weight penalty that shrinks them all to zero, "
                "a learning rate of zero), not what holds the model back.",
                evidence, fix, fix_code, confirmed_by=["recorded_run"])
        confirmed = ["recorded_run"] + (["reinit"] if "reinit" in ev.controls else [])
        return self.finding(
            "error", 0.95 if still else 0.7,
            f"All units of layer(s) {', '.join(names)} have identical weights"
            + (f", and they are still identical after {ev.run.steps} training steps: each such "
               f"layer works as a single unit ({fmt_score(evidence['score'], ev.task)})." if still else ".") + reinit,
            evidence, fix, fix_code, confirmed_by=confirmed)
