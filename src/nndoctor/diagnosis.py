"""The engine: profile -> observe -> suspect -> confirm -> rank.

`diagnose` looks at the user's model exactly as given, trains a copy (same architecture, same
starting weights, same loss/optimizer/LR) while recording it, lets every rule judge the
evidence, runs the experiments the rules ask for within the budget, and ranks what is left.
"""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import replace

import numpy as np
from sklearn.model_selection import train_test_split

from . import _validation as v
from .adapters import TrainSpec, adapter_for
from .experiments import EXPERIMENTS, ExperimentContext, run_experiment
from .experiments._base import load_all as load_experiments
from .experiments.controls import control_spec
from .experiments.fix_and_retrain import demote_if_fix_did_not_replicate
from .experiments.fix_and_retrain import verify_fix
from .evidence.affine import computes_affine_map
from .evidence.data import MAX_CLASSES, DataProfile, decode_labels, profile_data
from .evidence.model import ModelProfile
from .evidence.outputs import PredictionSummary, summarize_predictions, to_probabilities
from .findings import Finding
from ._progress import DiagnosisProgress
from .result import Diagnosis
from .rules import Evidence, RuledOut, all_rules
from .rules._measures import weight_scale

DEFAULT_BATCH_SIZE = 32
PROBE_SIZE = 64
MAX_EXPERIMENT_ROUNDS = 6  # control rounds first, then experiment rounds
# weights this many times a standard init's std (or NaN/inf) are what a blown-up training leaves
# (SGD at lr 9.5: 7.6e10x); training on from them shows nothing, so runs start from a fresh init
BLOWN_UP = 1e3


def diagnose(model, x, y=None, *, validation_data=None, loss=None, optimizer=None, lr=None,
             epochs=None, batch_size=None, budget=None, seed=0, n_jobs=1, verbose=1) -> Diagnosis:
    """Why does this model give random predictions? Train a copy, watch it, and answer.

    Args:
        model: a Keras 3 model (``keras.Model``/``tf.keras.Model``; compiled or not) or a
            ``torch.nn.Module``. It is never changed: its predictions are judged as they are,
            and all training happens on copies with the same architecture and starting weights.
        x, y: training inputs and targets (numpy arrays or tensors). For torch, ``x`` may be a
            ``Dataset`` or ``DataLoader`` yielding ``(inputs, targets)``; then ``y`` is None.
        validation_data: ``(x_val, y_val)``. Without it 20% of ``x`` is held out (stratified).
        loss: a loss for torch (module, class, function or name such as ``"cross_entropy"``),
            or for an uncompiled Keras model; overrides a compiled Keras model's loss.
        optimizer: a torch optimizer class, instance, factory ``params -> optimizer`` or name;
            a Keras optimizer or name. Default: the compiled one, else Adam.
        lr: learning rate; default: the optimizer's.
        epochs, batch_size: of the recorded training run; default: enough epochs for the
            budget's step count, batch size 32.
        budget: ``"quick"`` (300 steps, 10 s), ``"standard"`` (default: 1000 steps, 30 s),
            ``"thorough"`` (3000 steps, 120 s), seconds, or a `Budget` (``seconds=None``: no
            clock, the same diagnosis on a busy machine as on an idle one).
        seed: seeds every training run (the user's RNG state is restored afterwards).
        n_jobs: experiments of one round run in parallel joblib workers (processes by
            default; a ``joblib.parallel_backend("dask")`` or ``"ray"`` context moves them to a
            cluster). PyTorch models only: Keras models run their experiments in-process.
        verbose: 0 silent; 1 (default) a progress bar on a terminal, stage lines otherwise.

    Returns:
        A `Diagnosis`: verdict, ranked findings with evidence and fixes, metrics with intervals.
    """
    started = time.perf_counter()
    budget = v.check_budget(budget)
    progress = DiagnosisProgress(verbose, budget.seconds)
    try:
        return _diagnose(model, x, y, validation_data, loss, optimizer, lr, epochs, batch_size,
                         budget, seed, n_jobs, progress, started)
    finally:
        progress.close()


