"""overfit_small_batch: can the model drive the loss to ~0 on 32 samples?

A network that cannot memorize 32 examples, at its own learning rate or at 10x, 100x or 0.1x of it, is
held back by optimisation, plumbing or capacity; one that can is held back by the data, the
regularisation or generalisation instead.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..adapters._base import score
from ._base import ExperimentContext, experiment

N_SAMPLES = 32
STEPS = 150
LR_FACTORS = (1.0, 10.0, 100.0, 0.1)


@experiment("overfit_small_batch")
def run(ctx: ExperimentContext) -> dict:
    spec = ctx.spec
    rng = np.random.default_rng(spec.seed)
    finite = np.isfinite(np.asarray(spec.x, dtype=float).reshape(len(spec.x), -1)).all(axis=1)
    pick = rng.permutation(np.flatnonzero(finite))[:N_SAMPLES]
    x, y = spec.x[pick], spec.y[pick]
    labels = None if ctx.labels_train is None else ctx.labels_train[pick]
    base_lr = ctx.adapter.profile().lr or 1e-3
    tries = []
    for factor in LR_FACTORS:
        if ctx.seconds_left() < 1.0:
            break
        small = replace(spec, x=x, y=y, x_val=x, y_val=y, batch_size=len(pick), epochs=STEPS,
                        lr=(spec.lr or base_lr) * factor, record=False, max_eval_points=2,
                        time_limit=ctx.seconds_left(), probe_x=None)
        run = ctx.adapter.train_copy(small)
        losses = [v for v in run.epoch_train_loss if np.isfinite(v)]
        tries.append({"lr": run.lr_used,
                      "first_loss": run.epoch_train_loss[0] if run.epoch_train_loss else None,
                      "final_loss": losses[-1] if losses else None,
                      "train_score": score(run.final_train_outputs, y, small, ctx.profile, labels)})
    best = max(tries, key=lambda t: t["train_score"] if t["train_score"] is not None and
               np.isfinite(t["train_score"]) else -np.inf) if tries else None
    return {"n_samples": len(pick), "steps": STEPS, "tries": tries,
            "best_train_score": None if best is None else best["train_score"],
            "best_lr": None if best is None else best["lr"]}
