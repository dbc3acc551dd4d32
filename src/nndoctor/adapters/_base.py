"""The adapter protocol: the only code that touches a framework.

An adapter profiles a model, predicts with it, and trains *copies* of it while recording a
`RunRecord`. It measures; it never decides. Everything it touches on the user's model (mode,
RNG state) is restored before it returns.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..evidence.model import ModelProfile
from ..evidence.outputs import summarize_predictions, to_probabilities
from ..evidence.run import LayerActivity, ProbeSnapshot

SATURATING = {"sigmoid", "tanh", "softmax", "hard_sigmoid"}
RELU_LIKE = {"relu", "relu6", "elu", "selu", "gelu", "silu", "leaky_relu"}


@dataclass
class TrainSpec:
    """How to train a copy: data, length, and what to record.

    ``lr=None`` keeps the model's own learning rate. ``time_limit`` (seconds) stops training
    early; the record says so in ``stopped_early``. ``reinit`` replaces the starting weights by a
    standard init (`standard_init`) before training. ``record=False`` skips gradient and probe
    recording (control runs only need the loss and metrics). ``clip_norm`` clips the
    global gradient norm before each step; ``unfreeze`` makes every parameter trainable and
    builds the optimizer over all of them (frozen layers and a mis-built optimizer undone).
    ``shuffle=False`` trains on the batches in the data's own order, every epoch.
    ``clear_grads=False`` never clears the gradients between steps, as a PyTorch loop without
    ``zero_grad()`` (Keras clears them itself and ignores it).
    ``lr_schedule`` sets the learning rate before every step (`scheduled_lr`; an LR range test
    sweeps it); ``stop_divergence`` ends training mid-epoch once the smoothed loss passes that
    multiple of its best (`DivergenceWatch`). Without them the rate is the optimizer's own.
    """

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str
    n_classes: int
    epochs: int
    batch_size: int
    seed: int = 0
    lr: float | None = None
    probe_x: np.ndarray | None = None
    time_limit: float | None = None
    record: bool = True
    reinit: bool = False
    target_scale: tuple | None = None  # (mean, std) when y was standardized for this run
    clip_norm: float | None = None  # clip the global gradient norm to this before each step
    unfreeze: bool = False  # train every parameter, with an optimizer over all of them
    shuffle: bool = True  # False: every epoch takes the batches in the data's own order
    clear_grads: bool = True  # False (PyTorch): gradients are never cleared, they add up step after step
    # the inputs were standardized for this run: a Keras copy's own input Normalization layer
    # passes them through unchanged instead of normalizing them a second time
    inputs_standardized: bool = False
    # per-step learning rate: (start, end), exponential over total_steps, or a function step -> lr
    lr_schedule: tuple | Callable | None = None
    stop_divergence: float | None = None  # stop once the smoothed batch loss > this x its best
    max_eval_points: int = 60
    max_grad_records: int = 200
    n_probes: int = 8

    @property
    def steps_per_epoch(self) -> int:
        return max(1, math.ceil(len(self.x) / self.batch_size))

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def eval_epochs(self) -> list[int]:
        """Epochs after which the copy is scored (0 = before training), at most max_eval_points."""
        stride = max(1, math.ceil(self.epochs / self.max_eval_points))
        marks = list(range(0, self.epochs + 1, stride))
        return marks if marks[-1] == self.epochs else marks + [self.epochs]

    def grad_every(self) -> int:
        return max(1, self.total_steps // self.max_grad_records)

    def probe_steps(self) -> set[int]:
        return set(np.linspace(0, max(self.total_steps - 1, 0), self.n_probes).round().astype(int).tolist())


class Adapter(ABC):
    """A model of one framework, seen through one interface."""

    framework: str = ""

    @abstractmethod
    def profile(self) -> ModelProfile:
        """Structure, weights (as numpy), loss and optimizer set-up of the user's model."""

    @abstractmethod
    def predict(self, x: np.ndarray) -> np.ndarray:
        """Raw outputs of the user's model in inference mode, as numpy; its mode is restored."""

    @abstractmethod
    def predict_as_called(self, x: np.ndarray, repeats: int = 2) -> list[np.ndarray]:
        """Outputs of ``repeats`` plain calls, as the user's own prediction code makes them
        (torch: the model in its current train/eval mode; Keras: ``model(x)`` with no training
        flag). Run on a copy with a fixed seed: no state of the user's changes."""

    @abstractmethod
    def predict_batch_statistics(self, x: np.ndarray) -> np.ndarray:
        """Outputs in inference mode except that batch-norm layers normalize with the statistics
        of the batch (all of ``x``) instead of their running ones. Run on a copy."""

    @abstractmethod
    def loss_value(self, x: np.ndarray, y: np.ndarray) -> float:
        """Mean loss of the user's model on (x, y) in inference mode."""

    @abstractmethod
    def perfect_prediction_loss(self, y: np.ndarray, output_shape: tuple) -> tuple[float, float]:
        """The user's loss on outputs equal to the targets ``y`` (reshaped to the per-sample
        ``output_shape``): against ``y`` as given, and against ``y`` in the outputs' shape. A
        loss that pairs each output with its own target scores both alike (0 for a distance);
        one that broadcasts (N, 1) against (N,) compares every output with every target."""

    @abstractmethod
    def train_copy(self, spec: TrainSpec):
        """Train a copy with the user's starting weights; return its `RunRecord`."""

    @abstractmethod
    def state_fingerprint(self) -> dict:
        """Everything of the user's that a diagnosis must leave unchanged, as numpy/python values.

        Used by tests (and by the engine in debug runs) to prove nothing was touched.
        """


