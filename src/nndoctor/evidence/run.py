"""RunRecord: what happened, step by step, while a copy of the model trained."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class LayerActivity:
    """Activation statistics of one layer's output on the fixed probe batch."""

    mean: float
    std: float
    dead_fraction: float | None  # units that are 0 for every probe sample (ReLU-like layers)
    saturated_fraction: float | None  # outputs at a sigmoid/tanh rail (|tanh|>0.99, sigmoid<0.01 or >0.99)
    spread: float | None = None  # how much the output varies with the input: per-unit std over samples, averaged
    activation: str | None = None  # the nonlinearity this output has passed through (None: a linear output)


@dataclass
class ProbeSnapshot:
    """The model seen through the probe batch at one step."""

    step: int
    layers: dict[str, LayerActivity]
    mean_entropy: float | None
    predicted_histogram: list[int] | None


@dataclass
class RunRecord:
    """One recorded training run of a copy of the user's model.

    Per step: ``loss`` (the batch loss) and ``lr``. Per recorded step (``grad_steps``): the
    gradient norm and the update/weight ratio of each layer. ``epoch_train_loss``: the mean
    batch loss of each epoch. At the epochs in ``eval_epochs`` (0 = before training) the copy is
    scored in inference mode: train/validation loss and metric (accuracy for classification,
    R^2 for regression). ``probes`` holds the probe-batch snapshots. ``final_val_outputs`` are
    the raw outputs on the validation data after training.
    """

    lr_used: float | None
    epochs: int
    steps_per_epoch: int
    loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_steps: list[int] = field(default_factory=list)
    grad_norm: dict[str, list[float]] = field(default_factory=dict)
    update_ratio: dict[str, list[float]] = field(default_factory=dict)
    epoch_train_loss: list[float] = field(default_factory=list)
    eval_epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    probes: list[ProbeSnapshot] = field(default_factory=list)
    final_val_outputs: np.ndarray | None = None
    final_train_outputs: np.ndarray | None = None
    final_weights: list[np.ndarray | None] = field(default_factory=list)
    stopped_early: str | None = None
    seconds: float = 0.0

    @property
    def steps(self) -> int:
        return len(self.loss)

    @property
    def nonfinite_step(self) -> int | None:
        """First step whose loss was NaN or infinite."""
        bad = np.flatnonzero(~np.isfinite(np.asarray(self.loss, dtype=float)))
        return int(bad[0]) if bad.size else None

    def to_dict(self, max_points: int = 400) -> dict:
        stride = max(1, len(self.loss) // max_points)
        return {
            "lr_used": self.lr_used,
            "epochs": self.epochs,
            "steps_per_epoch": self.steps_per_epoch,
            "steps": self.steps,
            "loss": _clean(self.loss[::stride]),
            "lr": _clean(self.lr[::stride]),
            "step_stride": stride,
            "epoch_train_loss": _clean(self.epoch_train_loss),
            "eval_epochs": self.eval_epochs,
            "train_loss": _clean(self.train_loss),
            "val_loss": _clean(self.val_loss),
            "train_metric": _clean(self.train_metric),
            "val_metric": _clean(self.val_metric),
            "grad_steps": self.grad_steps,
            "grad_norm": {k: _clean(v) for k, v in self.grad_norm.items()},
            "update_ratio": {k: _clean(v) for k, v in self.update_ratio.items()},
            "stopped_early": self.stopped_early,
            "seconds": self.seconds,
        }


def _clean(values) -> list:
    """JSON-safe floats: NaN and infinities become None."""
    return [float(v) if v is not None and np.isfinite(v) else None for v in values]
