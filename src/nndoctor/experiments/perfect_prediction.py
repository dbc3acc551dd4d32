"""perfect_prediction: does the user's loss score a perfect prediction as perfect?

Outputs set equal to the training targets (reshaped to the model's per-sample output shape) go
through the user's own loss twice: against the targets exactly as given, and against targets
shaped like the outputs. A loss that pairs each output with its own target scores both alike (0
for a distance). One that broadcasts (N, 1) outputs against (N,) targets compares every output
with every target of the batch, and scores the perfect prediction as badly as guessing the mean
(twice the targets' variance, for a squared error). This reads any loss, a custom ``Loss`` class
or function included, where the shapes alone cannot tell whether the loss matches them.
"""

from __future__ import annotations

import numpy as np

from ._base import ExperimentContext, experiment

SAMPLES = 256


@experiment("perfect_prediction")
def run(ctx: ExperimentContext) -> dict:
    if ctx.task != "regression":
        return {"skipped": "read for regression losses only"}
    y = np.asarray(ctx.spec.y, dtype=np.float64)[:SAMPLES]
    y = y[np.isfinite(y.reshape(len(y), -1)).all(axis=1)]
    output_shape = (int(ctx.profile.output_units),)
    if len(y) < 2 or y.size != len(y) * output_shape[0]:
        return {"skipped": "the targets do not fill the output's shape"}
    as_given, matched = ctx.adapter.perfect_prediction_loss(y, output_shape)
    return {"loss_as_given": as_given, "loss_matched": matched, "target_variance": float(np.var(y)),
            "n": int(len(y)), "output_shape": list(output_shape), "target_shape": list(y.shape[1:])}
