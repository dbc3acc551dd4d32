"""fresh_gradients: the gradient of fresh batches at the model's own weights (PyTorch).

Eight random batches of the diagnosis's batch size, each a forward and backward pass on a copy
in training mode (nothing is stepped): the norm of each weight tensor's gradient, per batch.
GD005 compares them with the ``.grad`` the user's model carries: after a loop that clears
gradients that is one batch's gradient, within the spread of these; after a loop that never
clears them it is the sum of many.
"""

from __future__ import annotations

import numpy as np

from ._base import ExperimentContext, experiment

BATCHES = 8


@experiment("fresh_gradients")
def run(ctx: ExperimentContext) -> dict:
    measure = getattr(ctx.adapter, "batch_gradient_norms", None)
    if measure is None:
        return {"skipped": "only PyTorch models carry the gradients of the user's last step"}
    norms = measure(ctx.spec.x, ctx.spec.y, ctx.spec.batch_size, BATCHES, ctx.spec.seed)
    finite = {name: [v for v in values if np.isfinite(v)] for name, values in norms.items()}
    return {"batches": BATCHES, "batch_size": ctx.spec.batch_size,
            "max": {name: max(values) for name, values in finite.items() if values},
            "median": {name: float(np.median(values)) for name, values in finite.items() if values}}
