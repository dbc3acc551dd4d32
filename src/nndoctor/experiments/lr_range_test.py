"""lr_range_test: sweep the learning rate exponentially over a fresh copy and suggest one.

A copy with the user's starting weights, loss and optimizer trains for `STEPS_MIN`-`STEPS_MAX`
steps while its learning rate grows exponentially from `START_LR` to `END_LR` (Smith 2017,
"Cyclical Learning Rates", section 3.3; fastai's and torch-lr-finder's ``lr_find``). The batch
loss is smoothed (a debiased moving average, beta 0.98, as fastai) and the sweep stops once the
smoothed loss exceeds 4x its best (divergence). Where the smoothed loss falls fastest is where
the network learns fastest; past its minimum the rate overshoots.

Several rules turn the curve into one learning rate; all are computed on the same smoothed
curve with its first 10% and last 5 points cut (fastai's trimming):

- ``valley`` (fastai 2.4's default): the middle of the longest run of decreasing loss
  (index ``start + len/3 + len/6`` of the longest decreasing subsequence).
- ``steepest`` (torch-lr-finder's ``suggest_lr``, fastai's ``steep``): the most negative
  slope of the smoothed loss against step (= log LR).
- ``min/10`` (fastai 1's ``lr_min``): the LR of the lowest smoothed loss, divided by 10.
- ``steepest-valley``: the geometric mean of ``steepest`` and ``valley``.
- ``min/3``: the LR of the lowest smoothed loss, divided by 3.
- ``valley-min/10``: the geometric mean of ``valley`` and ``min/10``.

`RULE` is the one reported as ``suggested_lr``, chosen by measurement: 13 small scenarios in
each framework (Adam, SGD, SGD with momentum; classification and regression), 2 seeds, each
trained for 1000 steps with each rule's LR. ``valley`` had the lowest mean and worst-case
regret overall; ``steepest`` picks the start of the curve in a quarter of the sweeps. See
docs/lr_range_test.md and benchmarks/lr_range_compare.py.

The user's model, optimizer and RNG are untouched: the sweep trains a copy (the adapters'
``train_copy``), on at most ``STEPS_MAX * batch_size`` training samples.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ._base import ExperimentContext, experiment

START_LR, END_LR = 1e-7, 10.0
STEPS_MIN, STEPS_MAX = 100, 200
BETA = 0.98  # fastai's smoothing of the batch loss
DIVERGE = 4.0  # stop once the smoothed loss exceeds this x its best (fastai's stop_div)
SKIP_START, SKIP_END = 0.1, 5  # trimmed before any rule looks: the first 10%, the last 5 points
MIN_POINTS = 8  # fewer points left after trimming: no suggestion
VAL_SAMPLES = 512
MIN_SECONDS = 3.0  # with less of the budget left the sweep is skipped (it would squeeze the fix's check)
RULE = "valley"


def smooth(losses, beta: float = BETA) -> list[float]:
    """Debiased exponential moving average; NaN once a loss is NaN/inf (and after)."""
    out, avg, broken = [], 0.0, False
    for i, value in enumerate(losses, 1):
        broken = broken or value is None or not math.isfinite(value)
        if broken:
            out.append(math.nan)
            continue
        avg = beta * avg + (1 - beta) * value
        out.append(avg / (1 - beta ** i))
    return out


def _trimmed(lrs, smoothed) -> tuple[np.ndarray, np.ndarray, int]:
    """The finite part of the curve without its first 10% and last `SKIP_END` points, and
    the index of its first point in the full curve."""
    lrs, smoothed = np.asarray(lrs, dtype=float), np.asarray(smoothed, dtype=float)
    finite = np.isfinite(smoothed)
    n = int(np.argmin(finite)) if not finite.all() else len(smoothed)  # up to the first NaN
    start = int(len(smoothed) * SKIP_START)
    end = n - SKIP_END
    if end - start < MIN_POINTS:
        return np.array([]), np.array([]), start
    return lrs[start:end], smoothed[start:end], start


def valley(lrs: np.ndarray, losses: np.ndarray) -> float:
    """fastai's ``valley``: in the longest decreasing subsequence of the loss, the point a
    third plus a sixth of the way along."""
    n = len(losses)
    lds, max_start, max_end = [1] * n, 0, 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return float(lrs[max_start + int(sections) + int(sections / 2)])


def steepest(lrs: np.ndarray, losses: np.ndarray) -> float:
    """torch-lr-finder's suggestion: the most negative slope of the loss per step."""
    return float(lrs[int(np.argmin(np.gradient(losses)))])