def _diagnose(model, x, y, validation_data, loss, optimizer, lr, epochs, batch_size, budget, seed,
              n_jobs, progress, started) -> Diagnosis:
    say = progress.stage
    x, y = v.unpack_torch_data(x, y)
    x, y = v.check_xy(x, y)
    val = v.check_validation_data(validation_data)
    epochs = v.check_positive_int(epochs, "epochs")
    batch_size = v.check_positive_int(batch_size, "batch_size") or DEFAULT_BATCH_SIZE
    lr = v.check_lr(lr)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"`seed` must be an int. Got {seed!r} instead.")

    adapter = adapter_for(model, loss=loss, optimizer=optimizer, lr=lr)
    profile = adapter.profile()
    if not any(layer.units for layer in profile.layers):  # no layer nndoctor reads (weights in a
        # ParameterList, custom layers): the output's width is what a forward pass returns
        profile.output_units = _output_width(adapter, x, profile.output_units)
    task, n_classes = infer_task(profile, y)
    if task == "classification":
        v.check_labels(y, n_classes, profile.output_units, "y")
        if val is not None:
            v.check_labels(val[1], n_classes, profile.output_units, "validation_data[1]")

    if val is None:
        x_train, x_val, y_train, y_val = hold_out(x, y, task, seed)
        val_source = "held-out"
    else:
        (x_train, y_train), (x_val, y_val) = (x, y), val
        val_source = "given"
    x_train, x_val = x_train.astype(np.float32), x_val.astype(np.float32)
    train_profile = profile_data(x_train, y_train, task, n_classes)
    val_profile = profile_data(x_val, y_val, task, n_classes)
    say(f"{profile.framework} {task} model, {len(x_train)} training / {len(x_val)} "
        f"validation samples ({val_source})")

    summarize = _summarizer(profile, task, n_classes, train_profile)
    given_train = summarize(adapter.predict(x_train), y_train, train_profile)
    given_val_outputs = adapter.predict(x_val)
    given_val = summarize(given_val_outputs, y_val, val_profile)
    given_train_loss = adapter.loss_value(x_train, y_train)
    try:
        profile.extra["affine"] = computes_affine_map(adapter.predict, x_train, profile.output_activation)
    except Exception:  # noqa: BLE001 - a model that cannot take the midpoints: not known
        profile.extra["affine"] = None
    ev = Evidence(task=task, n_classes=n_classes, framework=profile.framework, model=profile,
                  train=train_profile, val=val_profile, val_source=val_source,
                  given_train=given_train, given_val=given_val, given_val_outputs=given_val_outputs,
                  given_train_loss=given_train_loss,
                  baseline_loss=baseline_loss(profile, task, train_profile, y_train))

    scale = weight_scale(profile.weighted_layers)
    ev.fresh_start = not profile.weights_finite or not np.isfinite(scale) or scale >= BLOWN_UP
    if ev.fresh_start:
        say("the given weights hold NaN/inf or blew up: every run starts from a fresh standard init")
    steps_per_epoch = max(1, math.ceil(len(x_train) / batch_size))
    spec = TrainSpec(x=x_train, y=y_train, x_val=x_val, y_val=y_val, task=task,
                     n_classes=n_classes, epochs=epochs or budget.epochs_for(steps_per_epoch),
                     batch_size=batch_size, seed=int(seed), probe_x=x_train[:PROBE_SIZE],
                     time_limit=budget.clock * 0.5, reinit=ev.fresh_start)
    experiments, errors = [], []
    say(f"training a copy for {spec.epochs} epochs ({spec.total_steps} steps)")
    run = _attempt(lambda: adapter.train_copy(spec), "experiment recorded_run", errors)
    if run is None and errors:  # static rules quote the framework's own words
        ev.run_error = errors[-1]["error"]
    if run is not None:
        ev.run = run
        experiments.append(_experiment_entry("recorded_run", run))
        ev.trained_train = summarize(run.final_train_outputs, y_train, train_profile)
        ev.trained_val = summarize(run.final_val_outputs, y_val, val_profile)

    ctx = ExperimentContext(adapter=adapter, spec=spec, profile=profile, task=task,
                            n_classes=n_classes, labels_train=train_profile.labels,
                            labels_val=val_profile.labels, majority=uninformed_share(train_profile, val_profile),
                            deadline=started + budget.clock,
                            recorded_run=run if run is not None and not _timed_out(run) else None,
                            n_given=len(x))
    base_lr = run.lr_used if run is not None else None

    def run_control(name: str, seed: int | None = None):
        """One control run (see experiments/controls.py), scored on the validation data."""
        say(f"experiment {name}" + (f" (seed {seed})" if seed is not None else ""))
        control = _control_run(adapter, spec, base_lr, name, ctx.seconds_left(), seed)
        return _keep_control(name if seed is None else f"{name} (seed {seed})", control)

    def _keep_control(label: str, control):
        experiments.append(_experiment_entry(label, control))
        return control, summarize(control.final_val_outputs, y_val, val_profile)

    def dispatch(names: list[str]) -> None:
        """Run experiments/controls; in parallel joblib workers when asked and possible."""
        parallel = n_jobs != 1 and len(names) > 1 and profile.framework == "torch"
        for name in names:
            say(f"experiment {name}")
        if parallel:
            from joblib import Parallel, delayed
            outcomes = Parallel(n_jobs=n_jobs)(delayed(_execute)(adapter, ctx, base_lr, name, ctx.seconds_left())
                                               for name in names)
        else:
            outcomes = [_execute(adapter, ctx, base_lr, name, ctx.seconds_left()) for name in names]
        for name, (kind, value) in zip(names, outcomes):
            if kind == "error":
                errors.append({"where": f"experiment {name}", **value})
                (ev.experiments if name in EXPERIMENTS else ev.controls)[name] = None
            elif kind == "experiment":
                ev.experiments[name] = value["result"]
                experiments.append(value)
            else:
                ev.controls[name], ev.control_val[name] = _keep_control(name, value)

    if run is not None:
        dispatch([name for name, fn in load_experiments().items() if fn.always])
    rules = [rule_cls() for rule_cls in all_rules()]
    for _ in range(MAX_EXPERIMENT_ROUNDS):  # a rule may ask again after seeing a result
        wanted = set()
        for rule in rules:
            wanted |= _attempt(lambda: rule.wants(ev), f"rule {rule.code}", errors) or set()
        wanted -= set(ev.controls) | set(ev.experiments)
        if not wanted or run is None:
            break
        # one-setting control runs first, in rounds of their own until no rule asks for another:
        # each answers one rule's question in one run (and may lead to the next, e.g. reinit
        # then reinit+standardize-y), while an experiment (overfit_small_batch: 4 runs) answers
        # a broader one; when time runs out, the later ones are skipped
        controls = sorted(name for name in wanted if name not in EXPERIMENTS)
        dispatch(controls or sorted(wanted))

    findings, ruled_out = [], []
    for rule in rules:
        answer = _attempt(lambda: rule.check(ev), f"rule {rule.code}", errors)
        if isinstance(answer, Finding):
            findings.append(answer)
        elif isinstance(answer, RuledOut):
            ruled_out.append({"cause": rule.cause, "rule": rule.code, "why": answer.why})

    tried = []
    while run is not None and len(tried) < 2:  # the top finding; the next one if its fix did not replicate
        top = min((f for f in findings if f.severity in ("error", "warning") and f not in tried),
                  key=lambda f: f.rank_key, default=None)
        if top is None:
            break
        tried.append(top)
        _attempt(lambda: _verify_fix(top, ev, run_control, experiments, spec.seed), "experiment fix_and_retrain",
                 errors)
        if not demote_if_fix_did_not_replicate(top):
            break

    return Diagnosis(
        task={"kind": task, "n_classes": n_classes if task == "classification" else None,
              "framework": profile.framework},
        findings=findings,
        metrics=_metrics(ev),
        experiments=experiments,
        ruled_out=ruled_out,
        errors=errors,
        details=_details(ev, y_val),
        seconds=time.perf_counter() - started,
    )


