"""DataProfile: sizes, labels, scales, missing values and ordering of a data set."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np


@dataclass
class DataProfile:
    """Facts about one data set (training or evaluation).

    ``labels`` are integer class labels for classification (decoded from one-hot), else None.
    ``label_run_fraction`` is the share of neighbouring samples with the same label: about
    ``sum(p_k^2)`` for shuffled data, near 1 for data sorted by class.
    """

    n: int
    feature_shape: tuple[int, ...]
    n_nonfinite_x: int
    nonfinite_features: list[int]
    n_nonfinite_y: int
    labels: np.ndarray | None
    class_counts: list[int] | None
    feature_abs_mean_max: float
    feature_std_max: float
    feature_std_min: float
    target_mean: float | None
    target_std: float | None
    label_run_fraction: float | None
    expected_run_fraction: float | None
    # per flattened input feature, over finite values; per class as (classes, features) rows
    # (NaN for an absent class; None for regression or more than MAX_CLASS_STATS values)
    feature_mean: np.ndarray | None = None
    feature_std: np.ndarray | None = None
    class_feature_mean: np.ndarray | None = None
    class_feature_std: np.ndarray | None = None
    targets: np.ndarray | None = field(default=None, repr=False)  # y as given (any task)
    n_distinct: int | None = None  # distinct (input, target) rows: fewer than n when rows repeat
    # correlations between flattened features, one (features, features) matrix per class for
    # classification (a single one for regression), so that a different class mix does not
    # change them; NaN where a class has under MIN_CORRELATION_ROWS rows or a feature is constant.
    # None for a single feature or when classes x features^2 exceeds MAX_CORRELATION_VALUES.
    # ``correlation_rows``: the rows behind each matrix
    feature_correlation: np.ndarray | None = field(default=None, repr=False)
    correlation_rows: list[int] | None = None

    @property
    def target_shape(self) -> tuple[int, ...] | None:
        """One sample's target shape: () for (N,) targets, (1,) for (N, 1), (C,) for one-hot."""
        return None if self.targets is None else tuple(self.targets.shape[1:])

    @property
    def integer_targets(self) -> bool | None:
        """Whether every finite target is a whole number (class indices or one-hot)."""
        if self.targets is None:
            return None
        finite = self.targets[np.isfinite(self.targets)]
        return bool(finite.size == 0 or np.abs(finite - np.rint(finite)).max() <= 1e-6)

    @property
    def majority_share(self) -> float | None:
        if not self.class_counts:
            return None
        return max(self.class_counts) / max(sum(self.class_counts), 1)

    @property
    def min_class_count(self) -> int | None:
        present = [c for c in (self.class_counts or []) if c > 0]
        return min(present) if present else None

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "feature_shape": list(self.feature_shape),
            "n_nonfinite_x": self.n_nonfinite_x,
            "nonfinite_features": self.nonfinite_features[:20],
            "n_nonfinite_y": self.n_nonfinite_y,
            "class_counts": self.class_counts,
            "majority_share": self.majority_share,
            "feature_abs_mean_max": self.feature_abs_mean_max,
            "feature_std_max": self.feature_std_max,
            "feature_std_min": self.feature_std_min,
            "target_mean": self.target_mean,
            "target_std": self.target_std,
            "label_run_fraction": self.label_run_fraction,
        }


MAX_CLASSES = 20  # whole-number targets with at most this many values (or output units) look like classes


def class_indices(targets: np.ndarray, max_classes: int = MAX_CLASSES) -> bool:
    """Targets that are exactly 0..K-1 with 3 <= K <= ``max_classes``: class indices or an
    ordered amount (0/1 under MSE is a fair probability model)."""
    values = np.unique(targets)
    return 3 <= values.size <= max_classes and np.array_equal(values, np.arange(values.size))


SPARSE_CLASS = 2  # a median of this many training samples per value: an amount, not classes


def amount_like(targets: np.ndarray) -> bool:
    """Whole-number targets (the finite ones) that read as an amount (a score, a count) rather than class labels:
    more than `MAX_CLASSES` distinct values, the median one held by at most `SPARSE_CLASS`
    samples. No classifier learns a class from one or two examples; a regression does."""
    flat = np.asarray(targets, dtype=np.float64).reshape(-1)
    values, counts = np.unique(flat[np.isfinite(flat)], return_counts=True)
    return values.size > MAX_CLASSES and float(np.median(counts)) <= SPARSE_CLASS


def decode_labels(y: np.ndarray) -> np.ndarray:
    """Integer class labels from integer, (N, 1) or one-hot (N, C) targets."""
    y = np.asarray(y)
    if len(y) == 0:
        return np.zeros(0, dtype=int)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(int)
    return np.rint(y.reshape(len(y), -1)[:, 0]).astype(int)


