"""GD005: gradients add up across steps because they are never cleared (PyTorch ``zero_grad``)."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import learned, score_of

ACCUMULATED = 20.0  # stored .grad over the largest of 8 fresh batch gradients (see docs/measurements.md)
FRESH = "fresh_gradients"
ACCUMULATE = "accumulate"  # control: the recorded run with gradients never cleared
FIX = "Call optimizer.zero_grad() before every loss.backward()."
FIX_CODE = "optimizer.zero_grad()\nloss = loss_fn(model(xb), yb)\nloss.backward()\noptimizer.step()"


class GradientAccumulation(Rule):
    """Flags a PyTorch model whose stored gradients are far larger than one batch's gradient:
    the training loop never cleared them.

    ## What it does
    A normal loop calls `optimizer.zero_grad()` before every `backward()`, so after training
    each weight's `.grad` holds the last batch's gradient. Without it, `.grad` is the sum of
    every batch's gradient since the start (or since the last clear). The rule reads the
    `.grad` the user's model carries (without touching it) and compares its norm, layer by
    layer, with the largest gradient of 8 fresh batches at the same weights, and of 8 batches
    the size of an epoch's last, partial batch (`fresh_gradients`, on a copy; a batch-norm
    network's gradient on 3 samples is 20x its gradient on 64). A normal loop's last batch
    falls within that spread. At 20x or more the gradients were accumulated:
    an error. PyTorch only (Keras clears
    gradients itself); silent when the model carries no gradients or the given weights blew up.
    A loop that clears once per epoch leaves the sum of one epoch, often under 20x: not seen
    here, but `nndoctor run` sees the missing clear in the loop itself (RUN002).

    When the piled-up gradients have already blown the weights up to NaN/inf, there is no
    stored gradient left to compare. Then a standard init is trained with the same loss,
    optimizer and learning rate twice: clearing the gradients (the recorded run) and never
    clearing them (the `accumulate` control). If the first stays finite and learns while the
    second blows up, a loop without `zero_grad()` explains the given weights: a warning, since
    an init far off scale explains them too (bad-init-scale, ranked after it: a PyTorch init is
    standard unless the user's code changed it, a forgotten `zero_grad()` changes nothing).

    ## Why is this bad?
    Every step applies the sum of all past gradients: the effective learning rate grows step
    after step, the loss turns erratic or blows up to NaN, and the predictions end up random.

    ## Example
    ```python
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()              # no optimizer.zero_grad(): gradients pile up
    ```

    ## Fix
    Call `optimizer.zero_grad()` before every `loss.backward()` (or after every
    `optimizer.step()`). Safe. To accumulate on purpose, clear after every k-th step and
    divide the loss by k.
    """

    code = "GD005"
    cause = "gradient-accumulation"
    summary = "the model's stored gradients are many times one batch's gradient: zero_grad() is missing"

    def _stored(self, ev: Evidence) -> dict | None:
        stored = ev.model.extra.get("stored_grad_norms")
        return stored if stored and not ev.fresh_start and ev.data_finite else None

    def _blown_up(self, ev: Evidence) -> bool:
        """The given weights blew up (NaN/inf) in a PyTorch loop that ran backward()."""
        return bool(ev.fresh_start and ev.framework == "torch" and ev.data_finite
                    and ev.model.extra.get("stored_grad_norms"))

    def wants(self, ev: Evidence) -> set[str]:
        if self._blown_up(ev):  # worth a run only when the clearing one stayed finite
            return {ACCUMULATE} if ev.run is not None and ev.run.nonfinite_step is None else set()
        return {FRESH} if self._stored(ev) else set()

    def check(self, ev: Evidence):
        if self._blown_up(ev):
            return self._check_blown_up(ev)
        stored = self._stored(ev)
        fresh = ev.experiments.get(FRESH) or {}
        if not stored or not fresh.get("max"):
            return None
        ratios = {name: norm / max(fresh["max"][name], 1e-12) for name, norm in stored.items()
                  if name in fresh["max"] and np.isfinite(norm)}
        if not ratios:
            return None
        worst = max(ratios, key=ratios.get)
        ratio = ratios[worst]
        if ratio < ACCUMULATED:
            return RuledOut(f"the gradients the model holds are at most {ratio:.2g}x the largest of "
                            f"{fresh['batches']} fresh batch gradients (layer '{worst}'; accumulated from "
                            f"{ACCUMULATED:g}x)")
        largest = fresh["max"][worst]
        evidence = {"stored_grad_norm": stored[worst], "fresh_grad_norm_max": largest,
                    "fresh_grad_norm_median": fresh["median"][worst], "ratio": ratio, "layer": worst,
                    "ratios": ratios}
        return self.finding(
            "error", 0.85,
            f"The gradient stored in '{worst}' has norm {stored[worst]:.3g}, {ratio:.3g}x the largest "
            f"gradient of {fresh['batches']} fresh batches at the same weights ({largest:.3g}): the "
            "training loop adds each batch's gradient to the last ones instead of clearing them, so "
            "every step is larger than the one before.",
            evidence, FIX, FIX_CODE,
            confirmed_by=[FRESH])

    def _check_blown_up(self, ev: Evidence):
        """The given weights are NaN/inf; the recorded run started from a standard init. Does that
        init blow up the same way once the gradients are never cleared?"""
        run, accumulated = ev.run, ev.controls.get(ACCUMULATE)
        if run is None or accumulated is None:
            return None
        if run.nonfinite_step is not None or not learned(ev.trained_val, ev.task):
            return RuledOut("the given weights blew up, and a standard init trained with the same settings "
                            "does not learn either: the settings, not the loop, are at fault")
        if accumulated.nonfinite_step is None:
            return RuledOut("the given weights blew up, but a standard init trained without clearing its "
                            "gradients stays finite: piled-up gradients do not explain it")
        evidence = {"given_weights_finite": False, "score": score_of(ev.trained_val, ev.task),
                    "accumulated_nonfinite_step": accumulated.nonfinite_step}
        # a warning: an init far off scale blows up the same way (see bad-init-scale), and the
        # given weights no longer tell which happened; in a PyTorch model the init is standard
        # unless the user's code changed it, while a loop without zero_grad() needs no change at all
        return self.finding(
            "warning", 0.55,
            f"The weights as given hold NaN/inf: the training that made them blew up. From a standard "
            f"init, the same loss, optimizer and learning rate stay finite when the gradients are "
            f"cleared before every step (reaching {fmt_score(evidence['score'], ev.task)}), but blow up "
            f"at step {accumulated.nonfinite_step} when they are never cleared, as a loop without "
            "optimizer.zero_grad() does. Check that the loop clears them (a starting init far off "
            "scale would blow up too: see bad-init-scale).",
            evidence, FIX, FIX_CODE,
            confirmed_by=[ACCUMULATE, "recorded_run"])
