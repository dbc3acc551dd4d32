"""Whether a model computes an affine map: the test for a network with no working non-linearity.

A map f is affine exactly when f((a + b) / 2) = (f(a) + f(b)) / 2 for all inputs a, b. Hidden
layers stacked without an activation compose to one affine map, whatever the framework and
wherever the missing activation hides (a builder's default, a forward() that forgot F.relu).
The outputs are read before the output activation (the logit of a sigmoid, the centred log of a
softmax), so a linear stack under a sigmoid counts as affine: logistic regression.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

PAIRS = 32
TOLERANCE = 1e-3  # midpoint error over the spread of the outputs (float32 rounding: ~1e-6; ReLU nets: ~0.1+)


def computes_affine_map(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                        output_activation: str | None) -> bool | None:
    """True when the model's pre-activation outputs are an affine function of its inputs (on
    `PAIRS` midpoints of training inputs), False when not, None when it cannot tell (too few or
    non-finite inputs or outputs, or outputs that do not vary)."""
    x = np.asarray(x)
    if len(x) < 4 or not np.issubdtype(x.dtype, np.floating) or not np.isfinite(x).all():
        return None
    n = min(PAIRS, len(x) // 2)
    a, b = x[:n], x[n:2 * n]
    outputs = [_pre_activation(predict(part), output_activation) for part in (a, b, ((a + b) / 2).astype(x.dtype))]
    fa, fb, fm = (o.reshape(n, -1) for o in outputs)
    if not all(np.isfinite(o).all() for o in (fa, fb, fm)):
        return None
    spread = float(np.abs(fa - fb).max())
    if spread <= 0:
        return None
    return float(np.abs(fm - (fa + fb) / 2).max()) <= TOLERANCE * spread


def _pre_activation(outputs: np.ndarray, activation: str | None) -> np.ndarray:
    out = np.asarray(outputs, dtype=np.float64)
    with np.errstate(all="ignore"):
        if activation == "sigmoid":
            p = np.clip(out, 1e-7, 1 - 1e-7)
            return np.log(p) - np.log1p(-p)
        if activation == "softmax":
            log = np.log(np.clip(out, 1e-12, None))
            return log - log.mean(axis=-1, keepdims=True)
    return out
