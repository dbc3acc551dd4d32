"""The order in which a training loop fed its labels: long runs of one class, and batches that
hold one class only, are the marks of data in class order (RUN006 reads them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PURE_BATCH = 4
"""Batches smaller than this say nothing about the order of the data (a batch of 1 is always one class)."""


def class_labels(y: np.ndarray) -> np.ndarray | None:
    """A batch's targets as integer class labels (one-hot rows by their argmax); None for
    targets that are not class labels (continuous values, many distinct values)."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    flat = y.reshape(len(y), -1) if y.ndim else y.reshape(1, -1)
    if flat.shape[1] != 1:
        return None
    flat = flat[:, 0]
    if np.issubdtype(flat.dtype, np.integer):
        return flat.astype(np.int64)
    whole = np.issubdtype(flat.dtype, np.floating) and np.all(np.isfinite(flat)) and np.array_equal(flat, np.rint(flat))
    return flat.astype(np.int64) if whole else None


@dataclass
class LabelOrder:
    """Counts over the stream of training labels, batch after batch, in the order fed."""

    pairs: int = 0  # neighbouring training labels ...
    same: int = 0  # ... and those that share their label
    batches_judged: int = 0  # training batches of MIN_PURE_BATCH+ class labels ...
    batches_one_class: int = 0  # ... and those that held a single class
    last: int | None = None

    def note(self, y) -> None:
        """Count one training batch's targets (ignored when they are not class labels)."""
        labels = class_labels(np.asarray(y))
        if labels is None or not len(labels):
            return
        stream = labels if self.last is None else np.concatenate([[self.last], labels])
        self.pairs += len(stream) - 1
        self.same += int((stream[1:] == stream[:-1]).sum())
        self.last = int(labels[-1])
        if len(labels) < MIN_PURE_BATCH:
            return
        self.batches_judged += 1
        self.batches_one_class += bool((labels == labels[0]).all())

    @property
    def run_fraction(self) -> float | None:
        """The share of neighbouring labels that agree (None before any pair)."""
        return self.same / self.pairs if self.pairs else None
