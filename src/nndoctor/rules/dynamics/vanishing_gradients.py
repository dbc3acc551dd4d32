"""GD003: gradients die out before they reach the early layers."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import identical_units, learned, off_scale_layers, score_of
from ._signals import dead_relu_layers, kernel_changes, layer_series, relative_gradients

VANISHED = 1e-3  # first layer's relative gradient / the last layer's (healthy nets: 0.01 and up)
MIN_LAYERS = 3  # weighted layers: a 2-layer net has no depth for gradients to die in
SATURATING = {"sigmoid", "tanh", "hard_sigmoid"}
COLLAPSED = 1e-3  # faintest deeper hidden output's spread over samples / the first one's, at the start (healthy: 0.017 and up)
MIN_HIDDEN = 3  # hidden nonlinear outputs needed to speak of the signal dying out with depth


class VanishingGradients(Rule):
    """Flags gradients that shrink layer by layer until the early layers get almost none.

    ## What it does
    For every dense/conv layer with recorded gradients, divides the median gradient norm over
    the recorded run by the norm of the layer's starting weights (the relative gradient, which
    sets how fast plain SGD moves the layer). If the first layer's relative gradient is under
    1/1000 of the last layer's (healthy nets measured here: 1/100 or more; 8 ReLU layers with
    He init: 0.4), gradients vanish. The message adds how little the early weights changed and
    how many units sit at a sigmoid/tanh rail on the probe batch. It is an error when the copy
    does not learn, a warning when it learns while its first layer stays practically frozen.

    A model measured to compute an affine map (no non-linearity acts: see capacity-bottleneck)
    is ruled out: a linear stack soon has nothing left to learn, so all its gradients shrink,
    the early layers' most, with no activation to blame.

    The ratio misses one form: when the forward signal itself dies out with depth (small
    weights through many tanh/sigmoid layers), the last layer's inputs are almost the same
    for every sample, so its gradient is tiny too and the ratio looks normal. So the rule also
    reads the probe batch at the start of the recorded run: if a deeper hidden output
    varies with the input under 1/1000 as much as the first hidden output (healthy nets
    measured here: 0.017 or more; 14 tanh layers of 8 units at 0.35x He: 1e-4), the copy does
    not learn, and every layer's weights are within 0.2x-5x of a He/Glorot init (further off
    is bad-init-scale's), it is an error too.
    Zero gradients behind dead ReLU units are left to dead-relu (GD004), and NaN gradients to
    exploding-gradients (GD002).

    ## Why is this bad?
    Each sigmoid/tanh layer multiplies the backward signal by its derivative (at most 0.25 for
    sigmoid) and by its weights, so after a few layers the early layers receive almost no
    gradient and keep their random weights: the later layers must work with noise features,
    and the model stays near chance.

    ## Example
    ```python
    keras.Sequential([keras.Input((4,))] + [layers.Dense(32, activation="sigmoid") for _ in range(8)]
                     + [layers.Dense(3)])
    ```

    ## Fix
    Use ReLU-family activations with He init in the hidden layers (keep sigmoid/softmax at the
    output), add normalization (BatchNorm/LayerNorm) or residual connections, or use fewer
    layers. Adam softens the symptom but does not remove it. Safe.
    """

    code = "GD003"
    cause = "vanishing-gradients"
    summary = "the first layer's gradient is under 1/1000 of the last layer's; early layers stay put"

    def check(self, ev: Evidence):
        run = ev.run
        if run is None:
            return None
        relative = [(layer, value) for layer, value in relative_gradients(ev)
                    if layer.trainable is not False]
        if len(relative) < MIN_LAYERS:
            return RuledOut(f"only {len(relative)} weighted layer(s) with recorded gradients: too shallow "
                            "for gradients to vanish") if run.grad_steps else None
        (first, g_first), (last, g_last) = relative[0], relative[-1]
        if run.nonfinite_step is not None or not (np.isfinite(g_first) and np.isfinite(g_last)):
            return RuledOut("the loss or gradients become NaN/inf: they blow up, not vanish "
                            "(see exploding-gradients, lr-too-high)")
        if dead_relu_layers(run):
            return RuledOut("gradients are zero behind dead ReLU layers (see dead-relu)")
        if ev.model.extra.get("affine") is True:
            return RuledOut("the model computes an affine map of its inputs (no non-linearity acts between "
                            "its layers): there is no saturating activation for gradients to vanish through, "
                            "and a linear model soon has nothing left to learn (see capacity-bottleneck)")
        if g_last <= 0:
            return RuledOut(f"the last layer '{last.name}' gets no gradient at all: nothing flows back")
        if g_first <= 0:
            return RuledOut(f"the first layer '{first.name}' gets exactly zero gradient: the graph is cut "
                            "(or the layer frozen), which is not vanishing (see parameters-not-updating)")
        ratio = g_first / g_last
        if ratio >= VANISHED:
            collapse = _forward_collapse(ev)
            if collapse is not None and collapse["spread_ratio"] < COLLAPSED and not learned(ev.trained_val, ev.task):
                return self._collapsed(ev, collapse, ratio)
            return RuledOut(f"the first layer's relative gradient is {ratio:.2g}x the last layer's "
                            f"(vanishing below {VANISHED:g}x)")
        changes = dict((layer.name, change) for layer, change in kernel_changes(ev))
        updates = layer_series(run, first, "update_ratio")
        score = score_of(ev.trained_val, ev.task)
        evidence = {"first_layer": first.name, "last_layer": last.name,
                    "first_relative_gradient": g_first, "last_relative_gradient": g_last,
                    "gradient_ratio": ratio, "depth": len(relative),
                    "profile": [{"layer": layer.name, "relative_gradient": value} for layer, value in relative],
                    "first_weight_change": changes.get(first.name), "last_weight_change": changes.get(last.name),
                    "first_update_ratio": float(np.nanmedian(updates)) if updates is not None and updates.size else None,
                    "saturated_fraction": self._saturation(run), "score": score}
        activations = sorted({layer.activation for layer, _ in relative[:-1] if layer.activation})
        message = (f"Gradients vanish before the early layers: over {run.steps} steps the first layer "
                   f"'{first.name}' gets a median gradient of {g_first:.2g}x its weight norm, the last "
                   f"layer '{last.name}' {g_last:.2g}x: {ratio:.2g} of it (healthy nets measured here: "
                   f"0.01 or more), through {len(relative)} layers of {'/'.join(activations) or 'unknown'} units.")
        if evidence["first_weight_change"] is not None and evidence["last_weight_change"] is not None:
            message += (f" The first layer's weights changed by {evidence['first_weight_change']:.2g} (relative), "
                        f"the last layer's by {evidence['last_weight_change']:.2g}.")
        if evidence["saturated_fraction"]:
            message += f" {fmt_pct(evidence['saturated_fraction'])} of the sigmoid/tanh outputs sit at a rail."
        fix, fix_code = self._fix(ev)
        if not learned(ev.trained_val, ev.task):
            return self.finding("error", 0.85, message + f" The copy does not learn ({fmt_score(score, ev.task)}).",
                                evidence, fix, fix_code, confirmed_by=["recorded_run"])
        first_change = evidence["first_weight_change"]
        if first_change is not None and first_change < 1e-3:  # the first layer practically frozen
            return self.finding("warning", 0.6, message + f" The copy learns ({fmt_score(score, ev.task)}) "
                                "with its first layer practically frozen: the early layers add nothing.",
                                evidence, fix, fix_code, confirmed_by=["recorded_run"])
        return RuledOut(f"the first layer's relative gradient is {ratio:.2g}x the last layer's, but the "
                        f"early layers still move and the copy learns ({fmt_score(score, ev.task)})")

    def _collapsed(self, ev: Evidence, collapse: dict, gradient_ratio: float):
        score = score_of(ev.trained_val, ev.task)
        evidence = dict(collapse, gradient_ratio=gradient_ratio, score=score)
        message = (f"The signal dies out on its way through {collapse['hidden_outputs']} hidden layers "
                   f"({'/'.join(collapse['activations'])}): at the start of training the output of "
                   f"'{collapse['faintest_layer']}' varies with the input {collapse['spread_ratio']:.2g}x as "
                   f"much as the first hidden output '{collapse['first_layer']}' (healthy nets measured here: "
                   "0.017 or more). The last layer sees almost the same features for every sample, and the "
                   "gradients flowing back shrink through the same layers. The first/last gradient ratio "
                   f"({gradient_ratio:.2g}) does not show it, since the last layer's gradient is tiny too. "
                   f"The copy does not learn ({fmt_score(score, ev.task)}).")
        return self.finding("error", 0.7, message, evidence, *self._fix(ev), confirmed_by=["recorded_run"])

    @staticmethod
    def _saturation(run) -> float | None:
        """Share of sigmoid/tanh outputs at a rail on the last probe, over all such layers."""
        if not run.probes:
            return None
        values = [a.saturated_fraction for a in run.probes[-1].layers.values()
                  if a.saturated_fraction is not None and np.isfinite(a.saturated_fraction)]
        return float(np.mean(values)) if values else None

    @staticmethod
    def _fix(ev: Evidence) -> tuple[str, str]:
        saturating = any(layer.activation in SATURATING for layer in ev.model.weighted_layers[:-1])
        fix = ("Use ReLU-family activations with He init in the hidden layers" if saturating
               else "Use He/Glorot init for the depth") + \
            (", add BatchNorm/LayerNorm between layers, or use fewer layers.")
        if ev.framework == "keras":
            return fix, 'layers.Dense(units, activation="relu", kernel_initializer="he_normal")'
        return fix, "nn.Linear(n_in, n_out), nn.ReLU()  # instead of nn.Sigmoid(); nn.init.kaiming_normal_(linear.weight)"


def _forward_collapse(ev: Evidence) -> dict | None:
    """How much the faintest deeper hidden output varies with the input, relative to the first hidden
    output, on the probe batch at the start of the recorded run; None where it cannot be read
    or where a layer's weights are identical or far from a standard init (another rule's)."""
    layers = [layer for layer in ev.model.weighted_layers if layer.weight is not None and layer.weight.size >= 8]
    if off_scale_layers(layers) or any(identical_units(layer.weight, layer.bias) or not np.std(layer.weight) > 0
                                       for layer in layers):
        return None  # bad-init-scale's (IS001) or symmetric-init's (SI001)
    if not ev.run.probes or ev.run.probes[0].step != 0:
        return None
    entries = list(ev.run.probes[0].layers.items())[:-1]  # the output layer (or its own softmax) is not hidden
    hidden = [(name, a) for name, a in entries
              if a.activation is not None and a.spread is not None and np.isfinite(a.spread)]
    if len(hidden) < MIN_HIDDEN or not hidden[0][1].spread > 0:
        return None
    faintest_name, faintest = min(hidden[1:], key=lambda item: item[1].spread)
    return {"first_layer": hidden[0][0], "faintest_layer": faintest_name, "hidden_outputs": len(hidden),
            "first_spread": hidden[0][1].spread, "faintest_spread": faintest.spread,
            "spread_ratio": faintest.spread / hidden[0][1].spread,
            "activations": sorted({a.activation for _, a in hidden})}
