"""Small measurements several rules share: loss-curve shape, score gaps, identical units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evidence.model import expected_init_std
from ..evidence.outputs import PredictionSummary


def score_of(summary: PredictionSummary | None, task: str) -> float | None:
    """Accuracy (classification) or R^2 (regression); None when unknown."""
    if summary is None:
        return None
    if task == "classification":
        return summary.accuracy.value if summary.accuracy else None
    return summary.r2


CLEAR_MARGIN = {"classification": 0.10, "regression": 0.20}  # accuracy points / R^2: clearly better


def clearly_better(after: PredictionSummary | None, before: PredictionSummary | None, task: str,
                   margin_acc: float = CLEAR_MARGIN["classification"],
                   margin_r2: float = CLEAR_MARGIN["regression"]) -> bool:
    """``after`` beats ``before`` by a margin, and (for accuracy) beyond ``before``'s interval."""
    a, b = score_of(after, task), score_of(before, task)
    if a is None or not np.isfinite(a):
        return False
    if b is None or not np.isfinite(b):
        return True
    if task == "classification":
        return a - b >= margin_acc and after.accuracy.ci95[0] > b
    return a - b >= margin_r2


def baseline_beats(ev) -> tuple[str, float] | None:
    """``(name, score)`` of the `simple_baseline` model when it beats the trained copy on the
    validation data by `CLEAR_MARGIN`, beyond its own interval (accuracy): the data allow
    clearly more than the network reaches. None otherwise (or when not run)."""
    baseline = ev.experiments.get("simple_baseline") or {}
    best, name = baseline.get("best_score"), baseline.get("best")
    network = score_of(ev.trained_val, ev.task)
    if best is None or network is None or not np.isfinite(network) or not np.isfinite(best):
        return None
    if ev.task == "classification":
        low = ((baseline.get("models") or {}).get(name) or {}).get("ci95", [best])[0]
        return (name, best) if best - network >= CLEAR_MARGIN[ev.task] and low > network else None
    return (name, best) if best - network >= CLEAR_MARGIN[ev.task] else None


def control_fixes(ev, name: str, *, must_learn: bool = True) -> bool:
    """The control run ``name`` stayed finite and scores clearly better than the recorded run
    (and, with ``must_learn``, better than predicting the majority class / R^2 above 0.3)."""
    run, summary = ev.controls.get(name), ev.control_val.get(name)
    if run is None or run.nonfinite_step is not None:
        return False
    return (not must_learn or learned(summary, ev.task)) and clearly_better(summary, ev.trained_val, ev.task)


def learned(summary: PredictionSummary | None, task: str) -> bool:
    """Better than predicting the majority class (accuracy, or balanced accuracy where one
    class dominates: see `PredictionSummary.learned_something`), or R^2 above 0.3."""
    if summary is None:
        return False
    if task == "classification":
        return summary.learned_something
    return (summary.r2 or -1.0) > 0.3


@dataclass
class CurveShape:
    """The shape of a per-epoch loss curve, measured on its last third (the tail)."""

    first: float
    best: float
    tail_mean: float
    tail_std: float  # after removing the tail's linear trend
    tail_rel_drop: float  # (tail start - tail end) / tail start, from the linear fit
    frac_decreasing: float
    n_epochs: int

    @property
    def oscillation(self) -> float:
        return self.tail_std / self.tail_mean if self.tail_mean > 0 else 0.0


