"""RUN007: the inputs a script predicted on are on another scale than its training inputs.

A script that scales its training data and forgets to scale the data it predicts on (a test
set, a few new samples typed in raw units) gets predictions from a region the model never saw.
Without labels for those inputs the diagnosis cannot score them; their features still can be
compared with the training features, and the model's predictions on them with its predictions
on training-scale data."""

from __future__ import annotations

import numpy as np

from ..evidence.data import decode_labels
from ..evidence.outputs import to_probabilities
from ..findings import Finding
from ..rules._base import fmt_pct
from ..rules.data.preprocessing_mismatch import LOG2_SCALE, SHIFT, per_feature_shift
from .script_rules import PredictionInputsShifted

MIN_CALL = 20  # samples in one prediction call for the DA006 thresholds to apply ...
FEW_SHIFT = 3.0  # ... fewer samples (a handful of new inputs): a median shift of 3 training stds
COLLAPSE_TV = 0.3  # predicted class shares that far (total variation) from those on training-scale data
SELF_SCALED = 0.9  # share of a call's varying features that span exactly [0, 1] or have mean 0 and std 1 ...
SUBSET_SCALED = 0.5  # ... where no random training subset of the same size reaches this share
SUBSET_DRAWS = 20
MIN_SELF_SCALED = 3  # samples in a call for the signature to mean anything
MAX_CALLS = 200  # prediction calls kept per model ...
MAX_KEPT = 20_000  # ... and samples over all of them


def record_prediction(calls: list, inputs, outputs) -> None:
    """Keep one prediction call's inputs and outputs (numpy), up to `MAX_CALLS` calls and
    `MAX_KEPT` samples."""
    if inputs is None or outputs is None or not np.ndim(inputs) or not np.ndim(outputs) \
            or len(inputs) != len(outputs):
        return
    if len(calls) < MAX_CALLS and sum(len(x) for x, _ in calls) + len(inputs) <= MAX_KEPT:
        calls.append((np.asarray(inputs), np.asarray(outputs)))