def score(outputs: np.ndarray, y: np.ndarray, spec: TrainSpec, profile: ModelProfile,
          labels: np.ndarray | None) -> float:
    """Accuracy (classification) or R^2 (regression) of raw outputs; NaN where undefined."""
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    if spec.task == "classification":
        probs = to_probabilities(np.nan_to_num(out), profile.output_activation, profile.loss_name)
        return float(np.mean(np.argmax(probs, axis=1) == labels)) if len(out) else math.nan
    target = np.asarray(y, dtype=np.float64).reshape(len(out), -1)
    if target.shape != out.shape or not np.isfinite(out).all():
        return math.nan
    ss_tot = float(((target - target.mean(axis=0)) ** 2).sum())
    return 1.0 - float(((target - out) ** 2).sum()) / ss_tot if ss_tot > 0 else math.nan


def layer_activity(values: np.ndarray, activation: str | None) -> LayerActivity:
    """Statistics of one layer's probe-batch output."""
    a = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    finite = a[np.isfinite(a).all(axis=1)] if a.size else a
    if finite.size == 0:
        return LayerActivity(math.nan, math.nan, None, None, None, activation)
    dead = saturated = None
    if activation in RELU_LIKE:
        dead = float(np.mean(np.all(finite <= 0, axis=0)))
    if activation == "tanh":
        saturated = float(np.mean(np.abs(finite) > 0.99))
    elif activation in {"sigmoid", "hard_sigmoid"}:
        saturated = float(np.mean((finite < 0.01) | (finite > 0.99)))
    spread = float(finite.std(axis=0).mean()) if len(finite) > 1 else None
    return LayerActivity(float(finite.mean()), float(finite.std()), dead, saturated, spread, activation)


def probe_snapshot(step: int, activations: dict[str, tuple[np.ndarray, str | None]],
                   outputs: np.ndarray, spec: TrainSpec, profile: ModelProfile) -> ProbeSnapshot:
    """A probe-batch snapshot from per-layer activations ``{name: (values, activation)}``."""
    layers = {name: layer_activity(v, act) for name, (v, act) in activations.items()}
    entropy = hist = None
    if spec.task == "classification":
        labels = np.zeros(len(outputs), dtype=int)
        s = summarize_predictions(outputs, labels, task="classification", n_classes=spec.n_classes,
                                  output_activation=profile.output_activation,
                                  loss_name=profile.loss_name, labels=labels)
        entropy, hist = s.mean_entropy, s.predicted_histogram
    return ProbeSnapshot(step, layers, entropy, hist)


def scheduled_lr(spec: TrainSpec, step: int) -> float | None:
    """The learning rate of ``step`` under ``spec.lr_schedule`` (None without a schedule)."""
    schedule = spec.lr_schedule
    if schedule is None:
        return None
    if callable(schedule):
        return float(schedule(step))
    start, end = float(schedule[0]), float(schedule[1])
    last = max(spec.total_steps - 1, 1)
    return start * (end / start) ** (min(step, last) / last)


class DivergenceWatch:
    """Stops an LR sweep as fastai's ``lr_find`` does: once the smoothed batch loss (a
    debiased exponential moving average, ``beta`` 0.98) exceeds ``factor`` x its best, or a
    batch loss is NaN/inf. ``reason`` says why, once it has."""

    def __init__(self, factor: float, beta: float = 0.98):
        self.factor, self.beta = factor, beta
        self.avg, self.best, self.n, self.reason = 0.0, math.inf, 0, None

    def update(self, loss: float, step: int) -> bool:
        """Feed one batch loss; True once training should stop."""
        if not math.isfinite(loss):
            self.reason = f"loss became NaN/inf at step {step}: stopped"
            return True
        self.n += 1
        self.avg = self.beta * self.avg + (1 - self.beta) * loss
        smoothed = self.avg / (1 - self.beta ** self.n)
        if smoothed > self.factor * self.best:
            self.reason = (f"diverged at step {step}: smoothed loss {smoothed:.4g} > "
                           f"{self.factor:g} x its best {self.best:.4g}")
            return True
        self.best = min(self.best, smoothed)
        return False


def divergence_watch(spec: TrainSpec) -> DivergenceWatch | None:
    return None if spec.stop_divergence is None else DivergenceWatch(spec.stop_divergence)


def stop_reason(spec: TrainSpec, record, elapsed: float, epoch: int) -> str | None:
    """Why training should stop after this epoch: the time limit, or a loss gone NaN/inf
    (every later step would be NaN too; stopping saves the rest of the budget)."""
    if record.epoch_train_loss and not math.isfinite(record.epoch_train_loss[-1]):
        step = record.nonfinite_step
        return f"loss became NaN/inf at step {step}; stopped after epoch {epoch}"
    if spec.time_limit is not None and elapsed > spec.time_limit:
        return f"time limit {spec.time_limit:.0f}s reached after epoch {epoch}"
    return None


def update_ratio(before: np.ndarray, after: np.ndarray) -> float:
    """||after - before|| / ||before||: the relative size of one update."""
    with np.errstate(all="ignore"):
        norm = float(np.linalg.norm(before))
        delta = float(np.linalg.norm(after - before))
    return delta / norm if norm > 0 else (math.inf if delta > 0 else 0.0)


def standard_init(fan_in: int, fan_out: int, activation: str | None,
                  rng: np.random.Generator) -> np.ndarray:
    """A (fan_in, fan_out) kernel from the init a careful user would pick: He normal for
    ReLU-like layers, Glorot uniform otherwise."""
    if activation in RELU_LIKE:
        return rng.normal(0.0, math.sqrt(2.0 / max(fan_in, 1)), size=(fan_in, fan_out))
    limit = math.sqrt(6.0 / max(fan_in + fan_out, 1))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
