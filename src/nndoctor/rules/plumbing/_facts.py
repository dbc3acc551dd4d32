"""What the plumbing rules share: what the output layer really emits, how to name the loss,
and what the framework said when the recorded run failed."""

from __future__ import annotations

import numpy as np

from .._base import Evidence
from .._measures import learned

CATEGORICAL_LOSSES = {"sparse_categorical_crossentropy", "categorical_crossentropy", "nll"}
PROBABILITY_LOSSES = {"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy"}
TORCH_LOSSES = {  # (canonical name, from_logits) -> the torch class the adapter read it from
    ("sparse_categorical_crossentropy", True): "nn.CrossEntropyLoss", ("nll", False): "nn.NLLLoss",
    ("binary_crossentropy", False): "nn.BCELoss", ("binary_crossentropy", True): "nn.BCEWithLogitsLoss",
    ("mse", None): "nn.MSELoss", ("mae", None): "nn.L1Loss", ("huber", None): "nn.HuberLoss",
}
ONE_TOLERANCE = 1e-6  # float32 rounding of a one-unit softmax (its epsilon is 6e-8)
ROW_TOLERANCE = 1e-4  # softmax rows sum to 1 within float32 rounding; logits never do
MAX_QUOTE = 240  # characters of a framework error quoted in a message
STALLED = 0.9  # a last-epoch loss this close to the no-learning loss has not moved off it


def output_activation(ev: Evidence) -> tuple[str | None, str]:
    """The activation the model's output really has, and where that was read.

    ``("softmax", "model")`` when a layer/module says so. A torch ``forward()`` may apply
    softmax as a function, which the profile cannot see (it reports the last Linear as
    "linear"); then the outputs tell: rows of non-negative values summing to 1 are softmax,
    rows whose exp sums to 1 are log-softmax, and one unit that is exactly 1.0 for every
    sample is a softmax over one value (source "outputs").
    """
    declared = ev.model.output_activation
    if declared not in (None, "linear"):
        return declared, "model"
    seen = activation_from_outputs(ev.given_val_outputs)
    return (seen, "outputs") if seen else (declared, "model")


def activation_from_outputs(outputs) -> str | None:
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    out = out[np.isfinite(out).all(axis=1)]
    if out.size == 0:
        return None
    if out.shape[1] == 1:
        return "softmax" if np.all(equal_to_one(out)) else None
    if np.all(out >= -ROW_TOLERANCE) and np.allclose(out.sum(axis=1), 1.0, rtol=0, atol=ROW_TOLERANCE):
        return "softmax"
    if np.all(out <= ROW_TOLERANCE) and np.allclose(np.exp(out).sum(axis=1), 1.0, rtol=0, atol=ROW_TOLERANCE):
        return "log_softmax"
    return None


def loss_label(ev: Evidence) -> str:
    """The loss as the user wrote it: ``nn.CrossEntropyLoss`` or ``sparse_categorical_crossentropy(from_logits=True)``."""
    name, logits = ev.model.loss_name, ev.model.loss_from_logits
    if ev.framework == "torch":
        return TORCH_LOSSES.get((name, logits), name)
    return f"{name}(from_logits={logits})" if name in PROBABILITY_LOSSES else name


def framework_error(ev: Evidence) -> str | None:
    """The framework's own message from the recorded run's exception ("Type: message").

    Multi-line errors (TensorFlow graph errors) end in tracebacks and node names: the last line
    that is neither is the message.
    """
    if not ev.run_error:
        return None
    kind = ev.run_error.split(":", 1)[0]
    lines = [line.strip() for line in ev.run_error.strip().splitlines()
             if line.strip() and not line.strip().startswith(("File ", "[[", "{{"))]
    if not lines:
        return None
    message = lines[-1] if lines[-1].startswith(kind) else f"{kind}: {lines[-1]}"
    return message.split("  ")[0][:MAX_QUOTE].rstrip(".")  # TF appends "  Label values: ..." after two spaces


def run_loss(ev: Evidence) -> dict:
    """First/last epoch loss and the lowest step loss of the recorded run (empty without one)."""
    if ev.run is None or not ev.run.epoch_train_loss:
        return {}
    steps = np.asarray(ev.run.loss, dtype=float)
    return {"first_epoch_loss": ev.run.epoch_train_loss[0], "last_epoch_loss": ev.run.epoch_train_loss[-1],
            "min_step_loss": float(np.nanmin(steps)) if np.isfinite(steps).any() else None,
            "steps": ev.run.steps}


def shape_text(per_sample: tuple[int, ...]) -> str:
    """(N, 1) / (N,) / (N, 3) for a per-sample shape."""
    return "(N,)" if not per_sample else "(N, " + ", ".join(str(d) for d in per_sample) + ")"


def value_range(values) -> tuple[float, float] | None:
    a = np.asarray(values, dtype=np.float64)
    a = a[np.isfinite(a)]
    return (float(a.min()), float(a.max())) if a.size else None


def learned_despite_it(ev: Evidence) -> bool:
    """The trained copy beats the majority class and its loss left the no-learning level."""
    if ev.run is None or not ev.run.epoch_train_loss or not learned(ev.trained_val, ev.task):
        return False
    return not (ev.baseline_loss and ev.run.epoch_train_loss[-1] >= STALLED * ev.baseline_loss)


def equal_to_one(values) -> np.ndarray:
    """Which values are 1 up to float32 rounding: a softmax over one unit gives exactly 1.0 in
    PyTorch and 0.99999994 for some inputs in Keras 3.15.1 (exp(x) / sum rounded)."""
    return np.abs(np.asarray(values, dtype=np.float64) - 1.0) <= ONE_TOLERANCE
