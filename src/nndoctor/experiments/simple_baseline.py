"""simple_baseline: what non-neural models reach on the same split.

Logistic/ridge regression (balanced class weights) and a gradient-boosted tree on the
flattened inputs (standardized, NaN imputed); accuracy with its tests, and balanced accuracy,
which shows signal in minority classes that plain accuracy hides. If a simple model is far above the network, the network's set-up is at fault,
not the data; if even they cannot beat chance, the labels may carry no signal.

Regression targets that are exactly 0..K-1 (3 <= K <= 20) are also scored as categories
(``class_indices``): the classifiers' accuracy against the regressions' predictions rounded to
the nearest index. PL002 reads it to tell class labels regressed by mistake from an ordered
amount.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ..evidence.data import class_indices
from ..evidence.stats import accuracy_report
from ._base import ExperimentContext, experiment

MAX_SAMPLES = 5000


@experiment("simple_baseline", always=True)
def run(ctx: ExperimentContext) -> dict:
    # one thread: OpenMP in gradient boosting oversubscribes a busy 2-core machine 20x
    with threadpool_limits(limits=1):
        return _run(ctx)


def _run(ctx: ExperimentContext) -> dict:
    spec = ctx.spec
    x = _flat(spec.x)[:MAX_SAMPLES]
    # a column without a single finite value carries nothing (and gradient boosting rejects it)
    observed = np.isfinite(x).any(axis=0)
    x, x_val = x[:, observed], _flat(spec.x_val)[:, observed]
    if not observed.any():
        return {"skipped": "no input feature holds a finite value"}
    models = _models(ctx.task)
    results = {}
    if ctx.task == "classification":
        y, y_val = ctx.labels_train[:MAX_SAMPLES], ctx.labels_val
        keep, keep_val = y >= 0, y_val >= 0
        if len(np.unique(y[keep])) < 2:
            return {"skipped": "fewer than 2 classes in the training labels"}
        # always predicting the training majority class, scored on these validation labels (the
        # bar, ctx.majority, is the higher of this and the training share)
        uninformed = float(np.mean(y_val[keep_val] == np.bincount(y[keep]).argmax()))
        for name, model in models.items():
            model.fit(x[keep], y[keep])
            pred = model.predict(x_val[keep_val])
            report = accuracy_report(y_val[keep_val], pred, ctx.n_classes, majority=ctx.majority)
            results[name] = {**report.to_dict(),
                             "balanced_accuracy": float(balanced_accuracy_score(y_val[keep_val], pred))}
        best = max(results, key=lambda k: results[k]["value"])
        balanced = max(results, key=lambda k: results[k]["balanced_accuracy"])
        # signal within the training data itself, whatever the validation set looks like
        counts = np.bincount(y[keep])
        folds = int(min(3, counts[counts > 0].min()))
        train_cv = (float(np.mean(cross_val_score(models["logistic_regression"], x[keep], y[keep],
                                                  cv=StratifiedKFold(folds), scoring="balanced_accuracy")))
                    if folds >= 2 else None)
        return {"models": results, "best": best, "best_score": results[best]["value"],
                "best_better_than_majority": results[best]["better_than_majority"],
                "uninformed_accuracy": uninformed,
                "best_balanced_accuracy": results[balanced]["balanced_accuracy"],
                "train_cv_balanced_accuracy": train_cv,
                "chance_balanced_accuracy": 1.0 / len(np.unique(y_val[keep_val]))}
    y = np.asarray(spec.y, dtype=float).reshape(len(spec.y), -1)[:MAX_SAMPLES]
    y_val = np.asarray(spec.y_val, dtype=float).reshape(len(spec.y_val), -1)
    keep, keep_val = np.isfinite(y).all(axis=1), np.isfinite(y_val).all(axis=1)
    predictions = {}
    for name, model in models.items():
        model.fit(x[keep], y[keep, 0])
        pred = predictions[name] = model.predict(x_val[keep_val])
        target = y_val[keep_val, 0]
        ss = float(((target - target.mean()) ** 2).sum())
        results[name] = {"r2": 1.0 - float(((target - pred) ** 2).sum()) / ss if ss > 0 else None}
    best = max(results, key=lambda k: results[k]["r2"] if results[k]["r2"] is not None else -np.inf)
    out = {"models": results, "best": best, "best_score": results[best]["r2"]}
    if y.shape[1] == 1 and keep_val.any() and class_indices(y[keep, 0]):
        out["class_indices"] = _as_classes(x[keep], y[keep, 0], x_val[keep_val], y_val[keep_val, 0], predictions)
    return out


def _as_classes(x, y, x_val, y_val, regression_predictions: dict) -> dict:
    """Whole-number targets 0..K-1 scored both ways on the same split: classifiers that treat
    them as categories, and the regressions' predictions rounded to the nearest index. Far
    better as categories: the numbers name classes, not an amount."""
    k = int(y.max()) + 1
    labels, labels_val = y.astype(int), y_val.astype(int)
    classifiers = {}
    for name, model in _models("classification").items():
        model.fit(x, labels)
        classifiers[name] = accuracy_report(labels_val, model.predict(x_val), k).to_dict()
    rounded = {name: float(np.mean(np.clip(np.rint(pred), 0, k - 1) == labels_val))
               for name, pred in regression_predictions.items()}
    best = max(classifiers, key=lambda n: classifiers[n]["value"])
    best_rounded = max(rounded, key=rounded.get)
    return {"classes": k, "classifier": best, "classifier_accuracy": classifiers[best]["value"],
            "classifier_ci95": classifiers[best]["ci95"], "rounded_regression": best_rounded,
            "rounded_accuracy": rounded[best_rounded], "classifiers": classifiers, "rounded": rounded}


def _flat(x):
    return np.asarray(x, dtype=np.float64).reshape(len(x), -1)


def _models(task: str) -> dict:
    prep = lambda: [SimpleImputer(), StandardScaler()]  # noqa: E731
    if task == "classification":
        # balanced class weights: on imbalanced data a plain model predicts the majority and
        # would hide the signal that the minority classes do carry
        return {"logistic_regression": make_pipeline(*prep(), LogisticRegression(
                    max_iter=300, C=1.0, class_weight="balanced")),
                "gradient_boosting": HistGradientBoostingClassifier(max_iter=30, early_stopping=False,
                                                                     random_state=0)}
    return {"ridge": make_pipeline(*prep(), Ridge()),
            "gradient_boosting": HistGradientBoostingRegressor(max_iter=30, early_stopping=False,
                                                                random_state=0)}
