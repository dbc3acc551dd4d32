"""Reading a model's raw outputs: probabilities, predicted classes, and how they score."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scipy.stats import norm

from .stats import AccuracyReport, accuracy_report


def to_probabilities(outputs: np.ndarray, output_activation: str | None, loss_name: str) -> np.ndarray:
    """(N, C) class probabilities from raw outputs, whatever the output layer emits.

    Outputs that already are probabilities (softmax/sigmoid layer, or values that look like
    them) are kept; log-probabilities (``nll``) are exponentiated; anything else is logits.
    """
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    with np.errstate(all="ignore"):
        if out.shape[1] == 1:
            looks_like_p = np.all((out >= 0) & (out <= 1))
            p1 = out[:, 0] if (output_activation in {"sigmoid", "softmax"} or looks_like_p) \
                else 1.0 / (1.0 + np.exp(-out[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        if loss_name == "nll" or output_activation == "log_softmax":
            return np.exp(out)
        rows_sum_to_one = np.allclose(out.sum(axis=1), 1.0, atol=1e-3) and np.all(out >= 0)
        if output_activation == "softmax" or rows_sum_to_one:
            return out
        shifted = out - out.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)


BALANCED_P = 0.01


@dataclass
class PredictionSummary:
    """What a set of predictions says about the model that made them."""

    accuracy: AccuracyReport | None
    predicted_histogram: list[int] | None
    per_class_recall: list[float | None] | None
    mean_entropy: float | None  # mean prediction entropy / ln(C): 1 = uniform, 0 = certain
    all_outputs_equal: bool
    nonfinite_outputs: int
    loss: float | None = None
    r2: float | None = None
    rmse: float | None = None
    balanced_accuracy: float | None = None  # mean recall over the classes present
    p_balanced_vs_chance: float | None = None  # one-sided test of balanced accuracy > 1/k, k classes present

    @property
    def learned_something(self) -> bool:
        """Better than a model that learned nothing: accuracy above the majority share (a
        binomial test), or, where one class dominates and accuracy hides what the model does
        for the others (class weights trade majority accuracy for minority recall), balanced
        accuracy above 1/k (k classes present) at p < 0.01, which no constant prediction reaches."""
        if self.accuracy is not None and self.accuracy.better_than_majority:
            return True
        return self.p_balanced_vs_chance is not None and self.p_balanced_vs_chance < BALANCED_P

    def to_dict(self) -> dict:
        return {
            "accuracy": self.accuracy.to_dict() if self.accuracy else None,
            "predicted_histogram": self.predicted_histogram,
            "per_class_recall": self.per_class_recall,
            "mean_entropy": self.mean_entropy,
            "all_outputs_equal": self.all_outputs_equal,
            "nonfinite_outputs": self.nonfinite_outputs,
            "loss": self.loss,
            "r2": self.r2,
            "rmse": self.rmse,
            "balanced_accuracy": self.balanced_accuracy,
        }


def summarize_predictions(outputs: np.ndarray, y: np.ndarray, *, task: str, n_classes: int,
                          output_activation: str | None, loss_name: str,
                          labels: np.ndarray | None = None, majority: float | None = None,
                          loss: float | None = None) -> PredictionSummary:
    """Score ``outputs`` against ``y``. ``labels`` are the decoded class labels of ``y``."""
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    nonfinite = int((~np.isfinite(out)).any(axis=1).sum())
    finite = out[np.isfinite(out).all(axis=1)]
    all_equal = bool(len(finite) < 2 or np.std(finite, axis=0).max() < 1e-7)
    if task == "regression":
        target = np.asarray(y, dtype=np.float64).reshape(len(out), -1)
        ok = np.isfinite(out).all(axis=1) & np.isfinite(target).all(axis=1)
        r2 = rmse = None
        if ok.sum() > 1 and target.shape == out.shape:
            resid = target[ok] - out[ok]
            ss_tot = float(((target[ok] - target[ok].mean(axis=0)) ** 2).sum())
            r2 = 1.0 - float((resid ** 2).sum()) / ss_tot if ss_tot > 0 else None
            rmse = float(np.sqrt((resid ** 2).mean()))
        return PredictionSummary(None, None, None, None, all_equal, nonfinite, loss, r2, rmse)

    probs = to_probabilities(np.nan_to_num(out, nan=0.0), output_activation, loss_name)
    pred = np.argmax(probs, axis=1)
    valid = labels >= 0
    hist = np.bincount(pred, minlength=n_classes).tolist()
    recall = []
    for k in range(n_classes):
        mask = valid & (labels == k)
        recall.append(float(np.mean(pred[mask] == k)) if mask.any() else None)
    with np.errstate(all="ignore"):
        p = np.clip(probs, 1e-12, 1.0)
        entropy = float(np.mean(-(p * np.log(p)).sum(axis=1)) / np.log(max(n_classes, 2)))
    acc = accuracy_report(labels[valid], pred[valid], n_classes, majority=majority)
    counts = [int(np.sum(valid & (labels == k))) for k in range(n_classes)]
    balanced, z = balanced_accuracy_test(recall, counts)
    return PredictionSummary(acc, hist, recall, entropy, all_equal, nonfinite, loss, balanced_accuracy=balanced,
                             p_balanced_vs_chance=None if z is None else float(norm.sf(z)))


def balanced_accuracy_test(recall: list[float | None], counts: list[int]):
    """(balanced accuracy, its z-score against 1/k), over the k classes present; a normal
    approximation whose per-class variances use (hits + 0.5) / (n + 1), so that a recall of 0
    or 1 on few samples is not taken as certain. (None, None) with fewer than 2 classes present."""
    present = [(r, n) for r, n in zip(recall, counts) if r is not None and n > 0]
    if len(present) < 2:
        return None, None
    k = len(present)
    value = float(np.mean([r for r, _ in present]))
    shrunk = [(r * n + 0.5) / (n + 1) for r, n in present]
    se = float(np.sqrt(sum(q * (1 - q) / n for q, (_, n) in zip(shrunk, present)))) / k
    z = (value - 1.0 / k) / se if se > 0 else 0.0  # a constant prediction scores 1/k
    return value, float(z)
