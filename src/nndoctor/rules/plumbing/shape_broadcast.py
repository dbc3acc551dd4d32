"""PL004: torch broadcasts (N, 1) outputs against (N,) targets in an elementwise loss."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import score_of
from ._facts import loss_label, shape_text

ELEMENTWISE = {"mse", "mae", "huber"}  # torch losses that broadcast with only a UserWarning
SENTINEL_N = 7919  # a batch size no feature dimension equals, to see where N lands after broadcasting
PERFECT = "perfect_prediction"
MISPAIRED = 0.1  # a perfect prediction scored at this share of the targets' variance or more (broadcast: ~2x)
PAIRED = 0.01  # ... and near 0 once the shapes match


class ShapeBroadcast(Rule):
    """Flags an elementwise loss whose output and target shapes broadcast to (N, N).

    ## What it does
    Compares the per-sample shape of the model's outputs with that of the targets, before any
    training. When `nn.MSELoss`, `nn.L1Loss` or `nn.HuberLoss` gets outputs `(N, 1)` and
    targets `(N,)` (or the reverse), torch broadcasts them to `(N, N)` with only a UserWarning:
    every prediction is compared with every target of its batch. The finding cites the trained
    copy, whose predictions collapse towards the mean (their spread against the targets').

    Keras's built-in losses match the target's rank to the output's (they squeeze or expand the
    last axis), but a custom `Loss` class or loss function need not; and a torch loss other than
    those three may broadcast too. For every such loss on a regression the shapes alone cannot
    tell, so the `perfect_prediction` experiment asks the loss itself: outputs exactly equal to
    the targets should score about 0, and a loss that broadcasts scores them about twice the
    targets' variance (flagged from a tenth of it, when the same loss with matching shapes
    gives under a hundredth). nndoctor passes targets exactly as given, so the recorded run
    reproduces the fault.

    ## Why is this bad?
    The loss averages (prediction_i - target_j)^2 over all pairs in the batch; the
    prediction that minimizes it is the batch mean, whatever the input. The model learns to
    predict the mean: R^2 near 0, and the loss looks converged.

    ## Example
    ```python
    out = model(x)           # (N, 1)
    loss = nn.MSELoss()(out, y)  # y is (N,): UserWarning, then (N, N)
    ```

    ## Fix
    Give both the same shape: `loss_fn(model(x).squeeze(-1), y)` or
    `loss_fn(model(x), y.view(-1, 1))`. Safe.
    """

    code = "PL004"
    cause = "shape-broadcast"
    summary = "an elementwise loss broadcasts (N, 1) outputs against (N,) targets to (N, N)"

    @staticmethod
    def _same_shape(ev: Evidence) -> tuple | None:
        """The per-sample shape outputs and targets share, or None when they differ (or are unknown)."""
        if ev.train.target_shape is None or ev.given_val_outputs is None:
            return None
        out_shape = tuple(np.shape(ev.given_val_outputs)[1:])
        return out_shape if out_shape == ev.train.target_shape else None

    @staticmethod
    def _shapes(ev: Evidence) -> tuple[tuple, tuple] | None:
        """(output shape, target shape) per sample when they differ and would broadcast to (N, N)."""
        if ev.train.target_shape is None or ev.given_val_outputs is None:
            return None
        out_shape = tuple(np.shape(ev.given_val_outputs)[1:])
        target_shape = ev.train.target_shape
        if out_shape == target_shape:
            return None
        try:
            joint = np.broadcast_shapes((SENTINEL_N,) + out_shape, (SENTINEL_N,) + target_shape)
        except ValueError:
            return None  # the loss raises instead of broadcasting: a crash, not a silent fault
        return (out_shape, target_shape) if SENTINEL_N in joint[1:] else None

    def _measured(self, ev: Evidence) -> bool:
        """The loss is not one whose handling of shapes is known: a Keras loss (built-in ones
        match ranks, a custom class need not), or a torch loss other than MSE/L1/Huber."""
        return ev.task == "regression" and (ev.framework != "torch" or ev.model.loss_name not in ELEMENTWISE)

    def wants(self, ev: Evidence) -> set[str]:
        return {PERFECT} if self._measured(ev) and self._shapes(ev) else set()

    def check(self, ev: Evidence):
        if self._measured(ev):
            return self._check_measured(ev)
        if ev.model.loss_name not in ELEMENTWISE:
            return None
        same = self._same_shape(ev)
        if same is not None:
            return RuledOut(f"outputs and targets have the same shape, {shape_text(same)}")
        shapes = self._shapes(ev)
        if shapes is None:
            return None
        out_shape, target_shape = shapes
        if ev.framework != "torch":
            return RuledOut(f"outputs {shape_text(out_shape)} and targets {shape_text(target_shape)}: Keras "
                            "matches the target's rank to the output's before the loss, so they do not broadcast")
        message = (f"The model outputs shape {shape_text(out_shape)} and the targets have shape "
                   f"{shape_text(target_shape)}: {loss_label(ev)} broadcasts them to (N, N) (torch "
                   "only warns), comparing every prediction with every target of its batch, so the "
                   "best it can learn is the batch mean.")
        return self._found(ev, shapes, {}, message)

    def _check_measured(self, ev: Evidence):
        """Any other loss: read from the `perfect_prediction` experiment."""
        same = self._same_shape(ev)
        if same is not None:
            return RuledOut(f"outputs and targets have the same shape, {shape_text(same)}")
        shapes = self._shapes(ev)
        result = ev.experiments.get(PERFECT) or {}
        if shapes is None or "loss_as_given" not in result:
            return None
        out_shape, target_shape = shapes
        as_given, matched, variance = result["loss_as_given"], result["loss_matched"], result["target_variance"]
        pair = f"outputs {shape_text(out_shape)} and targets {shape_text(target_shape)}"
        if not (np.isfinite(as_given) and np.isfinite(matched) and variance > 0):
            return None
        if as_given < MISPAIRED * variance or matched > PAIRED * variance:
            return RuledOut(f"{pair}, but {loss_label(ev)} scores outputs equal to the targets "
                            f"{as_given:.3g} as given (against {matched:.3g} with matching shapes): it pairs "
                            "each output with its own target")
        measured = {"perfect_prediction_loss": as_given, "perfect_prediction_loss_matched_shapes": matched,
                    "target_variance": variance}
        message = (f"The model outputs shape {shape_text(out_shape)} and the targets have shape "
                   f"{shape_text(target_shape)}, and the loss {loss_label(ev)} does not pair them: outputs "
                   f"exactly equal to the targets score {as_given:.3g} (the targets' variance is "
                   f"{variance:.3g}), and {matched:.3g} once the targets take the outputs' shape. It "
                   "broadcasts them to (N, N), comparing every prediction with every target of its batch, "
                   "so the best it can learn is the batch mean.")
        return self._found(ev, shapes, measured, message, confirmed_by=[PERFECT])

    def _found(self, ev: Evidence, shapes: tuple, measured: dict, message: str, confirmed_by=None):
        out_shape, target_shape = shapes
        evidence = {"output_shape": shape_text(out_shape), "target_shape": shape_text(target_shape),
                    "loss": loss_label(ev), "broadcast_shape": "(N, N)", **measured}
        if ev.run is not None and ev.run.final_val_outputs is not None and ev.val.target_std:
            spread = float(np.nanstd(np.asarray(ev.run.final_val_outputs, dtype=float)))
            score = score_of(ev.trained_val, ev.task)
            evidence.update(trained_output_std=spread, target_std=ev.val.target_std, trained_copy_score=score)
            message += (f" After {ev.run.steps} steps the copy's validation predictions spread with std "
                        f"{spread:.3g} against a target std of {ev.val.target_std:.3g} "
                        f"({fmt_score(score, ev.task)}).")
        keras_ = ev.framework == "keras"
        return self.finding(
            "error", 0.95, message, evidence,
            "Give outputs and targets the same shape before the loss" + (
                " (reshape y to (N, 1), or reshape both inside the loss's call)." if keras_ else "."),
            "model.fit(x, y.reshape(-1, 1), ...)" if keras_ else
            "loss = loss_fn(model(x).squeeze(-1), y)  # or loss_fn(model(x), y.view(-1, 1))",
            confirmed_by=confirmed_by)
