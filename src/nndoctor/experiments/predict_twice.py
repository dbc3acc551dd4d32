"""predict_twice: the same inputs, predicted twice; do the outputs agree?

Two pairs of calls: in inference mode (torch ``eval()`` + ``no_grad``; Keras
``training=False``), and as plain calls the way a user's own code predicts (torch: the model in
the mode it was handed over in; Keras: ``model(x)`` with no training flag, which runs dropout
that was built with ``training=True``). Both must agree bit for bit: a difference means
dropout (or batch statistics) stays active at prediction time.

The first 16 samples are also predicted one at a time: in inference mode an output must not
depend on what else is in the batch (batch-norm that normalizes by the batch it predicts, a
layer called with ``training=True`` inside the model, makes a lone sample's answer garbage).

A model with batch-norm layers is also scored once with those layers normalizing by the
statistics of the validation batch itself: running statistics that never tracked the data
(momentum 0, a frozen layer, statistics from other data) predict far worse than that.
"""

from __future__ import annotations

import numpy as np

from ..adapters._base import score
from ._base import ExperimentContext, experiment

ALONE = 16  # samples also predicted one at a time: in inference mode none may depend on its batch


@experiment("predict_twice", always=True)
def run(ctx: ExperimentContext) -> dict:
    x = ctx.spec.x_val[:512]
    inference = _compare(ctx.adapter.predict(x), ctx.adapter.predict(x))
    as_called = _compare(*ctx.adapter.predict_as_called(x, repeats=2))
    if inference is None or as_called is None:
        return {"skipped": "outputs are not finite"}
    within = ctx.adapter.predict(x)
    alone = np.concatenate([ctx.adapter.predict(x[i:i + 1]) for i in range(min(ALONE, len(x)))])
    result = {"n": len(x), "inference": inference, "as_called": as_called,
              "alone_vs_in_batch": _compare(alone, within[:len(alone)]), "alone_n": len(alone)}
    if ctx.profile.has_batchnorm:
        y, labels = ctx.spec.y_val[:512], None if ctx.labels_val is None else ctx.labels_val[:512]
        result["running_statistics_score"] = score(ctx.adapter.predict(x), y, ctx.spec, ctx.profile, labels)
        result["batch_statistics_score"] = score(ctx.adapter.predict_batch_statistics(x), y, ctx.spec,
                                                 ctx.profile, labels)
    return result


def _compare(first, second) -> dict | None:
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    finite = np.isfinite(first) & np.isfinite(second)
    if not finite.any():
        return None
    diff = np.abs(first - second)[finite]
    scale = float(np.abs(first[finite]).mean()) or 1.0
    n = len(first)
    agreement = float(np.mean(first.reshape(n, -1).argmax(axis=1) == second.reshape(n, -1).argmax(axis=1)))
    return {"max_abs_diff": float(diff.max()), "relative_diff": float(diff.mean()) / scale,
            "argmax_agreement": agreement}
