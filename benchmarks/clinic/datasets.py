"""The clinic's data: only what ships offline with scikit-learn.

Real data sets (digits, iris, wine, breast_cancer) and generated ones (classification, moons,
circles, blobs, and two regressions: ``regression`` = make_regression, ``friedman`` =
make_friedman1). A generated set's size, noise and shape are drawn from the scenario's seed, so
no rule can be fitted to one fixture. ``load`` returns the raw features; ``split`` holds out a
stratified validation set and ``standardized`` scales both parts with the training statistics
(targets too, for regression), as a careful user would.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

CLASSIFICATION = ("digits", "iris", "wine", "breast_cancer", "classification", "moons", "circles", "blobs")
BINARY = ("breast_cancer", "moons", "circles", "classification")  # classification: 2 classes here
MULTICLASS = ("digits", "iris", "wine", "blobs", "classification")  # classification: 3-5 classes
REAL = ("digits", "iris", "wine", "breast_cancer")
RAW_SCALES = ("wine", "breast_cancer")  # raw features span several orders of magnitude
REGRESSION = ("regression", "friedman")
ALL = CLASSIFICATION + REGRESSION


@dataclass
class Data:
    """One user's data, split. ``image_shape`` is (8, 8) for digits, so a CNN can use it."""

    name: str
    task: str  # "classification" | "regression"
    n_classes: int  # 0 for regression
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    image_shape: tuple[int, int] | None = None

    @property
    def n_features(self) -> int:
        return int(np.prod(self.x_train.shape[1:]))

    def copy(self, **changes) -> Data:
        return replace(self, **changes)


def load(name: str, seed: int, *, binary: bool = False, multiclass: bool = False,
         **params) -> tuple[np.ndarray, np.ndarray, str, int]:
    """(x, y, task, n_classes) with raw features. ``params`` override a generated set's drawn
    parameters (n_samples, noise, class_sep, weights, n_features, ...)."""
    rng = np.random.default_rng(seed)
    n = int(params.pop("n_samples", rng.integers(400, 900)))
    if name == "digits":
        x, y = skd.load_digits(return_X_y=True)
    elif name == "iris":
        x, y = skd.load_iris(return_X_y=True)
    elif name == "wine":
        x, y = skd.load_wine(return_X_y=True)
    elif name == "breast_cancer":
        x, y = skd.load_breast_cancer(return_X_y=True)
    elif name == "classification":
        drawn_classes = rng.integers(3, 6) if multiclass else rng.integers(2, 5)
        n_classes = 2 if binary else int(params.pop("n_classes", drawn_classes))
        n_features = int(params.pop("n_features", rng.integers(8, 21)))
        drawn_informative = max(2, min(n_features, rng.integers(n_features // 2, n_features + 1)))
        informative = int(params.pop("n_informative", drawn_informative))
        x, y = skd.make_classification(
            n_samples=n, n_features=n_features, n_informative=informative, n_redundant=0,
            n_classes=n_classes, n_clusters_per_class=int(params.pop("n_clusters_per_class", 1)),
            class_sep=float(params.pop("class_sep", rng.uniform(1.2, 2.0))),
            flip_y=float(params.pop("flip_y", 0.0)), weights=params.pop("weights", None),
            random_state=int(rng.integers(2**31)))
    elif name == "moons":
        x, y = skd.make_moons(n_samples=n, noise=float(params.pop("noise", rng.uniform(0.1, 0.2))),
                              random_state=int(rng.integers(2**31)))
    elif name == "circles":
        x, y = skd.make_circles(n_samples=n, noise=float(params.pop("noise", rng.uniform(0.04, 0.08))),
                                factor=float(params.pop("factor", rng.uniform(0.4, 0.6))),
                                random_state=int(rng.integers(2**31)))
    elif name == "blobs":
        x, y = skd.make_blobs(n_samples=n, centers=int(params.pop("centers", rng.integers(3, 6))),
                              n_features=int(params.pop("n_features", rng.integers(2, 9))),
                              cluster_std=float(params.pop("cluster_std", rng.uniform(1.0, 2.0))),
                              random_state=int(rng.integers(2**31)))
    elif name == "regression":
        n_features = int(params.pop("n_features", rng.integers(5, 16)))
        x, y = skd.make_regression(n_samples=n, n_features=n_features,
                                   n_informative=max(2, n_features // 2),
                                   noise=float(params.pop("noise", rng.uniform(5.0, 20.0))),
                                   random_state=int(rng.integers(2**31)))
    elif name == "friedman":
        x, y = skd.make_friedman1(n_samples=n, n_features=int(params.pop("n_features", rng.integers(5, 11))),
                                  noise=float(params.pop("noise", rng.uniform(0.5, 1.5))),
                                  random_state=int(rng.integers(2**31)))
    else:
        raise ValueError(f"unknown data set {name!r}; known: {ALL}")
    if params:
        raise ValueError(f"unused parameters for {name}: {sorted(params)}")
    task = "regression" if name in REGRESSION else "classification"
    x = x.astype(np.float32)
    if task == "regression":
        return x, y.astype(np.float32).reshape(-1, 1), task, 0
    y = y.astype(np.int64)
    return x, y, task, int(y.max()) + 1


def split(name: str, x, y, task: str, n_classes: int, seed: int, val_fraction: float = 0.25) -> Data:
    """A shuffled hold-out split, stratified for classification."""
    stratify = y if task == "classification" and np.bincount(y).min() >= 2 else None
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=val_fraction, random_state=seed,
                                                      stratify=stratify)
    return Data(name, task, n_classes, x_train, y_train, x_val, y_val,
                image_shape=(8, 8) if name == "digits" else None)


def standardized(data: Data, targets: bool = True) -> Data:
    """Inputs (and regression targets) scaled with the training set's mean and std."""
    mean, std = data.x_train.mean(axis=0), data.x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    changes = {"x_train": ((data.x_train - mean) / std).astype(np.float32),
               "x_val": ((data.x_val - mean) / std).astype(np.float32)}
    if targets and data.task == "regression":
        y_mean, y_std = data.y_train.mean(), data.y_train.std() or 1.0
        changes["y_train"] = ((data.y_train - y_mean) / y_std).astype(np.float32)
        changes["y_val"] = ((data.y_val - y_mean) / y_std).astype(np.float32)
    return data.copy(**changes)


def min_max_scaled(data: Data) -> Data:
    """Inputs mapped to [0, 1] with the training set's range (a common, sound alternative)."""
    low, high = data.x_train.min(axis=0), data.x_train.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return data.copy(x_train=((data.x_train - low) / span).astype(np.float32),
                     x_val=((data.x_val - low) / span).astype(np.float32))


def prepared(name: str, seed: int, *, scaling: str = "standard", val_fraction: float = 0.25,
             **params) -> Data:
    """Load, split and scale (``"standard"``, ``"minmax"`` or ``"raw"``)."""
    x, y, task, n_classes = load(name, seed, **params)
    data = split(name, x, y, task, n_classes, seed, val_fraction)
    if scaling == "standard":
        return standardized(data)
    if scaling == "minmax":
        return min_max_scaled(data)
    if scaling == "raw":
        return data
    raise ValueError(f"unknown scaling {scaling!r}")


def subsample(x, y, per_class: dict[int, int] | int, rng: np.random.Generator):
    """At most ``per_class`` samples of each class (an int, or a dict class -> count)."""
    keep = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        k = per_class if isinstance(per_class, int) else per_class.get(int(c), len(idx))
        keep.append(rng.choice(idx, size=min(k, len(idx)), replace=False))
    keep = rng.permutation(np.concatenate(keep))
    return x[keep], y[keep]
