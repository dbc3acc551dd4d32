"""Control runs: the recorded run again with exactly one setting changed.

``same`` (unchanged: another seed), ``lr/K`` and ``lr*K`` (learning rate divided or multiplied by K), ``reinit`` (a standard init
instead of the given starting weights), ``standardize-x`` (inputs standardized with training
statistics), ``standardize-y`` (regression targets standardized; the engine maps outputs back to
the original units), ``clip`` (the gradient norm clipped to `CLIP_NORM`, same LR), ``unfreeze``
(every parameter trainable, the optimizer over all of them), ``in-order`` (the batches in the
data's own order, never shuffled), ``accumulate`` (gradients never cleared between steps, as a
PyTorch loop without ``zero_grad()``). Same data, steps and seed otherwise, so a difference in outcome is the
effect of that one setting. Names join with ``+`` to change several settings at once:
``reinit+lr/10`` is a fresh standard init trained at a tenth of the learning rate.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..adapters import TrainSpec

CLIP_NORM = 1.0  # the `clip` control's gradient-norm limit (the usual default in both frameworks)
EVAL_POINTS = 6  # a control is judged by its per-epoch loss and final outputs: few scoring passes


def control_spec(name: str, spec: TrainSpec, lr: float) -> TrainSpec | None:
    """The training run a control experiment stands for: ``lr/K``, ``lr*K``, ``reinit``,
    ``standardize-x`` (inputs standardized with training statistics), ``standardize-y``
    (regression targets standardized; its outputs are mapped back to the original units),
    ``clip`` (the global gradient norm clipped to `CLIP_NORM` before each step, same LR),
    ``unfreeze`` (every parameter trainable, the optimizer built over all of them) or
    ``in-order`` (the training batches in the data's own order, never shuffled) or
    ``accumulate`` (the gradients never cleared between steps; PyTorch).

    Each differs from the recorded run in that one setting only (same data, steps and seed);
    ``a+b`` applies both changes.
    """
    if "+" in name:
        for part in name.split("+"):
            spec = control_spec(part, spec, lr) if spec is not None else None
        return spec
    spec = replace(spec, max_eval_points=min(spec.max_eval_points, EVAL_POINTS))
    if name == "same":
        return replace(spec, record=False)
    if name == "reinit":
        return replace(spec, reinit=True, record=False)
    if name == "clip":
        return replace(spec, clip_norm=CLIP_NORM, record=False)
    if name == "unfreeze":
        return replace(spec, unfreeze=True, record=False)
    if name == "in-order":
        return replace(spec, shuffle=False, record=False)
    if name == "accumulate":
        return replace(spec, clear_grads=False, record=False)
    if name == "standardize-x":
        mean, std = _finite_stats(spec.x)
        return replace(spec, x=(spec.x - mean) / std, x_val=(spec.x_val - mean) / std,
                       probe_x=None if spec.probe_x is None else (spec.probe_x - mean) / std, record=False,
                       inputs_standardized=True)
    if name == "standardize-y" and spec.task == "regression":
        mean, std = _finite_stats(np.asarray(spec.y, dtype=np.float32))
        return replace(spec, y=(spec.y - mean) / std, y_val=(spec.y_val - mean) / std,
                       record=False, target_scale=(mean, std))
    for op, scale in (("/", lambda k: 1 / k), ("*", lambda k: k)):
        if name.startswith(f"lr{op}"):
            try:
                factor = scale(float(name[3:]))
            except ValueError:
                return None
            return replace(spec, lr=lr * factor, record=False)
    return None


def _finite_stats(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and std over finite values; std 1 where a column is constant."""
    flat = np.where(np.isfinite(a), a, np.nan).astype(np.float64)
    with np.errstate(all="ignore"):
        mean = np.atleast_1d(np.nan_to_num(np.nanmean(flat, axis=0)))
        std = np.atleast_1d(np.nan_to_num(np.nanstd(flat, axis=0), nan=1.0))
    std[std == 0] = 1.0
    shape = a.shape[1:]  # () for 1-D targets: scalars that broadcast like the columns would
    return mean.reshape(shape).astype(np.float32), std.reshape(shape).astype(np.float32)
