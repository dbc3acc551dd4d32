"""label_noise: how many training labels look wrong (cleanlab, out-of-sample probabilities).

Probabilities come from a cross-validated model on the flattened, standardized inputs (fast,
and independent of the network being diagnosed): a logistic regression or a 15-nearest-neighbour
vote, whichever predicts the held-out folds better (a linear model on data no line separates
mistakes its own errors for wrong labels). cleanlab's confident joint then estimates the share of
labels that disagree with what the inputs say. How many labels disagree among the quarter of
samples predicted most confidently is kept too: wrong labels put at random show there as much as
anywhere, while classes that merely overlap disagree only near their boundaries.
"""

from __future__ import annotations

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from ..evidence.stats import wilson_interval
from ._base import ExperimentContext, experiment

MAX_SAMPLES = 5000
FOLDS = 3
CONFIDENT_SHARE = 0.25  # the most confidently predicted share of samples, where overlap is rare


@experiment("label_noise", always=True)
def run(ctx: ExperimentContext) -> dict:
    if ctx.task != "classification":
        return {"skipped": "label noise is estimated for classification only"}
    from cleanlab.count import estimate_joint
    from cleanlab.filter import find_label_issues

    x = np.asarray(ctx.spec.x, dtype=np.float64).reshape(len(ctx.spec.x), -1)[:MAX_SAMPLES]
    labels = ctx.labels_train[:MAX_SAMPLES]
    keep = labels >= 0
    x, labels = x[keep], labels[keep]
    present, counts = np.unique(labels, return_counts=True)
    if len(present) < 2 or counts.min() < FOLDS:
        return {"skipped": f"needs at least {FOLDS} samples in each of 2+ classes"}
    dense = np.searchsorted(present, labels)  # cleanlab wants classes 0..K-1, all present
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=ctx.spec.seed)
    k = int(min(15, counts.min() * (FOLDS - 1) // FOLDS, len(dense) // 3))
    models = {"logistic_regression": LogisticRegression(max_iter=300, C=0.1),
              "nearest_neighbours": KNeighborsClassifier(max(k, 1))}
    candidates = {}
    with threadpool_limits(limits=1):
        for name, model in models.items():
            pipeline = make_pipeline(SimpleImputer(keep_empty_features=True), StandardScaler(), model)
            probs = cross_val_predict(pipeline, x, dense, method="predict_proba", cv=folds)
            candidates[name] = (float(np.mean(probs.argmax(axis=1) == dense)), probs)
    chosen = max(candidates, key=lambda name: candidates[name][0])  # ties: the logistic regression
    probs = candidates[chosen][1]
    issues = find_label_issues(dense, probs, n_jobs=1)  # its own process pool breaks in joblib workers
    joint = estimate_joint(dense, probs)
    n = len(dense)
    rate = float(1.0 - np.trace(joint))
    confidence = probs[np.arange(n), dense]
    suspicious = np.argsort(confidence)[:10]
    flagged = int(issues.sum())
    # the quarter of samples the probabilities are surest about: wrong labels put at random land
    # there as often as anywhere, classes that overlap only near their boundaries
    sure = probs.max(axis=1) >= np.quantile(probs.max(axis=1), 1 - CONFIDENT_SHARE)
    return {
        "estimated_noise_rate": rate,
        "ci95": list(wilson_interval(int(round(rate * n)), n)),
        "flagged": flagged,
        "flagged_fraction": flagged / n,
        "n": n,
        "probability_model": chosen,
        "probability_model_accuracy": candidates[chosen][0],
        "majority_share": float(counts.max() / n),
        "classes": len(present),
        "confident_quarter": {"n": int(sure.sum()),
                              "disagreeing": int(np.sum(probs[sure].argmax(axis=1) != dense[sure]))},
        "most_suspicious": [{"index": int(i), "label": int(present[dense[i]]),
                             "suggested": int(present[probs[i].argmax()]),
                             "label_probability": float(confidence[i])} for i in suspicious],
    }
