"""shuffled_label_control: the same training on permuted labels.

If the network scores as well on labels that were shuffled (and so carry no information about
the inputs) as on the real ones, the real labels carry no usable signal either.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..adapters._base import score
from ._base import ExperimentContext, experiment


@experiment("shuffled_label_control")
def run(ctx: ExperimentContext) -> dict:
    spec = ctx.spec
    order = np.random.default_rng(spec.seed + 1).permutation(len(spec.y))
    control = ctx.adapter.train_copy(replace(spec, y=spec.y[order], record=False,
                                             time_limit=max(ctx.seconds_left(), 1.0)))
    return {"control_score": score(control.final_val_outputs, spec.y_val, spec, ctx.profile, ctx.labels_val),
            "control_train_score": score(control.final_train_outputs, spec.y[order], spec, ctx.profile,
                                         None if ctx.labels_train is None else ctx.labels_train[order]),
            "steps": control.steps, "seconds": control.seconds}