def curve_shape(losses) -> CurveShape | None:
    """Measure a loss curve; None when it has fewer than 6 finite points."""
    values = np.asarray([v for v in losses if v is not None and np.isfinite(v)], dtype=float)
    if values.size < 6:
        return None
    tail = values[-max(3, values.size // 3):]
    t = np.arange(tail.size)
    slope, intercept = np.polyfit(t, tail, 1)
    fitted = slope * t + intercept
    start = fitted[0]
    return CurveShape(
        first=float(values[0]),
        best=float(values.min()),
        tail_mean=float(tail.mean()),
        tail_std=float(np.std(tail - fitted)),
        tail_rel_drop=float((fitted[0] - fitted[-1]) / abs(start)) if start != 0 else 0.0,
        frac_decreasing=float(np.mean(np.diff(values) < 0)),
        n_epochs=int(values.size),
    )


OSCILLATION = 0.03  # detrended std of the tail / its mean (healthy runs: 0.1-3%, see docs)
# ... and at least this share of the no-learning loss, so swings of a near-zero loss don't count
# (regression baselines, var(y), sit far above a noisy target's floor: a smaller share)
MIN_SWING = {"classification": 0.02, "regression": 0.001}


def swings(shape: CurveShape | None, task: str, baseline_loss: float | None) -> bool:
    """The loss keeps swinging over its last third: a detrended std over `OSCILLATION` of its
    mean and over `MIN_SWING` of the no-learning loss (the best loss when that is unknown)."""
    if shape is None:
        return False
    scale = baseline_loss or shape.best or 1.0
    return shape.oscillation > OSCILLATION and shape.tail_std > MIN_SWING[task] * scale


def calmer(shape: CurveShape | None, *, ends_below: float, swinging: float) -> bool:
    """A run whose loss is lower *and* steadier than a swinging one: its tail ends below
    ``ends_below`` and swings less than half as much as the other's oscillation ``swinging``
    (a merely slower run is steadier too, but ends higher)."""
    return shape is not None and np.isfinite(shape.tail_mean) and shape.tail_mean < ends_below \
        and shape.oscillation < 0.5 * swinging


def identical_units(weight: np.ndarray | None, bias: np.ndarray | None) -> bool:
    """All units (columns of a (fan_in, units) kernel) have the same weights and bias."""
    if weight is None or weight.ndim != 2 or weight.shape[1] < 2:
        return False
    scale = max(1.0, float(np.abs(weight).max()))
    same = float(np.ptp(weight, axis=1).max()) <= 1e-6 * scale
    if bias is not None and bias.size == weight.shape[1]:
        same = same and float(np.ptp(bias)) <= 1e-6 * max(1.0, float(np.abs(bias).max()))
    return same


INIT_RANGE = (0.2, 5.0)  # weight std as a multiple of a He/Glorot init's std: outside it, off scale


def weight_scale(layers, weights=None) -> float:
    """The largest weight std over a standard init's std (He for ReLU layers, Glorot otherwise)
    among the weighted layers with 8+ weights; ``weights`` replaces the layers' own (a run's
    final kernels, in the same order). NaN when a kernel is not finite."""
    ratios = []
    for layer, w in zip(layers, weights if weights is not None else [layer.weight for layer in layers]):
        if w is None or w.ndim != 2 or w.shape[0] < 2 or w.size < 8:
            continue
        if not np.isfinite(w).all():
            return float("nan")
        ratios.append(scale_to_standard(w, layer.activation))
    return max(ratios, default=0.0)


def off_scale_layers(layers) -> list[dict]:
    """The weighted layers whose weight std is outside `INIT_RANGE` times a standard init's
    (bad-init-scale's); identical or constant kernels are skipped (symmetric-init's, not a scale)."""
    too_small, too_large = INIT_RANGE
    off = []
    for layer in layers:
        w = layer.weight
        if w is None or w.shape[0] < 2 or w.size < 8 or identical_units(w, layer.bias) or not np.std(w) > 0:
            continue
        ratio = scale_to_standard(w, layer.activation)
        if ratio > too_large or ratio < too_small:
            off.append({"layer": layer.name, "std": float(np.std(w)), "ratio_to_standard": ratio})
    return off


def scale_to_standard(w: np.ndarray, activation: str | None) -> float:
    """A (fan_in, units) kernel's std over the std of a standard init of its shape."""
    return float(np.std(w)) / expected_init_std(w.shape[0], w.shape[1], activation)