def infer_task(profile: ModelProfile, y: np.ndarray) -> tuple[str, int]:
    """("classification" | "regression", number of classes) from the loss, else from ``y``."""
    task = profile.loss_task
    if task is None:
        finite = y[np.isfinite(y)] if np.issubdtype(y.dtype, np.floating) else y
        integer = finite.size == 0 or np.allclose(finite, np.rint(finite))
        task = "classification" if integer and len(np.unique(finite)) <= max(MAX_CLASSES, profile.output_units) \
            else "regression"
    if task == "regression":
        return task, 0
    return task, profile.output_units if profile.output_units > 1 else 2


def hold_out(x, y, task, seed):
    """80/20 split; stratified when every class has at least 2 samples."""
    n_val = max(1, int(round(0.2 * len(x))))
    stratify = None
    if task == "classification":
        labels = np.where(np.isfinite(y.reshape(len(y), -1)).all(axis=1), 0, -1)
        finite = labels == 0
        labels[finite] = decode_labels(y[finite])
        counts = np.bincount(labels[labels >= 0]) if finite.any() else np.array([])
        if finite.all() and counts[counts > 0].min(initial=0) >= 2 and n_val >= (counts > 0).sum():
            stratify = labels
    return train_test_split(x, y, test_size=n_val, random_state=seed, stratify=stratify)


