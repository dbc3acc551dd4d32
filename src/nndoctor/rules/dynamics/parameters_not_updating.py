"""GD001: the optimizer never changes the weights."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import clearly_better, learned, score_of
from ._signals import dead_relu_layers, fmt_layers, kernel_changes, layer_series, weight_norm

UNCHANGED = 1e-6  # relative kernel change over the whole run (learning layers: 1e-3 and up)
MOSTLY = 0.5  # share of the kernel weights that must be stuck for an error
UNFREEZE = "unfreeze"
UNAPPLIED = 1e-3  # applied, the recorded gradients would have moved the weights this much (relative)
SOLVED_LOSS = 1e-4  # a training loss this small a share of the no-learning loss leaves no gradient


class ParametersNotUpdating(Rule):
    """Flags layers whose weights do not change at all while the copy trains.

    ## What it does
    Compares every dense/conv kernel before and after the recorded run: a relative change under
    1e-6 means the optimizer never moved it (layers that learn change by 1e-3 or more, even at
    a learning rate of 1e-5). It then names why: a learning rate of 0, layers frozen
    (`requires_grad=False`, `trainable=False`), a torch optimizer instance that holds none (or
    only some) of the model's parameters (built over another model instance, or before the
    model was re-created), or gradients that are zero at every step because the graph is cut
    (``detach()``, ``torch.no_grad()``) — unless dead ReLU units explain the zeros (GD004) —
    or gradients that are not zero but never applied: learning rate x gradient x steps would
    have moved the weights by 1e-3 of their norm or more, yet they did not move at all (a
    custom Keras ``train_step`` that skips ``apply_gradients``).
    For frozen layers and a mis-built optimizer, a copy with every parameter trainable and an
    optimizer over all of them is trained too: only if it predicts clearly better is the
    freezing reported (a frozen base under a head that learns is fine-tuning by design). A
    learning rate of 0, or a run that changed no weight at all, is always reported: training
    was a no-op. A graph cut before some layers while the rest learns is only an info (a fixed
    feature extractor may be intended). An error when most weights are stuck, else a warning.

    ## Why is this bad?
    Weights that never change keep their random initial values: the network maps inputs to
    noise and the loss stays where it started, however long it trains.

    ## Example
    ```python
    model = Net(); optimizer = torch.optim.Adam(model.parameters())
    model = Net()                      # re-created: the optimizer steps the old one
    for p in model.parameters(): p.requires_grad = False
    model.trainable = False; model.compile(...)
    ```

    ## Fix
    Build the optimizer over the parameters of the model you train, after creating it; make
    the layers trainable again (and recompile in Keras); use a learning rate above 0; remove
    `detach()`/`no_grad()` from the forward pass. Safe: it only lets training happen.
    """

    code = "GD001"
    cause = "parameters-not-updating"
    summary = "most weights are exactly the same after training as before it"

    def _stuck(self, ev: Evidence):
        """(stuck layers, share of kernel weights stuck, reason, detail) or None."""
        changes = kernel_changes(ev)
        stuck = [layer for layer, change in changes if np.isfinite(change) and change < UNCHANGED]
        if not stuck:
            return None
        total = sum(layer.weight.size for layer, _ in changes)
        share = sum(layer.weight.size for layer in stuck) / total
        return stuck, share, *self._reason(ev, stuck)

    @staticmethod
    def _reason(ev: Evidence, stuck) -> tuple[str | None, str]:
        run, model = ev.run, ev.model
        if run.lr and max(run.lr) <= 0:
            return "zero-lr", f"the learning rate is {run.lr_used:g} at every step"
        frozen = [layer.name for layer in stuck if layer.trainable is False]
        if frozen:
            flag = "trainable=False" if ev.framework == "keras" else "requires_grad=False"
            return "frozen", f"layer(s) {fmt_layers(frozen)} are frozen ({flag})"
        coverage = model.extra.get("optimizer_param_coverage")
        if coverage is not None and coverage < 1.0:
            return "optimizer", (f"the optimizer instance holds {fmt_pct(coverage)} of this model's "
                                 "parameters: it was built over other parameters (another instance "
                                 "of the model, or one created before the model was re-created)")
        if dead_relu_layers(run) or dead_relu_layers(run, 0):
            return None, "their gradients are zero because ReLU units are dead (see dead-relu)"
        loss = np.asarray([v for v in run.loss if np.isfinite(v)])
        if loss.size and np.all(loss <= SOLVED_LOSS * (ev.baseline_loss or 1.0)):
            return None, (f"the training loss is already {loss.max():.2g} at every step: the copy fits its "
                          "training data exactly, so there is no gradient left to follow")
        grads = [layer_series(run, layer) for layer in stuck]
        if all(g is not None and g.size and np.all(g == 0) for g in grads):
            return "no-gradient", ("their gradients are zero at every recorded step: the graph is cut "
                                   "between them and the loss (detach(), torch.no_grad(), a numpy round trip)")
        moved = _expected_change(run, stuck, grads)
        if moved is not None and moved >= UNAPPLIED:
            custom = "; the model's class writes its own train_step" if model.extra.get("custom_train_step") else ""
            return "never-applied", (f"their gradients are not zero and the learning rate is {run.lr_used:g}, "
                                     f"which would move them by about {moved:.2g} of their norm over "
                                     f"{run.steps} steps (learning rate x gradient): the gradients are never "
                                     "applied (a training step that skips apply_gradients() or step())"
                                     + custom)
        return None, "their updates are below float precision (a learning rate that is tiny, not zero)"

    def wants(self, ev: Evidence) -> set[str]:
        found = self._stuck(ev) if ev.run is not None else None
        return {UNFREEZE} if found and found[2] in {"frozen", "optimizer"} else set()

    def check(self, ev: Evidence):
        if ev.run is None:
            return None
        found = self._stuck(ev)
        if found is None:
            changes = [c for _, c in kernel_changes(ev) if np.isfinite(c)]
            if not changes:
                return None
            return RuledOut(f"every weighted layer changed during the recorded run (smallest relative "
                            f"change {min(changes):.2g}; a stuck layer changes by under {UNCHANGED:g})")
        stuck, share, reason, detail = found
        names = [layer.name for layer in stuck]
        what = (f"{len(stuck)} of {len(ev.model.weighted_layers)} weighted layer(s) ({fmt_pct(share)} of the "
                f"weights: {fmt_layers(names)}) did not change in {ev.run.steps} training steps "
                f"(relative change under {UNCHANGED:g}; layers that learn change by 1e-3 or more)")
        if reason is None:
            return RuledOut(f"{what}, but {detail}")
        score = score_of(ev.trained_val, ev.task)
        control = ev.control_val.get(UNFREEZE)
        severity = "error" if share >= MOSTLY else "warning"
        if reason in {"frozen", "optimizer"} and control is not None:
            # the harm of freezing is what training every parameter buys
            if not clearly_better(control, ev.trained_val, ev.task):
                return RuledOut(f"{what}, but training every parameter predicts no better "
                                f"({fmt_score(score_of(control, ev.task), ev.task)} vs "
                                f"{fmt_score(score, ev.task)}): frozen by design")
        elif reason != "zero-lr" and share < 1.0 and learned(ev.trained_val, ev.task):
            # some layers train, and the copy learns: no control (or none possible) says more
            if reason != "no-gradient":
                return RuledOut(f"{what}, but the layers that do train learn ({fmt_score(score, ev.task)}): "
                                "frozen by design")
            severity = "info"  # a cut graph may be intended (a fixed feature extractor)
        loss = [v for v in ev.run.loss if np.isfinite(v)]
        evidence = {"stuck_layers": names, "stuck_weight_share": share, "reason": reason,
                    "trainable_params": ev.model.extra.get("trainable_params"),
                    "n_params": ev.model.n_params, "lr": ev.run.lr_used,
                    "optimizer_param_coverage": ev.model.extra.get("optimizer_param_coverage"),
                    "first_loss": loss[0] if loss else None, "last_loss": loss[-1] if loss else None,
                    "score": score}
        message = f"{what}: {detail}."
        if loss:
            message += f" The loss goes from {loss[0]:.4g} to {loss[-1]:.4g}"
            message += (f" (a model that learned nothing: {ev.baseline_loss:.4g})." if ev.baseline_loss
                        else ".")
        message += f" The copy predicts {fmt_score(score, ev.task)}."
        confidence, confirmed = (0.95 if reason == "zero-lr" else 0.6), ["recorded_run"]
        if control is not None:
            evidence["unfreeze_score"] = score_of(control, ev.task)
            confidence, confirmed = 0.95, confirmed + [UNFREEZE]
            message += (f" With every parameter trainable and the optimizer over all of them, the "
                        f"same training reaches {fmt_score(evidence['unfreeze_score'], ev.task)}.")
        if severity == "info":
            message += " If the cut is not intended, the early layers are wasted."
        return self.finding(severity, {"error": confidence, "warning": min(confidence, 0.5)}.get(severity, 0.3),
                            message, evidence, *self._fix(ev, reason), confirmed_by=confirmed)

    @staticmethod
    def _fix(ev: Evidence, reason: str) -> tuple[str, str]:
        keras_ = ev.framework == "keras"
        name = ev.model.optimizer_name
        if reason == "zero-lr":
            return ("Use a learning rate above 0 (Adam: about 1e-3; SGD: about 1e-2).",
                    f"optimizer = keras.optimizers.{name}(learning_rate=1e-3)" if keras_
                    else f"optimizer = torch.optim.{name}(model.parameters(), lr=1e-3)")
        if reason == "frozen":
            return ("Make the layers trainable (in Keras, compile again afterwards); freeze only "
                    "layers that are already trained.",
                    "for layer in model.layers: layer.trainable = True  # then model.compile(...)" if keras_
                    else "for p in model.parameters(): p.requires_grad_(True)")
        if reason == "never-applied":
            return ("Apply the gradients in every training step, outside any condition: "
                    "optimizer.apply_gradients(...) in a custom train_step, optimizer.step() in a loop.",
                    "grads = tape.gradient(loss, self.trainable_variables)\n"
                    "self.optimizer.apply_gradients(zip(grads, self.trainable_variables))" if keras_
                    else "loss.backward()\noptimizer.step()")
        if reason == "optimizer":
            return ("Create the optimizer from the parameters of the model you train, after the "
                    "model is created (and again whenever it is re-created).",
                    f"optimizer = torch.optim.{name}(model.parameters(), lr=...)")
        return ("Let the loss reach every layer: remove detach(), torch.no_grad() or numpy round "
                "trips from the forward pass.",
                "h = self.hidden(x)  # not self.hidden(x).detach()" if not keras_
                else "h = hidden(x)  # not keras.ops.stop_gradient(hidden(x))")


def _expected_change(run, stuck, grads) -> float | None:
    """The smallest relative change the stuck layers' recorded gradients would have made had they
    been applied: learning rate x median gradient norm x steps / weight norm (plain SGD; Adam's
    normalized steps are larger still). None without gradients or a learning rate."""
    lr = run.lr_used
    if not lr or lr <= 0:
        return None
    moves = []
    for layer, g in zip(stuck, grads):
        norm = weight_norm(layer)
        if g is None or not g.size or norm <= 0:
            return None
        finite = g[np.isfinite(g)]
        if not finite.size or np.median(finite) <= 0:
            return None
        moves.append(lr * float(np.median(finite)) * run.steps / norm)
    return min(moves) if moves else None