def _feature_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per flattened feature: mean and std over the finite values."""
    flat = x.reshape(len(x), -1).astype(np.float64)
    with np.errstate(all="ignore"):
        return np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)


def _scaled_share(flat: np.ndarray) -> float | None:
    """Share of the varying features of ``flat`` (samples x features) that carry a scaler's
    exact signature on these very samples: minimum 0 and maximum 1 (min-max), or mean 0 and
    std 1 (standardized). None when no feature varies."""
    with np.errstate(all="ignore"):
        lo, hi = np.nanmin(flat, axis=0), np.nanmax(flat, axis=0)
        mean, std = np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)
    varying = np.isfinite(lo) & np.isfinite(hi) & (hi - lo > 1e-9)
    if not varying.any():
        return None
    minmax = (np.abs(lo) < 1e-5) & (np.abs(hi - 1) < 1e-5)
    standard = (np.abs(mean) < 1e-4) & (np.abs(std - 1) < 1e-3)
    return float((minmax | standard)[varying].mean())


def scaled_on_itself(x_train: np.ndarray, x_call: np.ndarray) -> dict | None:
    """Whether one call's inputs were scaled with statistics of their own (a scaler fitted, or
    ``fit_transform`` called, on the data predicted on): nearly every varying feature spans
    exactly [0, 1] or has mean 0 and std 1 in the call, while random training subsets of the
    same size do not (calls as large as the training set: the training set itself). None when
    it cannot be told (too few samples, nothing varies)."""
    if len(x_call) < MIN_SELF_SCALED or not len(x_train):
        return None
    call = x_call.reshape(len(x_call), -1).astype(np.float64)
    train = x_train.reshape(len(x_train), -1).astype(np.float64)
    if call.shape[1] != train.shape[1]:
        return None
    share = _scaled_share(call)
    if share is None or share < SELF_SCALED:
        return None
    if len(call) >= len(train):  # as many samples as training: the training set itself is the reference
        subsets = [_scaled_share(train)]
    else:
        rng = np.random.default_rng(0)
        subsets = [_scaled_share(train[rng.choice(len(train), len(call), replace=False)])
                   for _ in range(SUBSET_DRAWS)]
    subset_share = max((s for s in subsets if s is not None), default=1.0)
    return {"scaled_on_itself_share": share, "training_subset_share": subset_share,
            "scaled_on_itself": subset_share < SUBSET_SCALED}


def _like_its_classes(x_train, y_train, x_call, outputs, d) -> bool:
    """Whether a classifier's call that moved from the training inputs as a whole matches the
    training inputs of the classes the model assigns it: a batch of one class (a per-class
    report, test data sorted by label) differs from the whole training set, not from its class.
    The reference is training rows drawn in the call's predicted class shares; inputs on
    another scale match no class, and stay shifted."""
    if y_train is None or d.task.get("kind") != "classification" or len(y_train) != len(x_train):
        return False
    try:
        labels = decode_labels(np.asarray(y_train))
        model = (d.details or {}).get("model") or {}
        out = np.nan_to_num(np.asarray(outputs, dtype=float).reshape(len(outputs), -1))
        predicted = to_probabilities(out, model.get("output_activation"), model.get("loss") or "").argmax(axis=1)
    except Exception:  # noqa: BLE001 - labels or outputs this cannot read: judge the call as a whole
        return False
    rng = np.random.default_rng(0)
    rows = []
    for k, count in zip(*np.unique(predicted, return_counts=True)):
        pool = np.flatnonzero(labels == k)
        if not len(pool):
            return False
        rows.append(rng.choice(pool, size=max(count, min(len(pool), MIN_CALL)), replace=len(pool) < count))
    reference = np.asarray(x_train)[np.concatenate(rows)]
    shift = call_shift(reference, x_call)
    return shift is not None and not shift["moved"]


def call_shift(x_train: np.ndarray, x_call: np.ndarray, train_stats: tuple | None = None) -> dict | None:
    """How far one call's inputs sit from the training inputs, feature by feature (DA006's
    measures, without labels): the median standardized mean difference and |log2 std ratio|.
    ``train_stats``: `_feature_stats(x_train)`, when already computed for another call."""
    if not len(x_call) or not len(x_train) or int(np.prod(x_call.shape[1:])) != int(np.prod(x_train.shape[1:])):
        return None
    m_tr, s_tr = train_stats if train_stats is not None else _feature_stats(x_train)
    m_ca, s_ca = _feature_stats(x_call)
    keep = np.isfinite(m_tr) & np.isfinite(m_ca) & (s_tr > 0)
    if not keep.any():
        return None
    smd, log2_scale = per_feature_shift(m_tr[keep], s_tr[keep], m_ca[keep], s_ca[keep], 0.1 * s_tr[keep])
    few = len(x_call) < MIN_CALL
    median_smd = float(np.median(smd))
    median_scale = None if few else float(np.median(np.abs(log2_scale)))
    moved = median_smd > FEW_SHIFT if few else (median_smd > SHIFT or median_scale > LOG2_SCALE)
    own = scaled_on_itself(x_train, x_call) or {}
    return {"n": len(x_call), "median_mean_shift_in_train_stds": median_smd,
            "max_mean_shift_in_train_stds": float(smd.max()),
            "median_std_ratio": None if few else float(2 ** np.median(log2_scale)),
            **own, "moved": bool(moved or own.get("scaled_on_itself"))}


def prediction_shift(x_train, calls: list, d, y_train=None) -> Finding | None:
    """RUN007 for one model: the most shifted of its prediction calls, when one moved (and
    the classes the model assigns do not explain it, see `_like_its_classes`)."""
    if x_train is None or not calls:
        return None
    stats = _feature_stats(x_train)  # once, not once per call
    shifts = [(call_shift(x_train, x, stats), x, out) for x, out in calls]
    moved = [(s, out) for s, x, out in shifts if s is not None and s["moved"]
             and not _like_its_classes(x_train, y_train, x, out, d)]
    if not moved:
        return None
    shift, outputs = max(moved, key=lambda pair: pair[0]["median_mean_shift_in_train_stds"])
    evidence = {**{k: v for k, v in shift.items() if k != "moved"},
                "prediction_calls": len(calls), "calls_shifted": len(moved)}
    what = (f"{len(moved)} of the script's {len(calls)} prediction call(s) fed inputs on another scale than "
            f"the training inputs: in the most shifted ({shift['n']} samples) a median feature sits "
            f"{shift['median_mean_shift_in_train_stds']:.3g} training stds from its training mean (up to "
            f"{shift['max_mean_shift_in_train_stds']:.3g})"
            + (f" with {shift['median_std_ratio']:.3g}x the training std" if shift["median_std_ratio"] else "")
            + f"; two samples of the same data stay under {SHIFT:g} std.")
    if shift.get("scaled_on_itself"):
        what += (f" Those inputs were scaled on themselves: {fmt_pct(shift['scaled_on_itself_share'])} of their "
                 f"varying features span exactly [0, 1] or have mean 0 and std 1 in that call, which random "
                 f"training subsets of the same size reach for at most "
                 f"{fmt_pct(shift['training_subset_share'])} (a scaler fitted on the data predicted on).")
    severity, confidence = "warning", 0.6
    given = ((d.details or {}).get("predictions") or {}).get("given") or {}
    model = (d.details or {}).get("model") or {}
    histogram = given.get("predicted_histogram")
    if d.task.get("kind") == "classification" and histogram and sum(histogram) > 0:
        probs = to_probabilities(np.nan_to_num(np.asarray(outputs, dtype=float).reshape(len(outputs), -1)),
                                 model.get("output_activation"), model.get("loss") or "")
        predicted = np.bincount(probs.argmax(axis=1), minlength=len(histogram))[:len(histogram)]
        p_call = predicted / max(predicted.sum(), 1)
        p_val = np.asarray(histogram, dtype=float) / sum(histogram)
        tv = float(0.5 * np.abs(p_call - p_val).sum())
        top = int(p_call.argmax())
        evidence.update(predicted_class_shares=p_call.round(4).tolist(),
                        validation_predicted_class_shares=p_val.round(4).tolist(), total_variation=tv)
        what += (f" On them the model predicts class {top} for {fmt_pct(p_call[top])}; on training-scale "
                 f"validation data it predicts that class for {fmt_pct(p_val[top])} (total variation "
                 f"{tv:.2f}).")
        if tv >= COLLAPSE_TV:
            severity, confidence = "error", 0.9
    elif shift["median_mean_shift_in_train_stds"] > FEW_SHIFT:
        severity, confidence = "error", 0.8
    return Finding(
        cause="preprocessing-mismatch", code=PredictionInputsShifted.code, severity=severity, confidence=confidence,
        message=what + " The preprocessing applied to the training data was not applied to the data "
                       "predicted on.",
        evidence=evidence,
        fix=("Fit the preprocessing once on the training data and apply that same fitted transform to "
             "every input the model predicts on"
             + (" (`transform`, not `fit_transform`, on new data)." if shift.get("scaled_on_itself") else ".")),
        fix_code="scaler = StandardScaler().fit(x_train)\nmodel.predict(scaler.transform(x_new))")
