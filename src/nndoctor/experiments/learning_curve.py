"""learning_curve: the validation score at a quarter, half and all of the training data.

Each size is trained for the same number of steps, with 2 seeds (different subsets and
shuffles; all of the data with the first seed is the recorded run itself), a subset repeated
to about the full data's length so that its epochs are as long as the recorded run's; the slope of the mean score against log2(size) says what one more doubling of the
data would add.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..adapters._base import score
from ._base import ExperimentContext, experiment

FRACTIONS = (0.25, 0.5, 1.0)
SEEDS = 2


@experiment("learning_curve")
def run(ctx: ExperimentContext) -> dict:
    spec = ctx.spec
    n = len(spec.x)
    sizes, scores = [], []
    for fraction in FRACTIONS:
        size = max(int(round(n * fraction)), min(n, 8))
        per_seed = []
        for seed in range(SEEDS):
            if ctx.seconds_left() < 1.0:
                break
            if size == n and seed == 0 and ctx.recorded_run is not None:
                per_seed.append(score(ctx.recorded_run.final_val_outputs, spec.y_val, spec, ctx.profile,
                                      ctx.labels_val))
                continue
            rng = np.random.default_rng(spec.seed + 100 * seed + 1)
            pick = rng.permutation(n)[:size] if size < n else np.arange(n)
            # the subset repeated to about the full data's length, so that an epoch has as many
            # batches as the recorded run's (a quarter of 72 samples would take 4x the epochs,
            # and Keras pays per epoch); the steps, and so the training, stay the same
            pick = np.tile(pick, max(1, n // size))
            steps = spec.total_steps
            epochs = max(1, math.ceil(steps / max(1, math.ceil(len(pick) / spec.batch_size))))
            sub = replace(spec, x=spec.x[pick], y=spec.y[pick], epochs=min(epochs, 2000),
                          seed=spec.seed + seed, record=False, time_limit=ctx.seconds_left(),
                          max_eval_points=2)
            run = ctx.adapter.train_copy(sub)
            per_seed.append(score(run.final_val_outputs, spec.y_val, sub, ctx.profile, ctx.labels_val))
        if per_seed:
            sizes.append(size)
            scores.append(per_seed)
    means = [float(np.nanmean(s)) if np.isfinite(s).any() else None for s in scores]
    points = [(math.log2(s), m) for s, m in zip(sizes, means) if m is not None]
    gain = float(np.polyfit(*zip(*points), 1)[0]) if len(points) >= 2 else None
    return {"n_train": sizes, "val_scores": scores, "mean": means,
            "metric": "val_accuracy" if ctx.task == "classification" else "val_r2",
            "gain_per_doubling": gain}
