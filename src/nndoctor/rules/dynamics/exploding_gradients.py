"""GD002: gradient norms grow without bound, and clipping them at the same LR fixes training."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import control_fixes, learned, score_of
from ._signals import global_gradient_norm, relative_gradients

INIT_GRADIENT = 10.0  # ||grad|| / ||weights|| of the worst layer at the first step (healthy: <= 3.0)
GROWTH = 100.0  # largest global gradient norm in the run / its first-step value (healthy: <= 30)
EARLY_NAN = 5  # NaN/inf by this step: too fast for too-large steps to have compounded; clip decides
CLIP = "clip"
SAME_AS_BEST = {"classification": 0.05, "regression": 0.1}  # clipped run vs the best control
# controls that data rules run when inputs/targets are off scale: if one fixes training too, the
# data are the cause and the huge gradients their mechanism
SCALE_CONTROLS = ("standardize-x", "standardize-y")


class ExplodingGradients(Rule):
    """Flags gradients that are already huge before the first step and blow up training,
    confirmed by a run that only clips the gradient norm, at the same learning rate.

    ## What it does
    Reads the per-layer gradient norms of the recorded run. Suspicious: at the first step
    (before any update) some layer's gradient is over 10x the norm of its weights (healthy
    nets measured here: at most 3x), *and* training then breaks: the loss or a gradient becomes
    NaN/inf, or gradient norms grow over 100x; or the loss is NaN/inf within 5 steps, whatever
    the start (too soon for too large steps to compound). It then trains the same copy at the same learning
    rate with the global gradient norm clipped to 1.0: if that run stays finite and predicts
    clearly better, the gradients are confirmed as the cause.

    How it is told apart from lr-too-high (LR001), which also sees NaN and divergence: there the
    gradients are normal at the start and grow only because the steps are too large, and
    clipping alone does not help (each step is still lr x 1.0: at lr 200 the clipped run ends
    at a loss of 32). Here the gradients are abnormal before the learning rate acts, and
    clipping fixes training without touching the learning rate. Both may be reported (a much
    lower LR also tames huge gradients); a finding confirmed by clipping ranks first. When
    standardized inputs or targets (a control the data rules run for off-scale data) fix
    training as well, the data scale is the cause and this is only a warning. Gradients that
    grow while the copy still learns (Adam copes with large gradients) are not reported. When
    the given weights blew up (NaN/inf), the start that made them is lost and the copy restarts
    from a standard init: then a copy that is unstable, or that does not learn (from the milder
    start the same steps may kill its ReLUs instead), is enough to run the clip control, and only a
    clipped run that fixes training about as well as any other control (within 5 points / 0.1
    R^2) reports the gradients, at confidence 0.7: below a confirmed lr-too-high, since the
    start that would tell the two apart is gone.

    ## Why is this bad?
    A gradient many times larger than the weights makes one step replace the weights with
    noise; the next gradient is larger still, and within a few steps weights and loss are
    inf/NaN. The network then predicts one class, or NaN, for every input.

    ## Example
    ```python
    # 10 ReLU layers, each initialised 1.5x too large, no normalization, plain SGD
    for layer in model: nn.init.normal_(layer.weight, std=1.5 * (2 / layer.in_features) ** 0.5)
    ```

    ## Fix
    Clip the gradient norm (a safe first step: it changes nothing while gradients are normal),
    and remove the cause: He/Glorot init, normalization layers (BatchNorm/LayerNorm), fewer
    layers or residual connections, scaled inputs and targets.
    """

    code = "GD002"
    cause = "exploding-gradients"
    summary = "gradients are huge from the first step and blow up; clipping them fixes training"

    def _symptoms(self, ev: Evidence) -> dict | None:
        """The gradient facts, with ``exploding`` True when both symptoms are present."""
        run = ev.run
        if run is None or not run.grad_steps:
            return None
        at_start = relative_gradients(ev, at_start=True)
        if not at_start:
            return None
        worst_layer, worst = max(at_start, key=lambda item: item[1] if np.isfinite(item[1]) else np.inf)
        norms = global_gradient_norm(ev)
        if norms is None or not norms.size:
            return None
        bad = np.flatnonzero(~np.isfinite(norms))
        nonfinite_grad = run.grad_steps[bad[0]] if bad.size else None
        finite = norms[np.isfinite(norms)]
        growth = float(finite.max() / norms[0]) if finite.size and np.isfinite(norms[0]) and norms[0] > 0 else 1.0
        facts = {"worst_layer": worst_layer.name, "start_grad_to_weight": float(worst),
                 "grad_growth": growth, "nonfinite_loss_step": run.nonfinite_step,
                 "nonfinite_grad_step": nonfinite_grad}
        unstable = run.nonfinite_step is not None or nonfinite_grad is not None or growth >= GROWTH
        facts["unstable"] = unstable
        early = run.nonfinite_step is not None and run.nonfinite_step <= EARLY_NAN
        large_start = not np.isfinite(worst) or worst >= INIT_GRADIENT or early
        # weights that blew up erase the user's start (the copy restarts from a standard init):
        # then the clip control alone tells exploding gradients from too large steps. The copy
        # need not blow up again: from the milder start, the same steps may kill its ReLUs instead
        facts["failing"] = not learned(ev.trained_val, ev.task)
        facts["erased_start"] = bool(ev.fresh_start and (unstable or facts["failing"]) and not large_start)
        facts["exploding"] = (unstable and large_start) or facts["erased_start"]
        return facts

    def wants(self, ev: Evidence) -> set[str]:
        facts = self._symptoms(ev)
        if not facts or not facts["exploding"] or not ev.data_finite or self._copes(ev, facts):
            return set()
        return {CLIP}

    @staticmethod
    def _copes(ev: Evidence, facts: dict) -> bool:
        """The gradients grew, yet nothing went NaN and the copy learns."""
        return (ev.run.nonfinite_step is None and facts["nonfinite_grad_step"] is None
                and learned(ev.trained_val, ev.task))

    def check(self, ev: Evidence):
        facts = self._symptoms(ev)
        if facts is None:
            return None
        lr = ev.run.lr_used
        start = (f"at the first step the largest gradient is {facts['start_grad_to_weight']:.3g}x its "
                 f"layer's weight norm (layer '{facts['worst_layer']}')")
        if not facts["unstable"] and not facts["erased_start"]:
            return RuledOut(f"gradients stay bounded: {start}, and the gradient norm of all layers "
                            f"grows at most {facts['grad_growth']:.3g}x (exploding from {GROWTH:g}x, or NaN)")
        if not facts["exploding"]:
            return RuledOut(f"gradients grow ({self._instability(facts)}), but they were normal at the "
                            f"start: {start} (under {INIT_GRADIENT:g}x): training made them grow (too large "
                            "steps: lr-too-high; gradients never cleared: gradient-accumulation)")
        if not ev.data_finite:
            return None  # NaN in the data explains NaN gradients (DA001)
        if self._copes(ev, facts):
            return RuledOut(f"gradients grow ({self._instability(facts)}) from a large start ({start}), but "
                            f"training copes: the copy reaches {fmt_score(score_of(ev.trained_val, ev.task), ev.task)}")
        what = (f"At lr {lr:g} the gradients explode: {start} (healthy nets measured here: at most 3x), "
                f"and {self._instability(facts)}.")
        if facts["erased_start"]:
            what = (f"The given weights blew up (NaN/inf or 1000x a standard init), so the start that made "
                    f"them is lost; trained again from a standard init at lr {lr:g}, "
                    f"{self._instability(facts)}.")
        evidence = {"lr": lr, **facts, "score": score_of(ev.trained_val, ev.task)}
        fix, fix_code = self._fix(ev)
        control = ev.controls.get(CLIP)
        if control is None:
            return self.finding("warning", 0.5, what + " (Not confirmed: no clipped run was made.)",
                                evidence, fix, fix_code)
        clipped = ev.control_val.get(CLIP)
        evidence["clipped_score"] = score_of(clipped, ev.task)
        evidence["clipped_nonfinite_step"] = control.nonfinite_step
        fixed = control_fixes(ev, CLIP)
        scaled = next((name for name in SCALE_CONTROLS if control_fixes(ev, name, must_learn=False)), None)
        if fixed and scaled:
            evidence["scaled_control"] = scaled
            what_scaled = "inputs" if scaled == "standardize-x" else "targets"
            return self.finding(
                "warning", 0.5,
                what + f" Clipping the gradient norm to 1.0 at the same lr fixes training "
                f"({fmt_score(evidence['clipped_score'], ev.task)}), and so do standardized {what_scaled} "
                f"({fmt_score(score_of(ev.control_val.get(scaled), ev.task), ev.task)}): the unscaled "
                f"{what_scaled} make the gradients huge (see unscaled-{what_scaled}).",
                evidence, fix, fix_code, confirmed_by=[CLIP, scaled])
        if facts["erased_start"] and fixed:
            # nothing else shows the gradients at fault here: clipping must do about as well as
            # any other control (at lr 200 a clipped run reaches 65%, lr 2 reaches 99%)
            best = max((v for v in (score_of(c, ev.task) for c in ev.control_val.values())
                        if v is not None and np.isfinite(v)), default=None)
            fixed = best is None or evidence["clipped_score"] >= best - SAME_AS_BEST[ev.task]
        if facts["erased_start"] and not fixed:
            return RuledOut(what[:-1] + ", and clipping the gradient norm to 1.0 at the same lr does not fix "
                            "it as well as other controls do: too large steps, not exploding gradients "
                            "(see lr-too-high)")
        if fixed:
            # with the start erased, the clip control is the only evidence: a confirmed
            # lr-too-high (0.9) ranks above it
            return self.finding(
                "error", 0.7 if facts["erased_start"] else 0.95,
                what + f" The same training at the same lr with the gradient norm clipped to 1.0 stays "
                f"finite and reaches {fmt_score(evidence['clipped_score'], ev.task)} (vs "
                f"{fmt_score(evidence['score'], ev.task)}): the gradients, not the learning rate, are at fault.",
                evidence, fix, fix_code, confirmed_by=[CLIP])
        return self.finding(
            "warning", 0.4,
            what + f" Clipping the gradient norm to 1.0 alone does not fix it "
            f"({fmt_score(evidence['clipped_score'], ev.task)}"
            + (f", NaN at step {control.nonfinite_step}" if control.nonfinite_step is not None else "")
            + "): look at the init scale and the inputs/targets first.", evidence, fix, fix_code)

    @staticmethod
    def _instability(facts: dict) -> str:
        if not facts["unstable"]:
            return "the copy stays finite but does not learn"
        if facts["nonfinite_loss_step"] is not None:
            return f"the loss becomes NaN/inf at step {facts['nonfinite_loss_step']}"
        if facts["nonfinite_grad_step"] is not None:
            return f"the gradients become NaN/inf at step {facts['nonfinite_grad_step']}"
        return f"the gradient norm grows {facts['grad_growth']:.3g}x during training"

    @staticmethod
    def _fix(ev: Evidence) -> tuple[str, str]:
        fix = ("Clip the gradient norm (to 1.0) and remove the cause of the huge gradients: He/Glorot "
               "init, normalization layers between the hidden layers, scaled inputs and targets.")
        name = ev.model.optimizer_name
        if ev.framework == "keras":
            return fix, f"optimizer = keras.optimizers.{name}(learning_rate={ev.run.lr_used:g}, global_clipnorm=1.0)"
        return fix, "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # between backward() and step()"
