"""LR001: the learning rate overshoots: the loss oscillates, spikes, diverges or goes NaN."""

from __future__ import annotations

import numpy as np

from ...findings import Finding
from ..dynamics._signals import dead_relu_layers
from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import (
    baseline_beats,
    clearly_better,
    calmer,
    curve_shape,
    learned,
    score_of,
    swings,
    weight_scale,
)

LADDER = ("lr/10", "lr/100", "lr/1000")  # a run that still goes NaN says nothing: go lower
# A model handed over trained has weights this many times a standard init's std (healthy trained
# clinic models measured: at most 3.7x; Adam at lr 1.0: 17-28x). Its recorded run starts where the
# user's training ended, so the symptoms of the LR are in the weights, not in the loss curve.
OVERSIZED = 10.0
FRESH, FRESH_CALM = "reinit", "reinit+lr/10"
FRESH_CALMER = "reinit+lr/100"  # when lr/10 does not rescue a fresh start either (Adam at 1.0 -> 0.1)


class LrTooHigh(Rule):
    """Flags a learning rate that overshoots, confirmed by a run at a tenth of it.

    ## What it does
    Reads the per-epoch training loss of the recorded run: a loss that becomes NaN/inf, ends
    above where it started (divergence), or keeps swinging in the last third of training
    (detrended std over 3% of its mean and over 2% of the no-learning loss) is suspicious. It then trains the same copy for the
    same steps at lr/10 (lr/100, lr/1000 while the loss still goes NaN): if that run stays
    finite and ends lower (and, for an oscillation, swings less than half as much), the
    learning rate is confirmed. When the predictions stay usable it is a warning, not an error
    (a regression's predictions jump with its loss), and for a classifier whose loss only
    oscillates and whose accuracy is no worse than the calmer run's, a remark (info): its
    predicted classes hold still, unless a simple model (`simple_baseline`) beats the network
    by 10 points beyond its interval, which makes it an error. A loss that diverged stays a
    warning.

    A model handed over already trained shows the LR in its weights instead: weights 10x or more
    the std of a standard init (saturated, overconfident outputs). Then a fresh standard init is
    trained at the user's LR and at a tenth of it: if the first grows the same oversized weights
    and the second does not (under 5x, or a third of the first's), and predicts at least as well,
    the learning rate is confirmed, whether or not the model as given still predicts anything. It
    is confirmed too when the second still grows them but learns, 25 points (0.4 R^2) above a
    first that learns nothing (lr/100 is tried when lr/10 does not do that): lowering the
    LR alone rescued training. A model handed over
    with dead ReLU layers that predicts nothing gets the same two fresh-start runs: when the
    user's LR learns nothing again and a tenth (or a hundredth) of it learns, 25 points better,
    the LR killed the units.

    ## Why is this bad?
    Each step jumps past the minimum: the weights bounce, the loss never settles and the
    predictions change from epoch to epoch, or collapse to one class when the weights blow up.

    ## Example
    ```python
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="mse")
    ```

    ## Fix
    Lower the learning rate (10x is a good first step; an LR range test finds a good value).
    Safe: training takes more steps but is stable.
    """

    code = "LR001"
    cause = "lr-too-high"
    summary = "the loss oscillates, diverges or goes NaN, and a 10x smaller LR calms it"

    def _symptoms(self, ev: Evidence) -> dict | None:
        run = ev.run
        if run is None:
            return None
        nan_step = run.nonfinite_step
        if nan_step is not None:
            return {"kind": "nan", "nonfinite_step": nan_step}
        shape = curve_shape(run.epoch_train_loss)
        if shape is None:
            return None
        facts = {"first_epoch_loss": shape.first, "best_loss": shape.best,
                 "tail_mean": shape.tail_mean, "tail_std": shape.tail_std,
                 "tail_oscillation": shape.oscillation}
        if shape.tail_mean > 1.5 * shape.first and shape.tail_mean > 1.2 * shape.best:
            return {"kind": "diverged", **facts}
        if swings(shape, ev.task, ev.baseline_loss):
            return {"kind": "oscillation", **facts}
        return None

    def wants(self, ev: Evidence) -> set[str]:
        if ev.data_finite and ev.run is not None and not self._symptoms(ev) \
                and (self._oversized(ev) or self._killed(ev)):
            if FRESH_CALM in ev.control_val and ev.controls.get(FRESH_CALM) is not None \
                    and not learned(ev.control_val.get(FRESH), ev.task) and _rescuer(ev) is None:
                return {FRESH_CALMER}
            return {FRESH, FRESH_CALM}
        if not ev.data_finite or not self._symptoms(ev):
            return set()
        # the sweep runs with the first lower-LR run: a NaN loss can take the whole ladder
        # (3 rounds), and these symptoms are specific enough to spend one short sweep on
        return self._ladder(ev) | ({"lr_range_test"} - set(ev.experiments))

    @staticmethod
    def _ladder(ev: Evidence) -> set[str]:
        """The next lower LR to try: while the last one still blew up or learned nothing."""
        for name in LADDER:
            if name not in ev.controls:
                return {name}
            if ev.controls[name] is None or _settled(ev, ev.controls[name]):
                return set()
        return set()

    @staticmethod
    def _control(ev: Evidence):
        """The first lower-LR run that settled, else the first whose loss stayed finite, else
        the last one made."""
        made = [(name, ev.controls[name]) for name in LADDER if ev.controls.get(name) is not None]
        settled = [(name, run) for name, run in made if _settled(ev, run)]
        finite = [(name, run) for name, run in made if run.nonfinite_step is None]
        return (settled or finite or made or [(None, None)])[0]

    @staticmethod
    def _oversized(ev: Evidence) -> float | None:
        """The largest weight-std / standard-init-std of the model as given, when it is
        `OVERSIZED` or more (trained to death counts: the fresh-start runs tell a huge LR from a
        huge init)."""
        ratio = weight_scale(ev.model.weighted_layers)
        return ratio if ratio >= OVERSIZED else None

    def _check_oversized(self, ev: Evidence, ratio: float):
        lr = ev.run.lr_used
        fresh, calm = ev.controls.get(FRESH), ev.controls.get(FRESH_CALM)
        what = (f"The model's weights are {ratio:.3g}x the std of a standard init (trained nets measured "
                f"here: at most 3.7x): its outputs are saturated, the mark of too large steps (lr {lr:g}).")
        evidence = {"lr": lr, "kind": "oversized-weights", "weight_scale": ratio,
                    "score": score_of(ev.given_val, ev.task)}
        if fresh is None or calm is None:
            return RuledOut(f"{what[:-1]}, but no fresh-start runs at lr {lr:g} and {lr / 10:g} could be "
                            "made to tell whether the learning rate grew them")
        fresh_ratio = weight_scale(ev.model.weighted_layers, fresh.final_weights)
        calm_ratio = weight_scale(ev.model.weighted_layers, calm.final_weights)
        fresh_score, calm_score = (score_of(ev.control_val.get(FRESH), ev.task),
                                   score_of(ev.control_val.get(FRESH_CALM), ev.task))
        evidence.update({"fresh_weight_scale": fresh_ratio, "calm_weight_scale": calm_ratio,
                         "fresh_score": fresh_score, "calm_score": calm_score, "control_lr": calm.lr_used})
        grows = fresh.nonfinite_step is not None or not np.isfinite(fresh_ratio) or fresh_ratio >= OVERSIZED / 2
        kept_small = calm.nonfinite_step is None and (calm_ratio < OVERSIZED / 2 or calm_ratio <= fresh_ratio / 3) \
            and calm_score is not None \
            and (fresh_score is None or not np.isfinite(fresh_score) or calm_score >= fresh_score - 0.02)
        # lr/10 may still grow them (momentum, a schedule that kept rising) and yet learn where
        # the user's LR learns nothing: lowering the LR alone is then what rescues training
        rescuer = None if kept_small else _rescuer(ev)
        if not (grows and (kept_small or rescuer)):
            return RuledOut(f"the weights are {ratio:.3g}x a standard init, but from a fresh init lr {lr:g} "
                            f"grows them {fresh_ratio:.3g}x and lr {calm.lr_used:g} {calm_ratio:.3g}x "
                            f"({fmt_score(calm_score, ev.task)}): not the learning rate")
        if rescuer is not None and rescuer != FRESH_CALM:
            calm, calm_ratio = ev.controls[rescuer], weight_scale(ev.model.weighted_layers,
                                                                  ev.controls[rescuer].final_weights)
            calm_score = score_of(ev.control_val.get(rescuer), ev.task)
            evidence.update({"calm_weight_scale": calm_ratio, "calm_score": calm_score, "control_lr": calm.lr_used})
        harmful = clearly_better(ev.control_val.get(rescuer or FRESH_CALM), ev.given_val, ev.task, 0.05, 0.05)
        fix, fix_code = self._fix(ev, calm.lr_used)
        return self.finding(
            "error" if harmful else "warning", 0.8 if harmful else 0.6,
            what + f" Trained from a fresh init for {fresh.steps} steps, lr {lr:g} grows them to "
            f"{fresh_ratio:.3g}x ({fmt_score(fresh_score, ev.task)}); lr {calm.lr_used:g} "
            + ("keeps them at" if kept_small else "still grows them to")
            + f" {calm_ratio:.3g}x and reaches {fmt_score(calm_score, ev.task)}: the learning rate is too high"
            + ("." if kept_small else ": lowering the rate alone rescues training.")
            + ("" if harmful else f" The model as given still predicts {fmt_score(evidence['score'], ev.task)}."),
            evidence, fix, fix_code, confirmed_by=[rescuer or FRESH_CALM])

    @staticmethod
    def _killed(ev: Evidence) -> dict[str, float]:
        """The dead ReLU layers of a model handed over trained that predicts nothing, and whose
        copy learns nothing from there: what the user's training left, not what init did."""
        if ev.given_learned or learned(ev.trained_val, ev.task):
            return {}
        return dead_relu_layers(ev.run, 0)

    def _check_killed(self, ev: Evidence, dead: dict[str, float]):
        """Dead units that a fresh init at lr/10 avoids and a fresh init at the user's LR does not."""
        fresh, fresh_val = ev.controls.get(FRESH), ev.control_val.get(FRESH)
        name = _rescuer(ev)
        if fresh is None or name is None:
            return None
        calm, calm_val = ev.controls[name], ev.control_val[name]
        lr = ev.run.lr_used
        fresh_score, calm_score = score_of(fresh_val, ev.task), score_of(calm_val, ev.task)
        evidence = {"lr": lr, "kind": "dead-units", "dead_layers": dead, "score": score_of(ev.given_val, ev.task),
                    "fresh_score": fresh_score, "calm_score": calm_score, "control_lr": calm.lr_used}
        return self.finding(
            "error", 0.8,
            f"The model predicts nothing ({fmt_score(evidence['score'], ev.task)}) and its ReLU layers are dead "
            f"({', '.join(f'{name!r} {100 * share:.0f}%' for name, share in list(dead.items())[:3])} of units output "
            f"0 for every input). Trained from a fresh init for {fresh.steps} steps, lr {lr:g} learns nothing again "
            f"({fmt_score(fresh_score, ev.task)}) and lr {calm.lr_used:g} reaches {fmt_score(calm_score, ev.task)}: "
            "steps too large pushed the units past zero for good, and the learning rate is too high.",
            evidence, *self._fix(ev, calm.lr_used), confirmed_by=[name])

    def check(self, ev: Evidence):
        symptoms = self._symptoms(ev)
        oversized = self._oversized(ev) if symptoms is None and ev.run is not None and ev.data_finite else None
        if oversized:
            return self._check_oversized(ev, oversized)
        dead = self._killed(ev) if symptoms is None and ev.run is not None and ev.data_finite else {}
        killed = self._check_killed(ev, dead) if dead else None
        if killed is not None:
            return killed
        if symptoms is None:
            shape = curve_shape(ev.run.epoch_train_loss) if ev.run else None
            if shape is None:
                return None
            return RuledOut(f"the loss settles: detrended std {shape.tail_std:.3g} over the last "
                            f"third is {100 * shape.oscillation:.1f}% of its mean, no NaN, no divergence")
        if not ev.data_finite:
            return None  # NaN in the data explains a NaN loss (DA001)
        lr = ev.run.lr_used
        what = self._describe(symptoms, ev)
        control_name, control = self._control(ev)
        evidence = {"lr": lr, **symptoms, **range_test(ev)}
        if control is None:
            return self.finding("warning", 0.5, what + " (not confirmed: no lower-LR run was made).",
                                evidence, *self._fix(ev, lr / 10))
        fix, fix_code = self._fix(ev, control.lr_used)
        if ev.model.extra.get("loss_reduction") == "sum":
            fix += (" The loss is summed over each batch (reduction='sum'), which multiplies every step by "
                    "the batch size: averaging it (reduction='mean') lowers the step the same way.")
        if (evidence.get("range_test_lr") or lr) < lr:
            fix += f" An LR range test from the same starting weights suggests {evidence['range_test_lr']:.2g}."
        c_shape = curve_shape(control.epoch_train_loss)
        c_final = control.epoch_train_loss[-1] if control.epoch_train_loss else np.nan
        run_final = _tail_mean(ev.run.epoch_train_loss)
        evidence.update({"control_lr": control.lr_used, "control_tail_mean": _tail_mean(control.epoch_train_loss),
                         "control_tail_oscillation": c_shape.oscillation if c_shape else None,
                         "control_score": score_of(ev.control_val.get(control_name), ev.task)})
        c_tail = evidence["control_tail_mean"]
        finite = control.nonfinite_step is None and np.isfinite(c_final)
        if symptoms["kind"] == "oscillation":
            calmed = finite and calmer(c_shape, ends_below=run_final, swinging=symptoms["tail_oscillation"])
        else:  # a blow-up: the lower LR must end lower, and below a model that learned nothing
            calmed = finite and (not np.isfinite(run_final) or c_tail < 0.8 * run_final) and (
                not ev.baseline_loss or c_tail < ev.baseline_loss)
        if not calmed and symptoms["kind"] == "oscillation":
            return RuledOut(f"the loss swings {100 * symptoms['tail_oscillation']:.0f}% at lr {lr:g}, but at "
                            f"lr {control.lr_used:g} it is not lower and steadier: not the learning rate")
        if not calmed:
            return self.finding("warning", 0.25, what + f" But at lr {control.lr_used:g} the loss is no "
                                f"calmer (tail mean {c_tail:.4g}): the learning rate is probably not the "
                                "cause.", evidence, fix, fix_code)
        beaten = baseline_beats(ev)  # a simple model clearly better: the swinging costs accuracy
        harmful = not learned(ev.trained_val, ev.task) or beaten is not None or clearly_better(
            ev.control_val.get(control_name), ev.trained_val, ev.task, 0.05, 0.05)
        network = fmt_score(score_of(ev.trained_val, ev.task), ev.task)
        predictions = ("" if harmful else f" The predictions stay usable ({network}), but they jump from step to step.")
        if beaten is not None:
            evidence.update(baseline=beaten[0], baseline_score=beaten[1])
            predictions = (f" A simple {beaten[0].replace('_', ' ')} reaches {fmt_score(beaten[1], ev.task)} on "
                           f"the same validation data, the network {network}: the data allow clearly more.")
        # a classifier's loss can swing while its predicted classes hold still: when accuracy
        # is no worse than the calmer run's, the swing is a remark, not a problem
        quiet = ev.task == "classification" and symptoms["kind"] == "oscillation"
        severity, confidence = ("error", 0.9) if harmful else (("info", 0.5) if quiet else ("warning", 0.75))
        return self.finding(
            severity, confidence,
            what + f" At lr {control.lr_used:g} the same run ends at a tail mean of "
            f"{evidence['control_tail_mean']:.4g} with oscillation "
            f"{100 * (evidence['control_tail_oscillation'] or 0):.1f}%: the learning rate is too high." + predictions,
            evidence, fix, fix_code, confirmed_by=[control_name])

    @staticmethod
    def _fix(ev: Evidence, new_lr: float) -> tuple[str, str]:
        name = ev.model.optimizer_name
        code = (f"optimizer = keras.optimizers.{name}(learning_rate={new_lr:g})" if ev.framework == "keras"
                else f"optimizer = torch.optim.{name}(model.parameters(), lr={new_lr:g})")
        return f"Lower the learning rate from {ev.run.lr_used:g} to about {new_lr:g}.", code

    @staticmethod
    def _describe(symptoms: dict, ev: Evidence) -> str:
        lr = ev.run.lr_used
        if symptoms["kind"] == "nan":
            return f"At lr {lr:g} the loss became NaN/inf at step {symptoms['nonfinite_step']}."
        if symptoms["kind"] == "diverged":
            return (f"At lr {lr:g} the loss diverged: {symptoms['first_epoch_loss']:.4g} in the first "
                    f"epoch, {symptoms['tail_mean']:.4g} on average in the last third (best {symptoms['best_loss']:.4g}).")
        return (f"At lr {lr:g} the loss oscillates: over the last third of training it swings with a "
                f"detrended std of {symptoms['tail_std']:.3g} around {symptoms['tail_mean']:.4g} "
                f"({100 * symptoms['tail_oscillation']:.0f}% of its mean; best {symptoms['best_loss']:.4g}).")


