"""Run a user's script unmodified, record what it trains, then diagnose each model.

``run_script(path, args)`` behaves like ``python path args...`` (same ``sys.argv``, ``__name__ ==
"__main__"``, output, exit code, traceback) and returns a `ScriptResult` holding one
`Diagnosis` per trained model. Findings only the script reveals (see `script_findings` and
`crash_finding`) are added to the model's diagnosis; a script that trained nothing recognizable
still gets one (inconclusive, or naming the cause of its crash).
"""

from __future__ import annotations

import os
import re
import runpy
import sys
import traceback
from dataclasses import dataclass, field

import numpy as np

from ..findings import Finding
from ..result import Diagnosis
from ._imports import AfterImport
from .copy_comparisons import loss_broadcast, lr_schedule_collapse, lr_schedule_rise, one_class_batches
from .keras_capture import KerasCapture
from .prediction_inputs import prediction_shift
from .._validation import LabelRangeError
from .script_rules import (
    LabelsOutsideOutput,
    PredictsInTrainMode,
    ScriptCrashed,
    StepNeverCalled,
    WeightsNeverChanged,
    WeightsRestoredToStart,
    ZeroGradMissing,
)
from .start_weights import dead_relu_at_start, keras_fractions, torch_fractions
from .torch_capture import TorchCapture

MIN_VAL_SAMPLES = 10
MIN_CRASHED_SAMPLES = 100  # a script that crashed having fed fewer training samples is not diagnosed
UNCLEARED_SHARE = 0.5  # RUN002: steps with the last step's gradients still in place, of all after the first


class ScriptRecorder:
    """Context manager: patch the frameworks while the script runs; undo everything after."""

    def __init__(self):
        self.torch = TorchCapture()
        self.keras = KerasCapture()
        self._finder = AfterImport({"torch": self.torch.install, "keras": self.keras.install})

    def __enter__(self):
        self._finder.install()
        return self

    def __exit__(self, *exc):
        self._finder.remove()
        self.torch.remove()
        self.keras.remove()
        return False


@dataclass
class ScriptResult:
    """What ``nndoctor run`` learned: the script's exit code and one diagnosis per model."""

    script: str
    exit_code: int
    exception: str | None = None
    diagnoses: list = field(default_factory=list)  # [(label, Diagnosis)]
    stats: dict = field(default_factory=dict)

    @property
    def worst(self) -> Diagnosis | None:
        """The diagnosis whose primary finding is most severe (then most confident)."""
        if not self.diagnoses:
            return None
        return min((d for _, d in self.diagnoses),
                   key=lambda d: d.primary.rank_key if d.primary is not None else (9, 0.0))

    def findings(self):
        return [f for _, d in self.diagnoses for f in d.findings]

    def to_dict(self) -> dict:
        """One model: its diagnosis' JSON plus ``model`` and ``script``. Several: the worst one's
        ``verdict``/``primary_cause`` at the top and every diagnosis under ``diagnoses``."""
        from .. import __version__

        script = {"path": self.script, "exit_code": self.exit_code, "exception": self.exception,
                  **self.stats}
        entries = [{"model": label, **d.to_dict()} for label, d in self.diagnoses]
        if len(entries) == 1:
            return {**entries[0], "script": script}
        worst = self.worst
        return {"nndoctor_version": __version__,
                "verdict": worst.verdict if worst else "inconclusive",
                "primary_cause": worst.primary_cause if worst else "healthy",
                "script": script, "diagnoses": entries}


def run_script(path: str, args=(), *, budget=None, log=None) -> ScriptResult:
    """Run ``path`` as ``__main__`` with ``sys.argv = [path, *args]``, then diagnose what it trained.

    ``log``: a function for progress lines (default: stderr).
    """
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    with ScriptRecorder() as recorder:
        exit_code, error = execute(path, list(args))
    result = ScriptResult(script=path, exit_code=exit_code,
                          exception=f"{type(error).__name__}: {error}" if error else None)
    result.diagnoses = diagnose_recorded(recorder, error, budget=budget, log=log)
    t = recorder.torch
    result.stats = {"torch": {"optimizer_steps": t.steps, "zero_grad_calls": t.zero_grad_calls,
                              "backward_calls": t.backward_calls, "loss_calls": t.loss_calls},
                    "keras": {"fit_calls": sum(r.fit_calls for r in recorder.keras.fits.values())}}
    return result


