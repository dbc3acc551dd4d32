"""Measurements of the recorded run that the dynamics rules share, framework-free.

Gradient norms and update ratios are recorded per weight tensor: torch names a layer's kernel
``"<module>.weight"``, Keras by layer name (``"<layer>/<variable>"`` when a layer has several).
`layer_series` finds a weighted layer's series under either name.
"""

from __future__ import annotations

import numpy as np

from ...evidence.model import LayerInfo, expected_init_std
from ...evidence.run import RunRecord
from .._base import Evidence

DEAD_LAYER = 0.9  # share of a ReLU layer's units at 0 for every probe input (healthy nets: <= 0.41)


def layer_series(run: RunRecord, layer: LayerInfo, kind: str = "grad_norm") -> np.ndarray | None:
    """The recorded ``grad_norm`` or ``update_ratio`` series of a layer's kernel, or None."""
    recorded = getattr(run, kind)
    # torch names a lone root module's kernel "weight" (the profile names it after its class)
    keys = (f"{layer.name}.weight", layer.name) + (("weight",) if set(recorded) <= {"weight"} else ())
    for key in keys:
        if key in recorded:
            return np.asarray(recorded[key], dtype=float)
    for key, values in recorded.items():
        if key.startswith(f"{layer.name}/") and "kernel" in key:
            return np.asarray(values, dtype=float)
    return None


def weight_norm(layer: LayerInfo, fresh: bool = False) -> float:
    """The norm of the layer's kernel at the start of the recorded run: the given kernel, or
    after a ``fresh`` start the expected norm of a standard init of its shape."""
    if layer.weight is None:
        return 0.0
    if fresh:
        fan_in, fan_out = layer.weight.shape[0], layer.weight.shape[-1]
        return float(expected_init_std(fan_in, fan_out, layer.activation) * np.sqrt(layer.weight.size))
    return float(np.linalg.norm(layer.weight))


def kernel_changes(ev: Evidence) -> list[tuple[LayerInfo, float]]:
    """(layer, ||W_final - W_start|| / ||W_start||) for every weighted layer whose final kernel
    was recorded; NaN where the weights became non-finite; none after a fresh start."""
    run = ev.run
    if run is None or ev.fresh_start:  # the run did not start from the given kernels
        return []
    out = []
    for layer, final in zip(ev.model.weighted_layers, run.final_weights):
        if final is None or layer.weight is None or final.shape != layer.weight.shape:
            continue
        start = weight_norm(layer)
        with np.errstate(all="ignore"):
            delta = float(np.linalg.norm(final.astype(np.float64) - layer.weight))
        out.append((layer, delta / start if start > 0 else (0.0 if delta == 0 else np.inf)))
    return out


def relative_gradients(ev: Evidence, at_start: bool = False) -> list[tuple[LayerInfo, float]]:
    """(layer, ||grad|| / ||W_start||) per weighted layer with a recorded gradient: at the first
    step (``at_start``, before any update) or the median over the recorded steps."""
    run = ev.run
    if run is None or not run.grad_steps:
        return []
    if at_start and run.grad_steps[0] != 0:
        return []
    out = []
    for layer in ev.model.weighted_layers:
        series = layer_series(run, layer)
        norm = weight_norm(layer, ev.fresh_start)
        if series is None or not series.size or norm <= 0:
            continue
        if at_start:
            value = series[0]
        else:
            finite = series[np.isfinite(series)]
            value = float(np.median(finite)) if finite.size else np.nan
        out.append((layer, float(value) / norm))
    return out


def global_gradient_norm(ev: Evidence) -> np.ndarray | None:
    """The gradient norm over all recorded kernels at each recorded step (NaN once any is)."""
    series = [layer_series(ev.run, layer) for layer in ev.model.weighted_layers] if ev.run else []
    series = [s for s in series if s is not None and s.size == len(ev.run.grad_steps)]
    if not series:
        return None
    with np.errstate(all="ignore"):
        return np.sqrt(np.sum(np.square(np.vstack(series)), axis=0))


def dead_relu_layers(run: RunRecord | None, probe: int = -1) -> dict[str, float]:
    """{probe layer name: dead fraction} for ReLU-like layers at or above `DEAD_LAYER`."""
    if run is None or not run.probes:
        return {}
    layers = run.probes[probe].layers
    return {name: a.dead_fraction for name, a in layers.items()
            if a.dead_fraction is not None and np.isfinite(a.dead_fraction) and a.dead_fraction >= DEAD_LAYER}


def fmt_layers(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