def baseline_loss(profile: ModelProfile, task: str, data: DataProfile, y: np.ndarray) -> float | None:
    """The loss of a model that learned nothing: predict the label prior or the target mean."""
    with np.errstate(all="ignore"):
        if task == "classification" and profile.loss_name in {
                "sparse_categorical_crossentropy", "categorical_crossentropy",
                "binary_crossentropy", "nll"} and data.class_counts:
            p = np.asarray(data.class_counts, dtype=float)
            p = p[p > 0] / p.sum()
            return float(-(p * np.log(p)).sum())
        finite = y[np.isfinite(y.reshape(len(y), -1)).all(axis=1)].astype(float)
        if task == "regression" and finite.size:
            if profile.loss_name == "mse":
                return float(finite.var(axis=0).mean())
            if profile.loss_name == "mae":
                return float(np.abs(finite - np.median(finite, axis=0)).mean())
    return None


def _summarizer(profile, task, n_classes, train_profile):
    def summarize(outputs, y, data: DataProfile) -> PredictionSummary:
        return summarize_predictions(outputs, y, task=task, n_classes=n_classes,
                                     output_activation=profile.output_activation,
                                     loss_name=profile.loss_name, labels=data.labels,
                                     majority=uninformed_share(train_profile, data))
    return summarize


def uninformed_share(train: DataProfile, data: DataProfile) -> float | None:
    """The accuracy to beat on ``data``: the training majority share, or what always predicting
    the training majority class scores on ``data`` when that is higher (a validation set that
    leans further towards that class)."""
    share = train.majority_share
    if share is None or data.labels is None or data is train:
        return share
    labels = data.labels[data.labels >= 0]
    if not labels.size:
        return share
    return max(share, float(np.mean(labels == int(np.argmax(train.class_counts)))))


def _timed_out(run) -> bool:
    return bool(run.stopped_early and run.stopped_early.startswith("time limit"))


def _control_run(adapter, spec: TrainSpec, base_lr, name: str, seconds_left: float, seed=None):
    """Train the control run ``name`` (see experiments/controls.py); outputs in the user's units."""
    planned = control_spec(name, spec, base_lr) if base_lr is not None else None
    if planned is None:
        raise ValueError(f"unknown experiment {name!r}" if base_lr is not None else
                         "no learning rate is known for control runs")
    if seconds_left < 1.0:
        raise TimeoutError("skipped: the time budget is spent")
    planned = replace(planned, time_limit=seconds_left, seed=spec.seed if seed is None else seed)
    control = adapter.train_copy(planned)
    if planned.target_scale is not None:  # back to the user's units
        mean, std = planned.target_scale
        control.final_val_outputs = control.final_val_outputs * std + mean
        control.final_train_outputs = control.final_train_outputs * std + mean
    return control


def _execute(adapter, ctx: ExperimentContext, base_lr, name: str, seconds_left: float):
    """One experiment or control run, as ("experiment", entry) | ("control", RunRecord) |
    ("error", {...}). Module-level and self-contained so that joblib can ship it to a worker."""
    try:
        if name in load_experiments():
            local = replace(ctx, deadline=time.perf_counter() + seconds_left)
            return "experiment", run_experiment(name, local)
        return "control", _control_run(adapter, ctx.spec, base_lr, name, seconds_left)
    except Exception as exc:  # noqa: BLE001 - one failed experiment must not end the diagnosis
        return "error", {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)}


