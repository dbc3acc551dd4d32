"""PL004: torch broadcasts (N, 1) outputs against (N,) targets in an elementwise loss."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import score_of
from ._facts import loss_label, shape_text

ELEMENTWISE = {"mse", "mae", "huber"}  # torch losses that broadcast with only a UserWarning
SENTINEL_N = 7919  # a batch size no feature dimension equals, to see where N lands after broadcasting


class ShapeBroadcast(Rule):
    """Flags an elementwise torch loss whose output and target shapes broadcast to (N, N).

    ## What it does
    Compares the per-sample shape of the model's outputs with that of the targets, before any
    training. When `nn.MSELoss`, `nn.L1Loss` or `nn.HuberLoss` gets outputs `(N, 1)` and
    targets `(N,)` (or the reverse), torch broadcasts them to `(N, N)` with only a UserWarning:
    every prediction is compared with every target of its batch. The finding cites the trained
    copy, whose predictions collapse towards the mean (their spread against the targets').

    Torch only: Keras matches the target's rank to the output's before the loss (it squeezes
    or expands the last axis), so the same shapes are harmless there; the rule rules the
    cause out for Keras. nndoctor passes torch targets exactly as given, so the recorded run
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
    summary = "a torch elementwise loss broadcasts (N, 1) outputs against (N,) targets to (N, N)"

    def check(self, ev: Evidence):
        if ev.model.loss_name not in ELEMENTWISE or ev.train.target_shape is None:
            return None
        out_shape = tuple(np.shape(ev.given_val_outputs)[1:])
        target_shape = ev.train.target_shape
        if out_shape == target_shape:
            return RuledOut(f"outputs and targets have the same shape, {shape_text(out_shape)}")
        try:
            joint = np.broadcast_shapes((SENTINEL_N,) + out_shape, (SENTINEL_N,) + target_shape)
        except ValueError:
            return None  # the loss raises instead of broadcasting: a crash, not a silent fault
        if SENTINEL_N not in joint[1:]:
            return None
        pair = f"outputs {shape_text(out_shape)} and targets {shape_text(target_shape)}"
        if ev.framework != "torch":
            return RuledOut(f"{pair}: Keras matches the target's rank to the output's before the "
                            "loss, so they do not broadcast")
        evidence = {"output_shape": shape_text(out_shape), "target_shape": shape_text(target_shape),
                    "loss": loss_label(ev), "broadcast_shape": "(N, N)"}
        message = (f"The model outputs shape {shape_text(out_shape)} and the targets have shape "
                   f"{shape_text(target_shape)}: {evidence['loss']} broadcasts them to (N, N) (torch "
                   "only warns), comparing every prediction with every target of its batch, so the "
                   "best it can learn is the batch mean.")
        if ev.run is not None and ev.run.final_val_outputs is not None and ev.val.target_std:
            spread = float(np.nanstd(np.asarray(ev.run.final_val_outputs, dtype=float)))
            score = score_of(ev.trained_val, ev.task)
            evidence.update(trained_output_std=spread, target_std=ev.val.target_std, trained_copy_score=score)
            message += (f" After {ev.run.steps} steps the copy's validation predictions spread with std "
                        f"{spread:.3g} against a target std of {ev.val.target_std:.3g} "
                        f"({fmt_score(score, ev.task)}).")
        return self.finding(
            "error", 0.95, message, evidence,
            "Give outputs and targets the same shape before the loss.",
            "loss = loss_fn(model(x).squeeze(-1), y)  # or loss_fn(model(x), y.view(-1, 1))")
