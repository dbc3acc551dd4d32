"""One scenario, end to end, in a worker process.

Builds the user's situation in its framework (data, model, loss, optimizer), trains the model
the user's way (including the faulty ways: never, a few steps, no ``zero_grad``, unshuffled
sorted data), hands it to ``nndoctor.diagnose`` exactly as a user would, and records what came
back. A ``ValueError``/``TypeError`` from ``diagnose`` is a *refusal* (its message is kept); any
other exception is a crash. Also measured: one plain training run of the same model for the same
number of steps as the diagnosis's recorded run (the timing ratio's denominator), the user's
model's own validation score, and a reference score of simple models on the same data (does
the user's model do worse than they do?). The peers run here too, on the same torch model, when asked.
"""

from __future__ import annotations

import math
import os
import time
import traceback
import warnings

THREAD_ENV = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
              "KERAS_BACKEND": "tensorflow"}


def limit_threads() -> None:
    """One thread per worker: set before a framework is imported (the env reaches loky workers)."""
    for key, value in THREAD_ENV.items():
        os.environ.setdefault(key, value)


def _configure_frameworks(framework: str) -> None:
    limit_threads()
    warnings.simplefilter("ignore")
    if framework == "torch":
        import torch
        torch.set_num_threads(1)
    else:
        import tensorflow as tf
        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # already initialized in this worker
            pass
        import absl.logging
        absl.logging.set_verbosity(absl.logging.ERROR)


def run_scenario(scenario: dict, budget, *, nndoctor: bool = True, peers: bool = False) -> dict:
    """Everything measured for one scenario, as a JSON-ready dict (never raises)."""
    from .scenarios import Scenario, build_case

    s = Scenario(**scenario)
    record = {"id": s.id, "scenario": s.to_dict()}
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    try:
        _configure_frameworks(s.framework)
        _, case = build_case(s)
        record["reference_metric"] = reference_score(case.data)
        user = _user_model(s, case, record)
        if nndoctor:
            record["nndoctor"] = _diagnose(s, case, user, budget)
            steps = record["nndoctor"].get("recorded_steps")
            if steps:
                from .models import plain_run_seconds
                record["plain_run_seconds"] = plain_run_seconds(
                    s.framework, user["model"], user["loss"], case.setup, case.arch, user["x_train"],
                    case.data.y_train, steps, s.seed)
        if peers and s.framework == "torch":
            from .peers import run_peers
            record["peers"] = run_peers(user["model"], user["loss"], user["optimizer"], user["x_train"],
                                        case.data.y_train, case.setup, s.seed)
    except Exception as exc:  # noqa: BLE001 - a harness failure is recorded, never fatal
        record["harness_error"] = f"{type(exc).__name__}: {exc}"
        record["trace"] = traceback.format_exc(limit=6)
    # CPU seconds of this worker (all its threads) for the whole scenario: on an idle machine
    # the clinic's wall time is about their sum over the number of workers
    record["cpu_seconds"] = time.process_time() - cpu_start
    record["wall_seconds"] = time.perf_counter() - wall_start
    return record


def _user_model(s, case, record) -> dict:
    """Build and train the user's model the user's way; note how well it predicts."""
    from . import models

    data, arch, setup = case.data, case.arch, case.setup
    x_train = models.as_inputs(data.x_train, arch, s.framework)
    x_val = models.as_inputs(data.x_val, arch, s.framework)
    model, loss, optimizer = models.build(s.framework, arch, setup, data.n_features, s.seed)
    record["user"] = {"train_steps": setup.steps, "loop": setup.loop, "loss": setup.loss,
                      "optimizer": setup.optimizer, "lr": setup.lr, "momentum": setup.momentum,
                      "hidden": list(arch.hidden), "n_train": int(len(x_train)), "n_val": int(len(x_val))}
    try:
        record["user"]["train_seconds"] = models.train(s.framework, model, loss, optimizer, setup, x_train,
                                                       data.y_train, s.seed)
    except Exception as exc:  # noqa: BLE001 - the user's own training crashed: they still ask why
        record["user"]["train_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
    try:
        record["user"]["val_metric"] = _finite(models.score(models.predict(s.framework, model, x_val),
                                                            data.y_val, data.task, arch))
    except Exception as exc:  # noqa: BLE001
        record["user"]["val_metric_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    return {"model": model, "loss": loss, "optimizer": optimizer, "x_train": x_train, "x_val": x_val}


def _diagnose(s, case, user, budget) -> dict:
    import nndoctor

    kwargs = {}
    if s.framework == "torch":
        kwargs = {"loss": user["loss"], "optimizer": user["optimizer"]}
    start = time.perf_counter()
    try:
        d = nndoctor.diagnose(user["model"], user["x_train"], case.data.y_train,
                              validation_data=(user["x_val"], case.data.y_val), budget=budget,
                              seed=s.seed % 10_000, **kwargs)
    except (ValueError, TypeError) as exc:
        return {"status": "refused", "error": f"{type(exc).__name__}: {exc}",
                "seconds": time.perf_counter() - start}
    except Exception as exc:  # noqa: BLE001 - a crash of diagnose() is a result too
        return {"status": "crashed", "error": f"{type(exc).__name__}: {exc}",
                "trace": traceback.format_exc(limit=4), "seconds": time.perf_counter() - start}
    recorded = next((e for e in d.experiments if e.get("name") == "recorded_run"), None)
    return {
        "status": "diagnosed",
        "primary_cause": d.primary_cause,
        "verdict": d.verdict,
        "findings": [{"cause": f.cause, "severity": f.severity, "confidence": _finite(f.confidence),
                      "rule": getattr(f, "code", None) or getattr(f, "rule", None),
                      "message": (f.message or "")[:240]} for f in d.findings],
        "seconds": d.seconds,
        "recorded_steps": (recorded or {}).get("result", {}).get("steps"),
        "errors": [f"{e.get('where')}: {str(e.get('error'))[:160]}" for e in d.errors][:6],
    }


def reference_score(data) -> float | None:
    """Best validation score of simple models (logistic/ridge regression, 15-NN) on the same
    data, inputs standardized with the training statistics and non-finite training rows
    dropped: roughly what this data allows a model that is set up soundly."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    def flat(y):
        y = np.asarray(y, dtype=np.float64)
        if data.task == "classification":
            return (y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(len(y))).astype(int)
        return y.reshape(len(y))

    x, xv = data.x_train.reshape(len(data.x_train), -1), data.x_val.reshape(len(data.x_val), -1)
    y, yv = flat(data.y_train), flat(data.y_val)
    keep = np.isfinite(x).all(axis=1) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 3 or not np.isfinite(xv).all() or len(np.unique(y)) < 2:
        return None
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    x, xv = (x - mean) / std, (xv - mean) / std
    k = min(15, len(x) - 1)
    if data.task == "regression":
        models = [Ridge(alpha=1.0), KNeighborsRegressor(k)]
    else:
        models = [LogisticRegression(max_iter=300), KNeighborsClassifier(k)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return max(float(m.fit(x, y).score(xv, yv)) for m in models)


def _finite(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value