def _verify_fix(finding: Finding, ev: Evidence, run_control, experiments: list, seed: int) -> None:
    """Apply the finding's fix to fresh copies (3 seeds) and fill ``finding.verified``."""
    start = time.perf_counter()
    result = verify_fix(finding, ev, run_control, seed)
    if result is not None:
        finding.verified = result
        experiments.append({"name": "fix_and_retrain", "seconds": round(time.perf_counter() - start, 3),
                            "result": result})


def _attempt(fn, where: str, errors: list):
    """Run one rule or experiment; a failure becomes an error entry and the diagnosis goes on."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - any failure of one check must not end the diagnosis
        errors.append({"where": where, "error": f"{type(exc).__name__}: {exc}",
                       "trace": traceback.format_exc(limit=3)})
        return None


def _experiment_entry(name, run) -> dict:
    result = {"lr": run.lr_used, "epochs": len(run.epoch_train_loss), "steps": run.steps,
              "final_train_loss": run.epoch_train_loss[-1] if run.epoch_train_loss else None,
              "final_val_metric": run.val_metric[-1] if run.val_metric else None,
              "stopped_early": run.stopped_early}
    return {"name": name, "seconds": round(run.seconds, 3), "result": result}


def _metrics(ev: Evidence) -> dict:
    metrics = {}
    for prefix, summary in (("val", ev.given_val), ("train", ev.given_train),
                            ("trained_copy_val", ev.trained_val)):
        if summary is None:
            continue
        if summary.accuracy is not None:
            metrics[f"{prefix}_accuracy"] = summary.accuracy.to_dict()
        if summary.r2 is not None:
            metrics[f"{prefix}_r2"] = summary.r2
        if summary.rmse is not None:
            metrics[f"{prefix}_rmse"] = summary.rmse
    if ev.given_train_loss is not None:
        metrics["train_loss"] = ev.given_train_loss
    if ev.baseline_loss is not None:
        metrics["baseline_loss"] = ev.baseline_loss
    return metrics


def _details(ev: Evidence, y_val) -> dict:
    def predictions(summary: PredictionSummary | None, outputs) -> dict | None:
        if summary is None:
            return None
        d = summary.to_dict()
        d["confusion_matrix"] = _confusion(ev, outputs) if outputs is not None else None
        return d

    return {
        "model": ev.model.to_dict(),
        "data": {"train": ev.train.to_dict(), "validation": ev.val.to_dict(),
                 "validation_source": ev.val_source},
        "predictions": {
            "given": predictions(ev.given_val, ev.given_val_outputs),
            "after_training": predictions(ev.trained_val, ev.run.final_val_outputs if ev.run else None),
        },
        "run": ev.run.to_dict() if ev.run else None,
        "fresh_start": ev.fresh_start,
        "controls": {name: run.to_dict() for name, run in ev.controls.items() if run is not None},
    }


def _confusion(ev: Evidence, outputs) -> list[list[int]] | None:
    if ev.task != "classification" or outputs is None:
        return None
    from sklearn.metrics import confusion_matrix

    probs = to_probabilities(np.nan_to_num(np.asarray(outputs, dtype=float)),
                             ev.model.output_activation, ev.model.loss_name)
    labels = ev.val.labels
    keep = (labels >= 0) & (labels < ev.n_classes)  # continuous targets round to any integer
    if not keep.any():
        return np.zeros((ev.n_classes, ev.n_classes), dtype=int).tolist()
    return confusion_matrix(labels[keep], probs.argmax(axis=1)[keep],
                            labels=list(range(ev.n_classes))).tolist()


def _output_width(adapter, x, default: int) -> int:
    """The number of outputs per sample the model returns for two samples of ``x``."""
    try:
        out = np.asarray(adapter.predict(np.asarray(x[:2], dtype=np.float32)))
        return int(out.reshape(len(out), -1).shape[1]) if len(out) else default
    except Exception:  # noqa: BLE001 - a model that cannot predict here fails later, with its own words
        return default