def execute(path: str, args: list[str]) -> tuple[int, BaseException | None]:
    """Run the script like the interpreter would: its exit code, and the exception it died of."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        runpy.run_path(path, run_name="__main__")
        return 0, None
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0, None
        if isinstance(code, int):
            return code, None
        print(code, file=sys.stderr)
        return 1, None
    except BaseException as exc:  # noqa: BLE001 - the script's crash is reported, as python would
        traceback.print_exception(type(exc), exc, _user_frames(exc.__traceback__, path))
        return 1, exc
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
        sys.stdout.flush()
        sys.stderr.flush()


def _user_frames(tb, path):
    """Drop the frames of runpy and nndoctor before the script's own first frame."""
    script = os.path.abspath(path)
    start = tb
    while start is not None and os.path.abspath(start.tb_frame.f_code.co_filename) != script:
        start = start.tb_next
    return start or tb


# -- diagnosing what was recorded --------------------------------------------------------------
def diagnose_recorded(recorder: ScriptRecorder, error, *, budget=None, log=print) -> list:
    from ..diagnosis import diagnose

    out = []
    torch_records = [r for r in recorder.torch.models.values() if r.loss_calls]
    keras_records = [r for r in recorder.keras.fits.values() if r.fit_calls or (r.loop and r.loop.steps)]
    crash = crash_finding(error, recorder) if error is not None else None

    def run_one(label, framework, call, extra):
        log(f"nndoctor: diagnosing {label} ...")
        try:
            d = call()
        except LabelRangeError as exc:  # the script's own labels: a finding, not a bad argument
            d = _bare(framework, [*extra, labels_outside_output(exc)], {"where": "diagnose", "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - a failed diagnosis still reports what the script showed
            d = _bare(framework, extra, {"where": "diagnose", "error": f"{type(exc).__name__}: {exc}"})
        else:
            d.findings = sorted(d.findings + extra, key=lambda f: f.rank_key)
        out.append((label, d))

    def late(d: Diagnosis, *checks) -> None:
        """Checks that read the diagnosis (its scores), run once it is done; one that fails
        becomes an error entry."""
        for check in checks:
            try:
                found = check(d)
            except Exception as exc:  # noqa: BLE001 - a failed check must not end the report
                d.errors.append({"where": "nndoctor run", "error": f"{type(exc).__name__}: {exc}"})
                continue
            if found is not None:
                d.findings = sorted(d.findings + [found], key=lambda f: f.rank_key)

    for i, rec in enumerate(torch_records):
        data = rec.data()
        val = rec.data(val=True)
        if val is not None and len(val[0]) < MIN_VAL_SAMPLES:
            val = None
        optimizer = _optimizer_for(rec.model, recorder.torch.optimizers)
        # a schedule's peak, not the rate it ended at (a cosine or step decay ends near 0)
        lr = recorder.torch.peak_lr(optimizer) or optimizer.param_groups[0]["lr"] if optimizer is not None else None
        extra = script_findings(recorder.torch, rec, optimizer)
        if crash is not None and i == len(torch_records) - 1:
            extra.append(crash)
        label = f"{type(rec.model).__name__} (torch)"
        skip = _too_little_to_diagnose(data, error) or _several_inputs(recorder.torch.input_counts.get(id(rec.model)))
        if skip is not None:
            out.append((label, _bare("torch", extra, {"where": "nndoctor run", "error": skip})))
            continue
        run_one(label, "torch",
                lambda: diagnose(rec.model, data[0], data[1], validation_data=val, loss=rec.loss,
                                 optimizer=optimizer, lr=lr, batch_size=rec.batch_size,
                                 budget=budget, verbose=0), extra)
        _defer_zero_gradient(out[-1][1])
        late(out[-1][1], lambda d: one_class_batches(rec.label_order, data[1], d, "torch"),
             lambda d: lr_schedule_collapse(recorder.torch.lr_trace.get(id(optimizer)), d),
             lambda d: prediction_shift(data[0] if data and not rec.inputs_from_module else None,
                                        rec.predictions, d, data[1] if data else None),
             lambda d: dead_relu_at_start(d, torch_fractions(rec, data[0]), "torch"))
    for i, rec in enumerate(keras_records):
        loop = rec.loop if not rec.fit_calls else None  # a GradientTape loop: its loss and optimizer
        data = rec.data() if loop is None else loop.data()
        extra = [crash] if crash is not None and i == len(keras_records) - 1 and not torch_records else []
        extra += keras_findings(rec)
        label = f"{getattr(rec.model, 'name', type(rec.model).__name__)} (keras)"
        if data is None:
            out.append((label, _bare("keras", extra, {"where": "nndoctor run", "error":
                        "the fit call's x/y are not arrays or a tf.data dataset of (x, y) (a generator, "
                        "or dict inputs): not captured"})))
            continue
        x, y, val = data
        if loop is None:
            setup = {"batch_size": rec.batch_size or rec.dataset_batch_size()}
            if len(set(rec.lr_trace)) > 1:  # a schedule's peak, as for torch (a decay ends near 0)
                setup["lr"] = max(rec.lr_trace)
        else:
            setup = {"batch_size": loop.batch_size, "loss": loop.loss, "optimizer": loop.optimizer}
        run_one(label, "keras",
                lambda: diagnose(rec.model, x, y, validation_data=val, budget=budget, verbose=0, **setup), extra)
        late(out[-1][1], lambda d: one_class_batches(rec.label_order() if loop is None else None, y, d, "keras"),
             lambda d: prediction_shift(x, rec.predictions, d, y),
             lambda d: dead_relu_at_start(d, keras_fractions(rec, x), "keras"),
             lambda d: lr_schedule_collapse(rec.lr_trace, d),
             lambda d: lr_schedule_rise(rec.epoch_lr, rec.epoch_loss),
             lambda d: loss_broadcast(loop.broadcast if loop is not None else None, d))
    if not out:
        why = ("the script trained no model nndoctor could see: no keras Model.fit call, no keras Loss computed "
               "on a model's output and followed by an optimizer step, and no torch loss module (nn.*Loss) "
               "called on a model's output")
        out.append(("script", _bare(None, [crash] if crash else [], {"where": "nndoctor run", "error": why})))
    return out


def _too_little_to_diagnose(data, error) -> str | None:
    """Why a torch model's recorded batches cannot be diagnosed, or None when they can."""
    if data is None:
        return "every loss the script computed had gradients disabled (torch.no_grad()): no training batch to diagnose"
    if error is not None and len(data[0]) < MIN_CRASHED_SAMPLES:
        return (f"the script crashed after {len(data[0])} training samples: too few to diagnose the model (the "
                "crash finding says why it stopped)")
    return None


def _several_inputs(count: int | None) -> str | None:
    """Why a torch model fed several input tensors is not diagnosed, or None."""
    if not count:
        return None
    return (f"the model takes {count} input tensors (forward(a, b, ...)); diagnose() trains copies of models fed one "
            "input array, so only the checks of the training loop itself ran (see the findings)")


def _bare(framework, findings, error) -> Diagnosis:
    return Diagnosis(task={"kind": None, "n_classes": None, "framework": framework},
                     findings=list(findings), errors=[error])


def _held(*optimizers) -> set[int]:
    """The ids of every parameter these optimizers hold."""
    return {id(p) for opt in optimizers if opt is not None for g in opt.param_groups for p in g["params"]}


def _optimizer_for(model, optimizers: dict):
    """The optimizer holding ``model``'s parameters; else the only one seen; else None."""
    params = {id(p) for p in model.parameters()}
    for opt in optimizers.values():
        if _held(opt) & params:
            return opt
    return next(iter(optimizers.values())) if len(optimizers) == 1 else None


# -- findings only the script shows ------------------------------------------------------------
def keras_findings(rec) -> list[Finding]:
    """What the script did wrong with one Keras model, outside what ``fit`` records:

    * RUN003 ``train-mode-at-inference``: the model (with dropout or batch-norm) was called with
      ``training=True`` outside ``fit``, i.e. to predict with dropout on.
    """
    if not rec.train_mode_calls:
        return []
    return [Finding(
        cause="train-mode-at-inference", code=PredictsInTrainMode.code, severity="error", confidence=0.93,
        message=(f"The model was called {rec.train_mode_calls} time(s) with training=True outside fit, and "
                 "it has dropout/batch-norm layers: those predictions are randomized by dropout (or "
                 "normalized by the batch's own statistics)."),
        evidence={"predictions_in_train_mode": rec.train_mode_calls},
        fix="Predict with model.predict(x) or model(x, training=False); training=True belongs in a "
            "custom training step only.",
        fix_code="probabilities = model.predict(x_test)")]


def script_findings(t: TorchCapture, rec, optimizer=None) -> list[Finding]:
    """What the training loop of one model did wrong, read from the call counts (of the
    optimizer that holds its parameters, when one was seen; else of all optimizers); each check
    is documented in `script_rules`:

    * RUN001 ``parameters-not-updating``: the loss was computed (and ``backward()`` called) but
      ``optimizer.step()`` never ran, so the weights never changed.
    * RUN002 ``gradient-accumulation``: ``step()`` ran at least twice and, before at least half
      of the steps after the first, neither ``optimizer.zero_grad()`` nor ``model.zero_grad()``
      was called since the step before (never, once before the loop, once per epoch), so those
      steps applied the sum of the gradients since the last clear.
    * RUN003 ``train-mode-at-inference``: the model (with dropout or batch-norm) was called
      without a loss, i.e. to predict, while still in training mode (``model.eval()`` missing);
      or a copy of it (``copy.deepcopy``, a reloaded state) predicted in training mode.
    * RUN005 ``parameters-not-updating``: ``step()`` ran but no weight differs from its value at
      the first loss call (the finding says why), or some parameters that received gradients
      belong to no optimizer and never changed while the rest trained.
    """
    found = []
    if optimizer is not None:
        steps = t.steps_by.get(id(optimizer), 0)
        zero_grads = t.zero_grads_by.get(id(optimizer), 0) + t.zero_grads_by.get(id(rec.model), 0)
        uncleared = t.uncleared_steps.get(id(optimizer), 0)
    else:
        steps, zero_grads, uncleared = t.steps, t.zero_grad_calls, sum(t.uncleared_steps.values())
    # two full iterations, not a crash in the first; weights that moved were updated by hand
    # (``p -= lr * p.grad`` under no_grad), which is training without step()
    if steps == 0 and t.backward_calls >= 2 and rec.loss_calls >= 2 and rec.weights_changed() is not True:
        found.append(Finding(
            cause="parameters-not-updating", code=StepNeverCalled.code, severity="error", confidence=0.97,
            message=(f"The script computed the loss {rec.loss_calls} times and called backward() "
                     f"{t.backward_calls} times, but never called optimizer.step(): the weights "
                     "never changed, so the model predicts as it was initialized."),
            evidence={"loss_calls": rec.loss_calls, "backward_calls": t.backward_calls,
                      "optimizer_steps": 0},
            fix="Call optimizer.step() after loss.backward() in every training iteration.",
            fix_code="optimizer.zero_grad(); loss.backward(); optimizer.step()"))
    if (steps >= 2 and zero_grads == 0) or _often_uncleared(steps, uncleared):
        how = ("zero_grad() was never called" if zero_grads == 0 else
               f"zero_grad() was called only {zero_grads} time(s): {uncleared} of the {steps - 1} steps after "
               "the first found the gradients of the step before still in place")
        found.append(Finding(
            cause="gradient-accumulation", code=ZeroGradMissing.code, severity="error", confidence=0.95,
            message=(f"optimizer.step() ran {steps} times but {how}: gradients accumulated across "
                     "steps, so each step used the sum of every gradient since the last clear and the "
                     "effective learning rate grew with each step."),
            evidence={"optimizer_steps": steps, "zero_grad_calls": zero_grads, "uncleared_steps": uncleared,
                      "backward_calls": t.backward_calls},
            fix="Clear the gradients before each backward pass.",
            fix_code="optimizer.zero_grad()  # before loss.backward()"))
    if optimizer is not None and not any(f.code == ZeroGradMissing.code for f in found):
        found.extend(_other_uncleared(t, optimizer))
    copies = rec.copy_predictions_in_train_mode()
    if copies and not rec.inference_in_train_mode:
        found.append(Finding(
            cause="train-mode-at-inference", code=PredictsInTrainMode.code, severity="error", confidence=0.93,
            message=(f"A copy of the trained model (copy.deepcopy, or the same architecture given its weights) "
                     f"was called {copies} time(s) to predict while still in training mode, and it has "
                     "dropout/batch-norm layers: model.eval() switches only the model it is called on, so "
                     "the copy's predictions are randomized by dropout (or normalized by the batch's own "
                     "statistics)."),
            evidence={"copy_predictions_in_train_mode": copies},
            fix="Call .eval() on the copy you predict with (or copy the model after model.eval(), or keep "
                "the best state_dict and load it into the model).",
            fix_code="best_model.eval()\nwith torch.no_grad():\n    predictions = best_model(x)"))
    if rec.inference_in_train_mode:
        found.append(Finding(
            cause="train-mode-at-inference", code=PredictsInTrainMode.code, severity="error", confidence=0.93,
            message=(f"The model was called {rec.inference_in_train_mode} time(s) without a loss "
                     "(to predict) while still in training mode, and it has dropout/batch-norm "
                     "layers: those predictions are randomized by dropout (or normalized by the "
                     "batch's own statistics)."),
            evidence={"predictions_in_train_mode": rec.inference_in_train_mode,
                      "prediction_calls": rec.inference_calls},
            fix="Call model.eval() before predicting (and model.train() before training again).",
            fix_code="model.eval()\nwith torch.no_grad():\n    predictions = model(x)"))
    orphans = _orphans(rec, t) if steps >= 2 and rec.train_loss_calls >= 2 else []
    if orphans:
        names = [n for n, _ in orphans]
        size = sum(p.numel() for _, p in orphans)
        found.append(Finding(
            cause="parameters-not-updating", code=WeightsNeverChanged.code, severity="error", confidence=0.97,
            message=(f"{len(names)} parameter tensor(s) of the model ({', '.join(names[:6])}"
                     f"{', ...' if len(names) > 6 else ''}; {size} values) received gradients but no optimizer "
                     f"holds them: over {steps} optimizer steps they never changed, while the rest of the model "
                     "trained. The optimizer was built before these layers were created or replaced, so they "
                     "keep their random initial weights."),
            evidence={"optimizer_steps": steps, "parameters_never_updated": names, "values_never_updated": size,
                      "reason": "optimizer-over-other-parameters"},
            fix="Build the optimizer after the model is final (after replacing or adding layers), over "
                "model.parameters().",
            fix_code="model.head = nn.Linear(64, 10)\noptimizer = torch.optim.Adam(model.parameters(), lr=1e-3)"))
    unchanged = rec.weights_changed() is False  # compares every parameter: once
    if rec.restored_to_start and unchanged:
        found.append(Finding(
            cause="undertrained", code=WeightsRestoredToStart.code, severity="error", confidence=0.95,
            message=(f"Training changed the model's weights over {rec.train_loss_calls} iterations, but then "
                     "load_state_dict() put back the weights it had at the first loss call, and the script "
                     "ended with them: the model is untrained. An early-stopping 'best' state that was never "
                     "updated (a best loss that starts at 0, so no epoch beats it) does this."),
            evidence={"optimizer_steps": steps, "training_iterations": rec.train_loss_calls,
                      "restored_to_start": True},
            fix="Start the best loss at infinity (best_loss = float('inf')) so that the best epoch's state is "
                "kept, or do not reload a state saved before training.",
            fix_code="best_loss = float('inf')\nif val_loss < best_loss:\n    best_loss, best_state = val_loss, "
                     "copy.deepcopy(model.state_dict())"))
    if steps >= 2 and rec.train_loss_calls >= 2 and unchanged and not rec.restored_to_start:
        why = _why_unchanged(rec.model, optimizer)
        found.append(Finding(
            cause="parameters-not-updating", code=WeightsNeverChanged.code, severity="error", confidence=0.97,
            message=(f"optimizer.step() ran {steps} times over {rec.train_loss_calls} training iterations, but "
                     f"when the script ended every weight of the model was exactly as at the first loss call: "
                     f"{why['text']} The model predicts as it was initialized."),
            evidence={"optimizer_steps": steps, "training_iterations": rec.train_loss_calls,
                      "weights_changed": False, **{k: v for k, v in why.items() if k != "text"}},
            fix=why["fix"], fix_code=why["fix_code"]))
    return found


def _orphans(rec, t: TorchCapture) -> list:
    """Parameters of a model that otherwise trained which never changed, had gradients at the
    end (so the loss used them) and belong to no optimizer the script stepped."""
    unchanged = rec.unchanged_parameters()
    if not unchanged or len(unchanged) == len(list(rec.model.parameters())):
        return []
    held = _held(*t.optimizers.values())
    return [(n, p) for n, p in unchanged if p.requires_grad and p.grad is not None and id(p) not in held]


def _often_uncleared(steps: int, uncleared: int) -> bool:
    """Two or more steps, half of those after the first (and at least 2) on uncleared gradients."""
    return steps >= 2 and uncleared >= max(2, UNCLEARED_SHARE * (steps - 1))


def _other_uncleared(t: TorchCapture, optimizer) -> list[Finding]:
    """RUN002 for the script's other optimizers: one per part of the network (an encoder's and
    a head's), where the loop clears only one of them. Each step of the uncleared one applies
    the sum of every gradient since the start, and the part it moves feeds this model."""
    found = []
    for other in t.optimizers.values():
        steps = t.steps_by.get(id(other), 0)
        uncleared = t.uncleared_steps.get(id(other), 0)
        if other is optimizer or not _often_uncleared(steps, uncleared):
            continue
        size = sum(p.numel() for g in other.param_groups for p in g["params"])
        found.append(Finding(
            cause="gradient-accumulation", code=ZeroGradMissing.code, severity="error", confidence=0.95,
            message=(f"The script steps a second optimizer ({type(other).__name__} over {size} values) {steps} "
                     f"times, and {uncleared} of its steps after the first found the gradients of the step "
                     "before still in place: the loop clears another optimizer's gradients but not this one's. "
                     "Its parameters took the sum of every gradient since the start at each step."),
            evidence={"optimizer_steps": steps, "uncleared_steps": uncleared, "other_optimizer": type(other).__name__,
                      "other_optimizer_values": size},
            fix="Clear the gradients of every optimizer before each backward pass (or build one optimizer over "
                "all the parameters).",
            fix_code="for opt in (opt_encoder, opt_head):\n    opt.zero_grad()"))
    return found


ZERO_GRADIENT_EXPLAINED = 0.8  # RUN005's confidence when constant outputs explain its zero gradients


def _defer_zero_gradient(d: Diagnosis) -> None:
    """RUN005 found every gradient zero; when the model's outputs are also identical for every
    input, the gradient died at the output (softmax over one unit, a dead or saturated network):
    the weights not moving is the symptom, and the finding that names the output's fault
    (at 0.85 or more) ranks above it."""
    given = ((d.details or {}).get("predictions") or {}).get("given") or {}
    if not given.get("all_outputs_equal"):
        return
    for f in d.findings:
        if f.code == WeightsNeverChanged.code and (f.evidence or {}).get("reason") == "zero-gradient":
            f.confidence = min(f.confidence, ZERO_GRADIENT_EXPLAINED)
            f.message += (" The model's outputs are identical for every input, so the gradient dies at the "
                          "output: the findings on the output layer or the activations say why.")
    d.findings.sort(key=lambda f: f.rank_key)


def _why_unchanged(model, optimizer) -> dict:
    """What the parameters of a model that never changed show at the end of the script."""
    params = list(model.parameters())
    held = _held(optimizer)
    trainable = [p for p in params if p.requires_grad]
    with_grad = [p for p in trainable if p.grad is not None]
    facts = {"parameters": len(params), "trainable": len(trainable), "with_gradient": len(with_grad),
             "held_by_optimizer": sum(id(p) in held for p in params)}
    detach_fix = ("Call backward() on the loss tensor computed from the model's output, with no .item(), "
                  ".detach(), .numpy() or torch.tensor(...) in between, and zero_grad() before backward().")
    if optimizer is None or not facts["held_by_optimizer"]:
        return {**facts, "reason": "optimizer-over-other-parameters",
                "text": "the optimizer that stepped holds none of the model's parameters.",
                "fix": "Build the optimizer over this model's parameters, after the model is final.",
                "fix_code": "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)"}
    if all(g.get("lr", 1.0) == 0 for g in optimizer.param_groups):
        return {**facts, "reason": "learning-rate-zero", "text": "the optimizer's learning rate is 0.",
                "fix": "Give the optimizer a learning rate above 0 (e.g. 1e-3 for Adam).",
                "fix_code": "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)"}
    if not with_grad:
        return {**facts, "reason": "no-gradient",
                "text": ("no parameter has a gradient (.grad is None): backward() never reached the model. "
                         "The loss was cut off from the model's graph (.item(), .detach(), .numpy() or "
                         "torch.tensor(...) on the way), or the gradients were cleared between backward() "
                         "and step()."),
                "fix": detach_fix, "fix_code": "loss = loss_fn(model(x), y)\nloss.backward()\noptimizer.step()"}
    if all(not p.grad.any() for p in with_grad):
        return {**facts, "reason": "zero-gradient",
                "text": "every gradient is zero: the loss does not depend on the weights, or the gradients "
                        "were zeroed between backward() and step().",
                "fix": detach_fix, "fix_code": "optimizer.zero_grad()\nloss.backward()\noptimizer.step()"}
    return {**facts, "reason": "unknown", "text": "the optimizer applied no change.",
            "fix": detach_fix, "fix_code": "optimizer.zero_grad()\nloss.backward()\noptimizer.step()"}


CRASH_CAUSES = (  # (pattern in the exception message, cause, only when raised by the loss/fit)
    # Keras's sparse categorical loss over ONE output unit: every label but 0 is "outside [0, 1)";
    # the labels are fine, the output layer is a categorical loss's one unit
    (r"valid range of \[0, 1\)", "output-activation-mismatch", True),
    (r"out of bounds|outside the valid range|label value|n_classes|t >= 0 && t < n_classes",
     "label-encoding-mismatch", False),
    (r"target dtype|expected scalar type|expected .*\b(long|int64)\b.*\bfloat|\bfloat\b.*expected .*\blong\b",
     "label-encoding-mismatch", True),
    (r"multi-target not supported|1D target tensor expected", "label-encoding-mismatch", True),
    (r"\bnan\b|not finite|infinit", "nan-in-data", False),
    (r"does not require grad|does not have a grad_fn|doesn't require grad|empty parameter list",
     "parameters-not-updating", False),
    (r"broadcast", "shape-broadcast", True),
    # shapes that do not fit: (N, 1) against (N,) is shape-broadcast, anything else label encoding
    (r"shape|size of tensor|batch.?size|dimension|must match|same size|must be the same|different to the input size",
     "shapes", True),
)


def crash_finding(error: BaseException, recorder: ScriptRecorder) -> Finding | None:
    """RUN004: the exception the script died of, named as a cause when its message says which."""
    message = f"{type(error).__name__}: {error}".strip()
    if recorder.keras.raised_in_fit:
        text = next(filter(None, (_string_labels(r.y) for r in recorder.keras.fits.values())), None)
        if text is not None:
            return Finding(
                cause="label-encoding-mismatch", code=ScriptCrashed.code, severity="error", confidence=0.98,
                message=f"The script crashed in fit(): the labels are text ({text}), not class numbers "
                        f"({type(error).__name__}: {str(error).strip()[:120]}).",
                evidence={"exception": f"{type(error).__name__}: {str(error).strip()[:300]}", "in_loss": True},
                fix="Encode the labels as integers 0..C-1 before training (and decode predictions back).",
                fix_code="y = sklearn.preprocessing.LabelEncoder().fit_transform(y)")
    in_loss = recorder.torch.in_loss or recorder.keras.raised_in_fit
    in_training = in_loss or recorder.torch.raised_in_backward  # the training step itself raised
    for pattern, cause, loss_only in CRASH_CAUSES:
        if re.search(pattern, message, flags=re.IGNORECASE) and (in_loss or not loss_only):
            where = (" in the loss" if recorder.torch.in_loss else " in fit()" if recorder.keras.raised_in_fit
                     else " in backward()" if recorder.torch.raised_in_backward else "")
            shapes = recorder.torch.last_loss_args if recorder.torch.in_loss else None
            if cause == "shapes":
                cause = "shape-broadcast" if shapes is not None and _singleton_apart(*shapes) \
                    else "label-encoding-mismatch"
            short = _quote(error, pattern)
            # raised by the loss or fit: the model never trained past it, whatever a diagnosis of
            # the few samples seen by then says
            return Finding(
                cause=cause, code=ScriptCrashed.code, severity="error", confidence=0.98 if in_training else 0.9,
                message=f"The script crashed{where}: {short}",
                evidence={"exception": short, "in_loss": bool(in_loss),
                          **({"loss_input_shapes": shapes} if shapes else {})},
                fix=_CRASH_FIX[cause])
    return None


def labels_outside_output(error: LabelRangeError) -> Finding:
    """RUN009: the labels the script trained on lie outside what its output layer produces."""
    return Finding(
        cause=LabelsOutsideOutput.cause, code=LabelsOutsideOutput.code, severity="error", confidence=0.95,
        message=(f"The script trained on labels {error.low}..{error.high}, but the output layer "
                 f"({error.output_units} unit(s)) can only produce classes 0..{error.n_classes - 1}: the loss "
                 "compares the outputs with targets they can never match."),
        evidence={"label_min": error.low, "label_max": error.high, "output_classes": error.n_classes,
                  "output_units": error.output_units},
        fix="Re-encode the labels as 0..C-1 (e.g. `(y > 0).astype(int)` for -1/+1, "
            "`sklearn.preprocessing.LabelEncoder`), or give the output layer one unit per class.",
        fix_code="y = sklearn.preprocessing.LabelEncoder().fit_transform(y)")


def _string_labels(y) -> str | None:
    """A few of the labels when they are text (strings), else None."""
    try:
        y = np.asarray(y)
    except (TypeError, ValueError):  # not an array: nothing to say
        return None
    if y.dtype.kind not in "USO" or not y.size:
        return None
    sample = list(dict.fromkeys(str(v) for v in y.ravel()[:1000] if isinstance(v, (str, bytes))))
    return ", ".join(repr(v) for v in sample[:3]) if sample else None


def _singleton_apart(prediction: tuple, target: tuple) -> bool:
    """Shapes that differ only by a trailing axis of 1, like (N, 1) and (N,)."""
    a, b = (prediction, target) if len(prediction) > len(target) else (target, prediction)
    return len(a) == len(b) + 1 and a[-1] == 1 and a[:-1] == b


def _quote(error: BaseException, pattern: str) -> str:
    """The exception's type and the line of its message that names the fault (TensorFlow's
    messages run to pages of graph nodes; the line that matters is near the end)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    hits = [line for line in lines if re.search(pattern, line, flags=re.IGNORECASE)]
    line = (hits[-1] if hits else (lines[-1] if lines else "")) if len(lines) > 1 else str(error)
    line = line if len(line) <= 300 else line[:300] + " ..."
    return f"{type(error).__name__}: {line}"


_CRASH_FIX = {
    "output-activation-mismatch": ("Give the output layer one unit per class (softmax) for a categorical "
                                   "loss; for two classes, one sigmoid unit with binary cross-entropy."),
    "label-encoding-mismatch": ("Make the labels fit the output layer: integer labels 0..C-1 with "
                                "C output units (or one-hot of width C), matching the loss."),
    "nan-in-data": "Remove or impute NaN/inf values in the inputs and labels before training.",
    "shape-broadcast": "Give the output and the target the same shape (e.g. squeeze the (N, 1) output).",
    "parameters-not-updating": ("Give the optimizer trainable parameters and a graph to them: build it over "
                                "model.parameters() with requires_grad=True, and compute the training loss "
                                "with gradients enabled (not inside torch.no_grad()) from the model's output "
                                "tensor (no .detach(), .item() or numpy on the way)."),
}
