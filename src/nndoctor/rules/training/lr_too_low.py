"""LR002: the learning rate is too small to get anywhere in the training budget."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import CLEAR_MARGIN, clearly_better, curve_shape, learned, score_of
from .lr_too_high import range_test, wants_range_test

LADDER = ("lr*10", "lr*100", "lr*1000")
MOVED = 0.3  # a run whose loss fell by less than this share of its start got nowhere


def _progress(shape) -> float:
    """How far the loss fell over the run, as a share of where it started."""
    return 1.0 - shape.tail_mean / shape.first if shape.first > 0 else 0.0


class LrTooLow(Rule):
    """Flags a loss that falls slowly and steadily, far from converged, when a 10x larger
    learning rate gets clearly further in the same steps.

    ## What it does
    Reads the per-epoch training loss of the recorded run. A curve that falls in most epochs
    and is still falling in its last third (more than 3% across it), or has fallen by less than
    30% overall, is suspicious. The same copy is then trained for the same steps at lr*10 (then
    lr*100, lr*1000 while the loss had fallen less than 30% and stays finite): only if a run predicts clearly better
    (10 accuracy points beyond the interval, or R^2 +0.2) is the learning rate reported, so a
    copy already above 90% accuracy (R^2 0.8) is ruled out without that run.
    A slow but adequate learning rate is not reported: the measurement decides, not the curve.
    When the faster run predicts better but still learns nothing (below the majority class, or
    R^2 under 0.3), the finding's confidence drops to 0.5: the LR is not the whole story.

    ## Why is this bad?
    Each step moves the weights so little that the model is still near its starting point
    when training ends: the predictions are close to those of an untrained model.

    ## Example
    ```python
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-5)
    ```

    ## Fix
    Raise the learning rate (10x, or the value an LR range test suggests), or train for many
    more steps. Safe when the loss stays stable at the new rate.
    """

    code = "LR002"
    cause = "lr-too-low"
    summary = "the loss falls slowly and steadily, and a 10x larger LR gets clearly further"

    def _suspicious(self, ev: Evidence):
        if ev.run is None or ev.run.nonfinite_step is not None:
            return None
        shape = curve_shape(ev.run.epoch_train_loss)
        if shape is None or shape.frac_decreasing < 0.6:
            return None
        if shape.tail_rel_drop < 0.03 and _progress(shape) >= MOVED:
            return None  # it moved, and has stopped moving: converged, not slow
        return shape

    @staticmethod
    def _room_to_gain(ev: Evidence) -> bool:
        """Whether a faster run could still predict clearly better (10 points / 0.2 R^2 more):
        a copy above 90% accuracy (R^2 0.8) has no room, and its control would cost a run."""
        score = score_of(ev.trained_val, ev.task)
        return score is None or not np.isfinite(score) or score <= 1.0 - CLEAR_MARGIN[ev.task]

    def wants(self, ev: Evidence) -> set[str]:
        shape = self._suspicious(ev)
        if shape is None or not self._room_to_gain(ev):
            return set()
        return self._ladder(ev, shape) or wants_range_test(self, ev)

    @staticmethod
    def _ladder(ev: Evidence, shape) -> set[str]:
        for name in LADDER:
            if name not in ev.controls:
                return {name}
            run = ev.controls[name]
            if run is None or run.nonfinite_step is not None or clearly_better(
                    ev.control_val.get(name), ev.trained_val, ev.task):
                return set()
            if _progress(shape) >= MOVED:
                return set()  # training does get somewhere at this LR: one 10x step is enough
        return set()

    @staticmethod
    def _best_control(ev: Evidence):
        """The smallest larger LR that predicts clearly better, else the last one tried."""
        made = [name for name in LADDER if ev.controls.get(name) is not None]
        for name in made:
            if ev.controls[name].nonfinite_step is None and clearly_better(
                    ev.control_val.get(name), ev.trained_val, ev.task):
                return name
        return made[-1] if made else None

    def check(self, ev: Evidence):
        shape = self._suspicious(ev)
        if ev.run is None:
            return None
        if shape is None:
            return RuledOut("the loss is not in a slow steady descent at the end of training")
        if not self._room_to_gain(ev):
            return RuledOut(f"the loss still falls at lr {ev.run.lr_used:g}, but the copy already reaches "
                            f"{fmt_score(score_of(ev.trained_val, ev.task), ev.task)}: a faster LR could not "
                            "predict clearly better")
        name = self._best_control(ev)
        if name is None:
            return None
        control, control_val = ev.controls[name], ev.control_val.get(name)
        lr = ev.run.lr_used
        evidence = {"lr": lr, "frac_epochs_decreasing": shape.frac_decreasing,
                    "tail_relative_drop": shape.tail_rel_drop, "final_loss": ev.run.epoch_train_loss[-1],
                    "score": score_of(ev.trained_val, ev.task), "control_lr": control.lr_used,
                    "control_final_loss": control.epoch_train_loss[-1] if control.epoch_train_loss else None,
                    "control_score": score_of(control_val, ev.task), **range_test(ev)}
        if control.nonfinite_step is not None or not clearly_better(control_val, ev.trained_val, ev.task):
            return RuledOut(f"the loss still falls at lr {lr:g}, but lr {control.lr_used:g} predicts no "
                            f"better ({fmt_score(evidence['control_score'], ev.task)} vs {fmt_score(evidence['score'], ev.task)})")
        severe = not learned(ev.trained_val, ev.task)
        cured = learned(control_val, ev.task)  # a faster run that still learns nothing: not the root
        new_lr = control.lr_used
        fix_code = (f"optimizer = keras.optimizers.{ev.model.optimizer_name}(learning_rate={new_lr:g})"
                    if ev.framework == "keras" else
                    f"optimizer = torch.optim.{ev.model.optimizer_name}(model.parameters(), lr={new_lr:g})")
        return self.finding(
            "error" if severe else "warning", (0.85 if severe else 0.7) if cured else 0.5,
            f"At lr {lr:g} the loss falls in {100 * shape.frac_decreasing:.0f}% of epochs and still "
            f"drops {100 * shape.tail_rel_drop:.0f}% over the last third: far from converged after "
            f"{ev.run.steps} steps ({fmt_score(evidence['score'], ev.task)}). The same steps at lr "
            f"{control.lr_used:g} reach {fmt_score(evidence['control_score'], ev.task)}: the learning rate is too low."
            + ("" if cured else " Yet that run does not learn either: something else holds training back too."),
            evidence, f"Raise the learning rate from {lr:g} to about {new_lr:g}." + (
                f" An LR range test from the same starting weights suggests {evidence['range_test_lr']:.2g}."
                if (evidence.get("range_test_lr") or 0) > lr else ""), fix_code,
            confirmed_by=[name])
