"""Live mode for PyTorch: watch a training loop through its optimizer.

    >>> from nndoctor.live_torch import watch
    >>> with watch(model, optimizer):
    ...     for xb, yb in loader:
    ...         optimizer.zero_grad(); loss_fn(model(xb), yb).backward(); optimizer.step()

The loss is not visible here; the watcher reads the gradients before and the parameters after
each ``optimizer.step()`` (every step for the first 20, then every 50th) and warns (once each,
with the step) on NaN/inf gradients or
parameters (``exploding-gradients`` / ``lr-too-high``), on weights that did not change in a step
(``parameters-not-updating``), and on steps without a ``zero_grad`` in between
(``gradient-accumulation``). At exit it prints a short summary. Nothing it does changes the
training. Importing this module imports torch (``import nndoctor`` alone does not).
"""

from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch


@dataclass
class WatchReport:
    steps: int = 0
    zero_grad_calls: int = 0
    warnings: list = field(default_factory=list)
    param_norm_start: float | None = None
    param_norm_end: float | None = None
    grad_norm_last: float | None = None
    unchanged_steps: int = 0

    @property
    def causes(self) -> list[str]:
        return [w["cause"] for w in self.warnings]


EVERY_STEP_UNTIL = 20  # the first steps are all checked; after that every CHECK_EVERY-th
CHECK_EVERY = 50  # (a warning comes at most 50 steps late; checking every 10th step cost +11%)


def _norm(tensors) -> float:
    """The global L2 norm (NaN/inf when any value is): one fused reduction, one sync."""
    tensors = [t.detach() for t in tensors]
    if not tensors:
        return 0.0
    with torch.no_grad():
        return float(torch.linalg.vector_norm(torch.stack([n.double() for n in torch._foreach_norm(tensors)])))


def _checked(step: int) -> bool:
    return step <= EVERY_STEP_UNTIL or step % CHECK_EVERY == 0


@contextmanager
def watch(model: torch.nn.Module, optimizer: torch.optim.Optimizer, *, stream=None):
    """Yield a `WatchReport` that fills while the block trains; print a summary at exit."""
    out = stream or sys.stderr
    report = WatchReport()
    params = [p for p in model.parameters() if p.requires_grad]
    report.param_norm_start = _norm(params)
    state = {"before": None, "zeroed": True}

    def warn(cause, message):
        if cause not in report.causes:
            report.warnings.append({"step": report.steps, "cause": cause, "message": message})
            print(f"nndoctor: step {report.steps}: {message}", file=out, flush=True)

    def pre(opt, args, kwargs):
        report.steps += 1
        if not state["zeroed"] and report.steps > 2:
            warn("gradient-accumulation", "step() without zero_grad() since the last step — "
                 "gradient-accumulation")
        state["zeroed"] = False
        if not _checked(report.steps):
            return
        grads = [p.grad for p in params if p.grad is not None]
        if grads:
            report.grad_norm_last = _norm(grads)
            if not math.isfinite(report.grad_norm_last):
                warn("exploding-gradients", "gradients are NaN/inf — exploding-gradients, "
                     "lr-too-high or nan-in-data")
        state["before"] = _norm(params)  # an update that moves any weight changes this norm

    def post(opt, args, kwargs):
        before = state["before"]
        if before is None:
            return
        after = _norm(params)
        if not math.isfinite(after):
            warn("lr-too-high", "parameters are NaN/inf after the step — lr-too-high or "
                 "exploding-gradients")
        elif after == before:
            report.unchanged_steps += 1
            if report.unchanged_steps >= 3:
                warn("parameters-not-updating", "the weights did not change in 3 checked steps — "
                     "parameters-not-updating (optimizer over other parameters? lr=0?)")
        state["before"] = None

    def zeroed(*_args, **_kwargs):
        report.zero_grad_calls += 1
        state["zeroed"] = True

    handles = [optimizer.register_step_pre_hook(pre), optimizer.register_step_post_hook(post)]
    originals = {}
    for owner in (optimizer, model):  # instance attributes: nothing global changes
        original = owner.zero_grad

        def wrapper(*args, _original=original, **kwargs):
            zeroed()
            return _original(*args, **kwargs)
        originals[owner] = "zero_grad" in owner.__dict__, original
        owner.zero_grad = wrapper
    try:
        yield report
    finally:
        for handle in handles:
            handle.remove()
        for owner, (had, original) in originals.items():
            if had:
                owner.zero_grad = original
            else:
                del owner.zero_grad
        report.param_norm_end = _norm(params)
        if report.steps == 0:
            warn("parameters-not-updating", "optimizer.step() was never called — "
                 "parameters-not-updating")
        summary = (f"nndoctor: {report.steps} steps, parameter norm {report.param_norm_start:.4g} -> "
                   f"{report.param_norm_end:.4g}, last gradient norm "
                   f"{report.grad_norm_last if report.grad_norm_last is not None else float('nan'):.4g}; "
                   + (f"warnings: {', '.join(report.causes)}" if report.warnings else "no warnings"))
        print(summary, file=out, flush=True)