def min_loss(lrs: np.ndarray, losses: np.ndarray) -> float:
    return float(lrs[int(np.argmin(losses))])


SUGGESTERS = {
    "valley": valley,
    "steepest": steepest,
    "min/10": lambda lrs, losses: min_loss(lrs, losses) / 10,
    "steepest-valley": lambda lrs, losses: math.sqrt(steepest(lrs, losses) * valley(lrs, losses)),
    "min/3": lambda lrs, losses: min_loss(lrs, losses) / 3,
    "valley-min/10": lambda lrs, losses: math.sqrt(valley(lrs, losses) * min_loss(lrs, losses) / 10),
}


def suggestions(lrs, smoothed) -> dict[str, float | None]:
    """Every rule's learning rate for one smoothed curve (None where the curve is too short)."""
    x, y, _ = _trimmed(lrs, smoothed)
    if len(x) == 0:
        return {name: None for name in SUGGESTERS}
    return {name: _clean(rule(x, y)) for name, rule in SUGGESTERS.items()}


def sweep_steps(total_steps: int) -> int:
    """A fifth of the recorded run's steps, within `STEPS_MIN`..`STEPS_MAX`."""
    return int(min(max(total_steps // 5, STEPS_MIN), STEPS_MAX))


@experiment("lr_range_test")
def run(ctx: ExperimentContext) -> dict:
    spec = ctx.spec
    if ctx.seconds_left() < MIN_SECONDS:
        raise TimeoutError("skipped: the time budget is spent")
    steps = sweep_steps(spec.total_steps)
    n = min(len(spec.x), steps * spec.batch_size)
    rng = np.random.default_rng(spec.seed + 2)
    idx = np.sort(rng.choice(len(spec.x), n, replace=False)) if n < len(spec.x) else slice(None)
    sweep = replace(spec, x=spec.x[idx], y=spec.y[idx], x_val=spec.x_val[:VAL_SAMPLES],
                    y_val=spec.y_val[:VAL_SAMPLES], probe_x=None, record=False, max_eval_points=1,
                    lr=START_LR, time_limit=max(ctx.seconds_left(), 1.0))
    sweep = replace(sweep, epochs=math.ceil(steps / sweep.steps_per_epoch),
                    lr_schedule=(START_LR, END_LR), stop_divergence=DIVERGE)
    record = ctx.adapter.train_copy(sweep)
    losses = [float(v) for v in record.loss]
    lrs = [float(v) for v in record.lr[:len(losses)]]
    smoothed = smooth(losses)
    rules = suggestions(lrs, smoothed)
    stopped = record.stopped_early or ""
    diverged = stopped.startswith(("diverged", "loss became NaN"))
    x, y, _ = _trimmed(lrs, smoothed)
    user_lr = spec.lr if spec.lr is not None else ctx.profile.lr
    return {
        "lrs": [_clean(v) for v in lrs],
        "losses": [_clean(v) for v in losses],
        "smoothed": [_clean(v) for v in smoothed],
        "suggested_lr": rules[RULE],
        "rule": RULE,
        "valley_lr": rules["valley"],
        "steepest_lr": rules["steepest"],
        "min_loss_lr": _clean(min_loss(x, y)) if len(x) else None,
        "suggestions": rules,
        "diverged_at": _clean(lrs[-1]) if diverged and lrs else None,
        "user_lr": _clean(user_lr) if user_lr is not None else None,
        "sweep": [START_LR, END_LR],
        "steps": len(losses),
        "stopped": record.stopped_early,
        "seconds": record.seconds,
    }


def _clean(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None
