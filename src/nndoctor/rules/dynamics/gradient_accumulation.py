"""GD005: gradients add up across steps because they are never cleared (PyTorch ``zero_grad``)."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut

ACCUMULATED = 20.0  # stored .grad over a fresh batch gradient (normal loops measured: 0.4-3.9x)
FIRST_STEPS = 3  # recorded gradient steps at the start of the copy, near the given weights


class GradientAccumulation(Rule):
    """Flags a PyTorch model whose stored gradients are far larger than one batch's gradient:
    the training loop never cleared them.

    ## What it does
    A normal loop calls `optimizer.zero_grad()` before every `backward()`, so after training
    each weight's `.grad` holds the last batch's gradient. Without it, `.grad` is the sum of
    every batch's gradient since the start (or since the last clear). The rule reads the
    `.grad` the user's model carries (without touching it) and compares its norm, layer by
    layer, with the gradient of a fresh batch at the same weights (the first steps of the
    recorded run, where nndoctor clears gradients every step). Normal loops measured on 25
    clinic models: 0.4x-3.9x (a smaller or last partial batch gives a noisier gradient). At
    20x or more the gradients were accumulated: an error. PyTorch only (Keras clears
    gradients itself); silent when the model carries no gradients or the given weights blew up.
    A loop that clears once per epoch leaves the sum of one epoch, often under 20x: not seen
    here, but `nndoctor run` sees the missing clear in the loop itself (RUN002).

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

    def check(self, ev: Evidence):
        stored = ev.model.extra.get("stored_grad_norms")
        run = ev.run
        if not stored or run is None or ev.fresh_start or not run.grad_norm:
            return None
        ratios = {}
        for name, norm in stored.items():
            fresh = [g for g in run.grad_norm.get(name, [])[:FIRST_STEPS] if np.isfinite(g)]
            if fresh and np.isfinite(norm):
                ratios[name] = norm / max(float(np.median(fresh)), 1e-12)
        if not ratios:
            return None
        worst = max(ratios, key=ratios.get)
        ratio = ratios[worst]
        if ratio < ACCUMULATED:
            return RuledOut(f"the gradients the model holds are at most {ratio:.2g}x a fresh batch "
                            f"gradient (layer '{worst}'; accumulated from {ACCUMULATED:g}x)")
        evidence = {"stored_grad_norm": stored[worst], "fresh_grad_norm": stored[worst] / ratio,
                    "ratio": ratio, "layer": worst, "ratios": ratios}
        return self.finding(
            "error", 0.85,
            f"The gradient stored in '{worst}' has norm {stored[worst]:.3g}, {ratio:.3g}x the gradient of "
            f"a fresh batch at the same weights ({stored[worst] / ratio:.3g}): the training loop adds each "
            "batch's gradient to the last ones instead of clearing them, so every step is larger than "
            "the one before.",
            evidence, "Call optimizer.zero_grad() before every loss.backward().",
            "optimizer.zero_grad()\nloss = loss_fn(model(xb), yb)\nloss.backward()\noptimizer.step()")
