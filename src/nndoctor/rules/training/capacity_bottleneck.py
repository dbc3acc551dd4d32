"""CB001: the network cannot represent the mapping (a width-1 layer, too small a model)."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import score_of

FITS = {"classification": 0.9, "regression": 0.8}  # score on 32 memorizable samples
MIN_TRIES = 3  # learning rates that must have been tried before "cannot memorize" counts
BASELINE_MARGIN = {"classification": 0.05, "regression": 0.1}  # a simple model this much better


class CapacityBottleneck(Rule):
    """Flags a model that cannot even memorize 32 training samples, at its own learning rate
    or at 10x, 100x or 0.1x of it.

    ## What it does
    When a trained copy underfits its own training data (accuracy under 90%, R^2 under 0.8),
    it runs `overfit_small_batch`: 32 samples, full-batch, 150 steps, at four learning rates.
    Any reasonable network memorizes 32 samples; if none of the three runs does, the network
    is held back. A hidden layer narrower than the number of classes (or of 1-2 units), or no
    hidden layer at all, names the bottleneck (error); without one the finding is a warning,
    since optimisation or plumbing can block memorizing too. A model as given that fits its
    training data (90% accuracy, R^2 0.8) has shown it can memorize, whatever the copies do (they
    train without the script's gradient clipping, for one): ruled out. Layers that hold
    parameters nndoctor does not read (recurrent, embedding, custom) count as hidden layers of
    unknown width, never as "no hidden layer".
    A dense layer that narrow, or a model with no hidden layer, is named even when 32 samples pass
    through it, if a simple model (logistic/ridge regression, gradient boosting) predicts the
    validation data clearly better than a trained copy (5 points, beyond the baseline's
    interval); a linear network only when the winner is gradient boosting and the linear
    baseline does no better than the network.
    Without a layer that narrow, a model that cannot memorize is ruled out when it predicts the
    validation data as well as those simple models: overlapping classes cannot all be memorized
    (measured: two overlapping blobs, a network at 82% like logistic regression, 84% of 32
    samples memorized).

    ## Why is this bad?
    Information squeezed through one unit, or a linear model on a non-linear problem, cannot
    separate the classes however long it trains: predictions fall back to the majority class.

    ## Example
    ```python
    nn.Sequential(nn.Linear(64, 1), nn.ReLU(), nn.Linear(1, 10))   # 10 classes through 1 unit
    ```

    Hidden layers that compose to one linear map count as no hidden layer: Keras Dense hidden
    layers that all lack an activation (nothing else non-linear in the model), or any model whose
    outputs, before the output activation, are measured to be an affine function of its inputs
    (the output at the midpoint of two inputs is the midpoint of their outputs).

    ## Fix
    Widen the narrow layer (at least as many units as classes; 32-256 is typical for small
    data), add a hidden layer, or give the hidden layers an activation (ReLU).
    """

    code = "CB001"
    cause = "capacity-bottleneck"
    summary = "the model cannot memorize 32 samples at any of four learning rates"

    @staticmethod
    def _judgeable(ev: Evidence) -> bool:
        """A recorded run that stayed finite, on finite data: its copy's scores mean something."""
        return ev.run is not None and ev.run.nonfinite_step is None and ev.data_finite

    def _underfits(self, ev: Evidence) -> bool:
        """A trained copy underfits its training data, and so does the model as given (one that
        fits shows the network can represent the mapping, whatever the copy did)."""
        if not self._judgeable(ev) or _given_fits(ev):
            return False
        train = score_of(ev.trained_train, ev.task)
        return train is not None and np.isfinite(train) and train < FITS[ev.task]

    def wants(self, ev: Evidence) -> set[str]:
        return {"overfit_small_batch"} if self._underfits(ev) else set()

    def check(self, ev: Evidence):
        hidden = ev.model.weighted_layers[:-1]
        if _linear_layers(ev):  # hidden layers without activation compose to one linear map
            hidden = []
        opaque = ev.model.opaque_layers  # recurrent/embedding/custom layers: depth nndoctor cannot see
        narrowest = min(hidden, key=lambda layer: layer.units or 0) if hidden else None
        need = max(ev.n_classes, 3) if ev.task == "classification" else 3
        # a dense layer's units are all it passes on; a conv layer's channels are multiplied
        # by the positions, so a few filters are no bottleneck by themselves
        narrow_dense = [layer for layer in hidden if layer.kind == "dense" and (layer.units or 0) < need]
        if (not hidden and not opaque) or narrow_dense:
            beaten = self._beaten_by_baseline(
                ev, min(narrow_dense, key=lambda layer: layer.units or 0) if narrow_dense else None, need)
            if beaten is not None:
                return beaten
        if _given_fits(ev):
            return RuledOut(f"the model as given scores {fmt_score(score_of(ev.given_train, ev.task), ev.task)} "
                            "on its training data: it can represent the mapping")
        if not self._underfits(ev):
            return None
        result = ev.experiments.get("overfit_small_batch")
        if not result or result.get("best_train_score") is None:
            return None
        best = result["best_train_score"]
        if best < FITS[ev.task] and len(result["tries"]) < MIN_TRIES:
            return None  # the budget cut the learning rates short: not enough to judge capacity
        if best >= FITS[ev.task]:
            return RuledOut(f"a copy memorizes {result['n_samples']} samples ({fmt_score(best, ev.task)}): "
                            "capacity is not the limit")
        evidence = {"small_batch_score": best, "tries": result["tries"],
                    "train_score": score_of(ev.trained_train, ev.task),
                    "narrowest_layer": narrowest.name if narrowest else None,
                    "narrowest_units": narrowest.units if narrowest else None,
                    "hidden_layers": len(hidden), "n_params": ev.model.n_params}
        lrs = ", ".join(f"{t['lr']:g}" for t in result["tries"])
        what = (f"The model cannot memorize {result['n_samples']} training samples: the best of "
                f"{len(result['tries'])} runs (lr {lrs}) reaches {fmt_score(best, ev.task)} on them, and the "
                f"full training set only {fmt_score(evidence['train_score'], ev.task)}.")
        if narrowest is None and not opaque:
            return self.finding("error", 0.75, what + f" {_linear_text(ev)}",
                                evidence, _linear_fix(ev),
                                "nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, n_out))")
        if narrowest is not None and (narrowest.units or 0) < need:
            return self.finding(
                "error", 0.8, what + f" Layer '{narrowest.name}' has {narrowest.units} unit(s) for "
                f"{f'{ev.n_classes} classes' if ev.n_classes else 'a continuous target'}: a bottleneck.",
                evidence, f"Widen layer '{narrowest.name}' to at least {max(need, 32)} units.",
                f"# layer '{narrowest.name}': {narrowest.units} -> {max(need, 32)} units")
        matched = _matches_baseline(ev)
        if matched is not None:
            name, value = matched
            return RuledOut(f"a copy memorizes only {fmt_score(best, ev.task)} of {result['n_samples']} samples, yet "
                            f"predicts the validation data as well as a simple {name.replace('_', ' ')} "
                            f"({fmt_score(score_of(ev.trained_val, ev.task), ev.task)} vs {fmt_score(value, ev.task)}): "
                            "no layer is too narrow and the data allow no more, so capacity is not the limit")
        return self.finding("warning", 0.45, what + " No layer is obviously too narrow: capacity, "
                            "optimisation or plumbing.", evidence,
                            "Try a wider/deeper model; if that does not help, look at the other findings.")

    def _beaten_by_baseline(self, ev: Evidence, narrowest, need: int):
        """A layer narrower than the task needs (or no hidden layer at all) and a simple model
        that predicts the validation data clearly better: the layer is the limit (32 samples
        can pass through one unit; hundreds of samples of several classes cannot). A linear
        network counts as limited only when the winner is the non-linear baseline and the
        linear baseline does not beat the network: what it lacks is then non-linearity."""
        if not self._judgeable(ev):
            return None
        baseline = ev.experiments.get("simple_baseline") or {}
        models = baseline.get("models") or {}
        best = baseline.get("best_score")
        score = score_of(ev.trained_val, ev.task)
        if best is None or score is None or not np.isfinite(score):
            return None
        if not self._clearly_above(ev, models.get(baseline.get("best")) or {}, best, score):
            return None
        if narrowest is None:
            linear = next((m for name, m in models.items() if name != "gradient_boosting"), None)
            linear_score = None if linear is None else linear.get("value", linear.get("r2"))
            if baseline.get("best") != "gradient_boosting" or (
                    linear_score is not None and self._clearly_above(ev, linear, linear_score, score)):
                return None
        evidence = {"narrowest_layer": narrowest.name if narrowest else None,
                    "narrowest_units": narrowest.units if narrowest else None,
                    "hidden_layers": len(ev.model.weighted_layers) - 1, "linear_hidden_layers": _linear_layers(ev),
                    "train_score": score_of(ev.trained_train, ev.task), "score": score,
                    "baseline": baseline.get("best"), "baseline_score": best}
        simple = baseline.get("best", "model").replace("_", " ")
        facts = (f"a trained copy scores {fmt_score(evidence['train_score'], ev.task)} on its training data "
                 f"and {fmt_score(score, ev.task)} on validation, while a simple {simple} reaches "
                 f"{fmt_score(best, ev.task)}")
        if narrowest is None:
            return self.finding(
                "error", 0.7, f"{_linear_text(ev)} {facts[0].upper()}{facts[1:]} "
                "and a linear baseline does no better than the network: the mapping is non-linear.",
                evidence, _linear_fix(ev),
                "nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, n_out))")
        return self.finding(
            "error", 0.75,
            f"Layer '{narrowest.name}' has {narrowest.units} unit(s) for "
            f"{f'{ev.n_classes} classes' if ev.n_classes else 'a continuous target'}: {facts}: "
            "everything the network knows passes through that layer.",
            evidence, f"Widen layer '{narrowest.name}' to at least {max(need, 32)} units.",
            f"# layer '{narrowest.name}': {narrowest.units} -> {max(need, 32)} units")

    @staticmethod
    def _clearly_above(ev: Evidence, model: dict, value: float, score: float) -> bool:
        """``value`` (a baseline's score) beats ``score`` by the margin and beyond its own interval."""
        low = (model.get("ci95") or [value])[0] if ev.task == "classification" else value - 0.1
        return value >= score + BASELINE_MARGIN[ev.task] and low > score


def _matches_baseline(ev: Evidence) -> tuple[str, float] | None:
    """``(name, score)`` of the best `simple_baseline` model when it does not clearly beat the
    trained copy on validation (`BASELINE_MARGIN`, beyond its interval): the network already
    predicts what a logistic regression and a gradient-boosted tree find in the data. Samples
    of overlapping classes cannot all be memorized by a small network, so failing to memorize
    them says nothing about capacity then. None when the baseline did not run or wins."""
    baseline = ev.experiments.get("simple_baseline") or {}
    name, best = baseline.get("best"), baseline.get("best_score")
    score = score_of(ev.trained_val, ev.task)
    if name is None or best is None or score is None or not np.isfinite(score) or not np.isfinite(best):
        return None
    if CapacityBottleneck._clearly_above(ev, (baseline.get("models") or {}).get(name) or {}, best, score):
        return None
    return name, best


def _given_fits(ev: Evidence) -> bool:
    """The model as given fits its training data (90% accuracy, R^2 0.8): it has the capacity
    to memorize, which is what `overfit_small_batch` tests (a narrow layer that memorizes but
    generalizes worse than a simple model is judged by the baseline path first)."""
    given = score_of(ev.given_train, ev.task)
    return given is not None and bool(np.isfinite(given)) and given >= FITS[ev.task]


LINEAR_KINDS = {"dense", "dropout", "batchnorm", "activation"}  # layers that keep a network linear


def _linear_layers(ev: Evidence) -> bool:
    """Hidden layers that compose to one linear map: the model's outputs (before its output
    activation) are measured to be an affine function of its inputs (`computes_affine_map`,
    any framework), or Keras Dense hidden layers none of which has an activation, with nothing
    non-linear between them."""
    hidden = ev.model.weighted_layers[:-1]
    if hidden and ev.model.extra.get("affine") is True:  # measured: its outputs are affine in its inputs
        return True
    return bool(ev.framework == "keras" and hidden
                and all(layer.kind in LINEAR_KINDS for layer in ev.model.layers)
                and all(layer.activation in (None, "linear") for layer in hidden))


def _linear_text(ev: Evidence) -> str:
    if _linear_layers(ev):
        return (f"The model's {len(ev.model.weighted_layers) - 1} hidden layer(s) have no activation: stacked "
                "without a non-linearity they compose to one linear map, so the network is linear.")
    return "The model has no hidden layer: it is linear."


def _linear_fix(ev: Evidence) -> str:
    return ("Give the hidden layers an activation (e.g. activation=\"relu\")." if _linear_layers(ev)
            else "Add a hidden layer (e.g. 64 ReLU units).")