def wants_range_test(rule: Rule, ev: Evidence) -> set[str]:
    """{"lr_range_test"} once the rule's control runs confirmed it (its LR is cited in the
    finding and its fix, never judged), so the sweep costs time only when it will be shown
    (LR002: a slow, steady descent is common in healthy runs too)."""
    if "lr_range_test" in ev.experiments:
        return set()
    finding = rule.check(ev)
    return {"lr_range_test"} if isinstance(finding, Finding) and finding.confirmed_by else set()


def range_test(ev: Evidence) -> dict:
    """``{"range_test_lr": ...}`` when the lr_range_test experiment ran (its suggested LR)."""
    result = ev.experiments.get("lr_range_test")
    return {"range_test_lr": result.get("suggested_lr")} if isinstance(result, dict) else {}


def _settled(ev: Evidence, run) -> bool:
    """The run's loss stayed finite and ended below the loss of a model that learned nothing."""
    if run.nonfinite_step is not None:
        return False
    tail = _tail_mean(run.epoch_train_loss)
    return bool(np.isfinite(tail) and (not ev.baseline_loss or tail < ev.baseline_loss))


def _tail_mean(losses) -> float:
    values = np.asarray(losses, dtype=float)
    tail = values[-max(3, values.size // 3):]
    return float(np.mean(tail)) if tail.size else float("nan")


def _rescuer(ev: Evidence) -> str | None:
    """The fresh-start run at lr/10 (else lr/100) that learns, 25 points (0.4 R^2) above a fresh
    start at the user's LR that learns nothing; None when there is none."""
    fresh_val = ev.control_val.get(FRESH)
    if fresh_val is None or learned(fresh_val, ev.task):
        return None
    for name in (FRESH_CALM, FRESH_CALMER):
        run, summary = ev.controls.get(name), ev.control_val.get(name)
        if run is not None and run.nonfinite_step is None and learned(summary, ev.task) and clearly_better(
                summary, fresh_val, ev.task, margin_acc=0.25, margin_r2=0.4):
            return name
    return None