def profile_data(x: np.ndarray, y: np.ndarray, task: str, n_classes: int | None) -> DataProfile:
    """Measure ``x``/``y``. ``task`` is "classification" or "regression"."""
    n = len(x)
    flat = x.reshape(n, -1).astype(np.float64, copy=False)
    finite_x = np.isfinite(flat)
    y_flat = np.asarray(y, dtype=np.float64).reshape(n, -1)
    finite_y_rows = np.isfinite(y_flat).all(axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a feature that is NaN in every row
        col_mean = np.nanmean(np.where(finite_x, flat, np.nan), axis=0) if n else np.zeros(0)
        col_std = np.nanstd(np.where(finite_x, flat, np.nan), axis=0) if n else np.zeros(0)
    col_mean = np.nan_to_num(col_mean)
    col_std = np.nan_to_num(col_std)
    nonconstant = col_std[col_std > 0]

    labels = counts = run_fraction = expected_run = None
    target_mean = target_std = None
    if task == "classification":
        labels = np.full(n, -1)
        # every label the user gave, whatever its features hold (NaN features are DA001's finding)
        labels[finite_y_rows] = decode_labels(y[finite_y_rows])
        valid = labels[labels >= 0]
        size = max(int(n_classes or 0), int(valid.max()) + 1 if valid.size else 0)
        counts = np.bincount(valid, minlength=size).tolist()
        if n > 1:
            run_fraction = float(np.mean(labels[1:] == labels[:-1]))
            shares = np.asarray(counts) / max(sum(counts), 1)
            expected_run = float(np.sum(shares ** 2))
    else:
        finite_y = y_flat[np.isfinite(y_flat).all(axis=1)]
        if finite_y.size:
            target_mean = float(finite_y.mean())
            target_std = float(finite_y.std())

    return DataProfile(
        n=n,
        feature_shape=tuple(x.shape[1:]),
        n_nonfinite_x=int((~finite_x).any(axis=1).sum()),
        nonfinite_features=np.flatnonzero((~finite_x).any(axis=0)).tolist(),
        n_nonfinite_y=int((~np.isfinite(y_flat)).any(axis=1).sum()),
        labels=labels,
        class_counts=counts,
        feature_abs_mean_max=float(np.abs(col_mean).max()) if col_mean.size else 0.0,
        feature_std_max=float(nonconstant.max()) if nonconstant.size else 0.0,
        feature_std_min=float(nonconstant.min()) if nonconstant.size else 0.0,
        target_mean=target_mean,
        target_std=target_std,
        label_run_fraction=run_fraction,
        expected_run_fraction=expected_run,
        feature_mean=col_mean,
        feature_std=col_std,
        **_class_feature_stats(flat, finite_x, labels, counts),
        targets=np.asarray(y),
        n_distinct=len({hash(row.tobytes()) for row in np.hstack([flat, y_flat])}),
        **_feature_correlation(flat, finite_x.all(axis=1), labels),
    )


MAX_CORRELATION_VALUES = 2_000_000
MIN_CORRELATION_ROWS = 10


def _feature_correlation(flat, finite_rows, labels) -> dict:
    """Per class (or overall) correlation matrices of the features, over rows without NaN."""
    n_groups = 1 if labels is None else int(labels.max()) + 1 if (labels >= 0).any() else 0
    if flat.shape[1] < 2 or n_groups == 0 or n_groups * flat.shape[1] ** 2 > MAX_CORRELATION_VALUES:
        return {}
    groups = np.zeros(len(flat), dtype=int) if labels is None else labels
    corr = np.full((n_groups, flat.shape[1], flat.shape[1]), np.nan)
    rows = []
    for k in range(n_groups):
        members = finite_rows & (groups == k)
        rows.append(int(members.sum()))
        if rows[-1] >= MIN_CORRELATION_ROWS:
            with np.errstate(all="ignore"):
                corr[k] = np.corrcoef(flat[members], rowvar=False)  # NaN for constant features
    return {"feature_correlation": corr, "correlation_rows": rows}


MAX_CLASS_STATS = 2_000_000  # classes x features kept per profile


def _class_feature_stats(flat, finite_x, labels, counts) -> dict:
    """Per-class feature means and stds (NaN rows for classes without samples)."""
    if labels is None or not counts or len(counts) * flat.shape[1] > MAX_CLASS_STATS:
        return {}
    means = np.full((len(counts), flat.shape[1]), np.nan)
    stds = np.full_like(means, np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a feature that is NaN for a whole class
        for k in np.flatnonzero(counts):
            rows = np.where(finite_x[labels == k], flat[labels == k], np.nan)
            means[k], stds[k] = np.nanmean(rows, axis=0), np.nanstd(rows, axis=0)
    return {"class_feature_mean": means, "class_feature_std": stds}
