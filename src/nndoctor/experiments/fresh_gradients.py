"""fresh_gradients: the gradient of fresh batches at the model's own weights (PyTorch).

Eight random batches of the diagnosis's batch size, each a forward and backward pass on a copy
in training mode (nothing is stepped): the norm of each weight tensor's gradient, per batch;
and eight of the size of an epoch's last, partial batch, which the largest gradient counts.
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
    result = {"batches": BATCHES, "batch_size": ctx.spec.batch_size,
              "max": {name: max(values) for name, values in finite.items() if values},
              "median": {name: float(np.median(values)) for name, values in finite.items() if values}}
    # the epoch's last, partial batch is what a loop that clears leaves in .grad: a few samples
    # give a far larger gradient (batch-norm on 3 samples: 20x), so it is measured too
    last = (ctx.n_given or len(ctx.spec.x)) % ctx.spec.batch_size  # the user's epochs, before any hold-out
    if last >= 2:
        try:
            partial = measure(ctx.spec.x, ctx.spec.y, last, BATCHES, ctx.spec.seed)
        except Exception:  # noqa: BLE001 - a model that cannot take a batch that small: full batches only
            partial = {}
        for name, values in partial.items():
            values = [v for v in values if np.isfinite(v)]
            if values:
                result["max"][name] = max(result["max"].get(name, 0.0), max(values))
        result["last_batch_size"] = last
    return result
