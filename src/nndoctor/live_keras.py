"""Live mode for Keras: a callback that warns while ``fit`` runs and diagnoses at the end.

    >>> from nndoctor.live_keras import DiagnosisCallback
    >>> model.fit(x, y, epochs=20, callbacks=[DiagnosisCallback(x, y)])

Importing this module imports Keras (``import nndoctor`` alone does not).
"""

from __future__ import annotations

import math
import sys

import keras

DIVERGENCE_FACTOR = 10.0
"""Warn when the batch loss climbs to this many times its best value so far."""
WARMUP_STEPS = 20
EVERY_STEP_UNTIL, CHECK_EVERY = 20, 10  # batches read: all of the first 20, then every 10th
"""No divergence warning before this many steps: the first losses are noisy."""


class DiagnosisCallback(keras.callbacks.Callback):
    """Warn as soon as a problem shows; run `nndoctor.diagnose` on the model when training ends.

    Warnings (each printed once, with the step; the batch loss is read at each of the first 20
    batches, then at every 10th, so a warning comes at most 10 steps late): the loss is NaN/inf (``lr-too-high`` or
    ``nan-in-data``), the loss diverged to ``DIVERGENCE_FACTOR`` times its best
    (``lr-too-high``), the loss did not change at all over the first epoch
    (``parameters-not-updating``).

    Args:
        x, y: the training data, for the final diagnosis (Keras does not show a callback the
            data). Without them, only the live warnings are given.
        validation_data: ``(x_val, y_val)`` for the final diagnosis.
        diagnose_at_end: run ``diagnose`` in ``on_train_end`` (default True when ``x`` is given).
        budget: the diagnosis' budget (default ``"quick"``).
        stream: where to print (default stderr).
    """

    # Keras may run the batch hooks in a worker thread instead of waiting for each batch's loss
    # (measured: +11% fit time on a small MLP without this, within noise with it)
    async_safe = True

    def __init__(self, x=None, y=None, *, validation_data=None, diagnose_at_end=None,
                 budget="quick", stream=None):
        super().__init__()
        self.x, self.y, self.validation_data = x, y, validation_data
        self.diagnose_at_end = (x is not None) if diagnose_at_end is None else diagnose_at_end
        self.budget = budget
        self.stream = stream
        self.warnings: list[dict] = []
        self.diagnosis = None
        self.step = 0
        self.best = math.inf
        self._first_losses: list[float] = []

    def _warn(self, cause: str, message: str) -> None:
        if any(w["cause"] == cause for w in self.warnings):
            return
        self.warnings.append({"step": self.step, "cause": cause, "message": message})
        print(f"nndoctor: step {self.step}: {message}", file=self.stream or sys.stderr, flush=True)

    def on_train_begin(self, logs=None):
        self.step, self.best, self._first_losses = 0, math.inf, []

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        loss = (logs or {}).get("loss")
        if loss is None or not (self.step <= EVERY_STEP_UNTIL or self.step % CHECK_EVERY == 0):
            return
        loss = float(loss)
        if not math.isfinite(loss):
            self._warn("lr-too-high", "loss is NaN — lr-too-high or nan-in-data" if math.isnan(loss)
                       else "loss is infinite — lr-too-high or nan-in-data")
            return
        if self.step > WARMUP_STEPS and self.best > 0 and loss > DIVERGENCE_FACTOR * self.best:
            self._warn("lr-too-high", f"loss {loss:.4g} is {loss / self.best:.0f}x its best "
                       f"({self.best:.4g}): diverging — lr-too-high")
        self.best = min(self.best, loss)

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None:
            self._first_losses.append(float(loss))
        if len(self._first_losses) == 2 and self._first_losses[0] == self._first_losses[1]:
            self._warn("parameters-not-updating", f"loss {self._first_losses[0]:.4g} identical in "
                       "the first two epochs — parameters-not-updating (frozen layers or lr=0?)")

    def on_train_end(self, logs=None):
        if not self.diagnose_at_end or self.x is None:
            return
        from .diagnosis import diagnose

        self.diagnosis = diagnose(self.model, self.x, self.y, validation_data=self.validation_data,
                                  budget=self.budget, verbose=0)
        from rich.console import Console

        self.diagnosis.show(Console(file=self.stream or sys.stderr))
