"""RUN007: the inputs a script predicted on are on another scale than its training inputs.

A script that scales its training data and forgets to scale the data it predicts on (a test
set, a few new samples typed in raw units) gets predictions from a region the model never saw.
Without labels for those inputs the diagnosis cannot score them; their features still can be
compared with the training features, and the model's predictions on them with its predictions
on training-scale data."""

from __future__ import annotations

import warnings

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
MIN_ROW_FEATURES = 3  # finite features in a sample for its own mean / std / range to mean anything
MIN_POOLED_CALLS = 2  # calls too small to judge alone (under MIN_CALL samples) pooled into one set
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


def _row_signature(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``flat`` (samples x features): whether it can carry a per-sample scaler's
    signature (`MIN_ROW_FEATURES` finite values that vary) and whether it does: minimum 0 and
    maximum 1 (min-max), or mean 0 and std 1 (z-score, the std taken over n or n - 1 values)
    across its own features."""
    finite = np.isfinite(flat)
    count = finite.sum(axis=1)
    values = np.where(finite, flat, np.nan)  # inf counts as missing, as nan does
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a row with no finite value
        lo, hi = np.nanmin(values, axis=1), np.nanmax(values, axis=1)
        mean, std = np.nanmean(values, axis=1), np.nanstd(values, axis=1)
        sample_std = std * np.sqrt(count / np.maximum(count - 1, 1))
    eligible = (count >= MIN_ROW_FEATURES) & (hi - lo > 1e-9)
    minmax = (np.abs(lo) < 1e-5) & (np.abs(hi - 1) < 1e-5)
    standard = (np.abs(mean) < 1e-4) & ((np.abs(std - 1) < 1e-3) | (np.abs(sample_std - 1) < 1e-3))
    return eligible, eligible & (minmax | standard)


def _subset_shares(share_of, train: np.ndarray, n: int) -> float:
    """The highest share `share_of` gives random training subsets of ``n`` samples (the
    training set itself when ``n`` reaches its size); 1 when none can be measured."""
    if n >= len(train):
        subsets = [share_of(train)]
    else:
        rng = np.random.default_rng(0)
        subsets = [share_of(train[rng.choice(len(train), n, replace=False)]) for _ in range(SUBSET_DRAWS)]
    return max((s for s in subsets if s is not None), default=1.0)


def scaled_on_itself(x_train: np.ndarray, x_call: np.ndarray) -> dict | None:
    """Whether one call's inputs were scaled with statistics of their own. Per feature (a
    scaler fitted, or ``fit_transform`` called, on the data predicted on): nearly every varying
    feature spans exactly [0, 1] or has mean 0 and std 1 in the call. Per sample (each sample
    normalized by its own mean and std, or its own range, instead of the training scaler):
    nearly every sample has mean 0 and std 1, or spans exactly [0, 1], across its own features.
    Either counts when random training subsets of the same size (calls as large as the training
    set: the training set itself) do not show it. None when it cannot be told (too few samples,
    nothing varies)."""
    if len(x_call) < MIN_SELF_SCALED or not len(x_train):
        return None
    call = x_call.reshape(len(x_call), -1).astype(np.float64)
    train = x_train.reshape(len(x_train), -1).astype(np.float64)
    if call.shape[1] != train.shape[1]:
        return None
    out = {}
    share = _scaled_share(call)
    if share is not None and share >= SELF_SCALED:
        subset_share = _subset_shares(_scaled_share, train, len(call))
        out.update(scaled_on_itself_share=share, training_subset_share=subset_share,
                   scaled_on_itself=subset_share < SUBSET_SCALED)
    eligible, signed = _row_signature(call)
    if eligible.sum() >= MIN_SELF_SCALED and signed[eligible].mean() >= SELF_SCALED:
        train_eligible, train_signed = _row_signature(train)

        def row_share(rows):  # the training rows' flags, drawn instead of recomputed
            return float(train_signed[rows].sum() / train_eligible[rows].sum()) if train_eligible[rows].any() else None

        training_rows_share = _subset_shares(row_share, np.arange(len(train)), int(eligible.sum()))
        out.update(samples_scaled_on_themselves_share=float(signed[eligible].mean()),
                   training_samples_share=training_rows_share,
                   samples_scaled_on_themselves=training_rows_share < SUBSET_SCALED)
    if out:  # what a signature had to reach, and the training share it had to stay above
        out.update(signature_share_threshold=SELF_SCALED, training_share_under=SUBSET_SCALED)
    return out or None


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
            "mean_shift_threshold_in_train_stds": FEW_SHIFT if few else SHIFT,
            "std_ratio_threshold": None if few else float(2 ** LOG2_SCALE),
            **own, "moved": bool(moved or own.get("scaled_on_itself") or own.get("samples_scaled_on_themselves"))}


def _pool(calls: list, width: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The calls too small to judge alone (under `MIN_CALL` samples) with the training feature
    width, as one set: inputs flattened, repeated samples kept once (a sample predicted again
    and again is one sample), and the number of calls pooled. None under `MIN_POOLED_CALLS`
    such calls, or when their outputs do not line up."""
    small = [(x, out) for x, out in calls if len(x) < MIN_CALL and int(np.prod(x.shape[1:])) == width]
    if len(small) < MIN_POOLED_CALLS:
        return None
    try:
        x = np.concatenate([x.reshape(len(x), -1) for x, _ in small])
        out = np.concatenate([np.asarray(o).reshape(len(o), -1) for _, o in small])
        _, first = np.unique(x, axis=0, return_index=True)
    except (TypeError, ValueError):  # outputs of different widths, inputs numpy cannot order
        return None
    first.sort()
    return x[first], out[first], len(small)


def prediction_shift(x_train, calls: list, d, y_train=None) -> Finding | None:
    """RUN007 for one model: the most shifted of its prediction calls, when one moved (and
    the classes the model assigns do not explain it, see `_like_its_classes`). Calls too small
    to judge alone (a helper that predicts one sample at a time) are judged together as well,
    pooled into one set (see `_pool`)."""
    if x_train is None or not calls:
        return None
    stats = _feature_stats(x_train)  # once, not once per call
    shifts = [(call_shift(x_train, x, stats), x, out) for x, out in calls]
    # (shift, outputs, calls it stands for, calls pooled or 0)
    moved = [(s, out, 1, 0) for s, x, out in shifts if s is not None and s["moved"]
             and not _like_its_classes(x_train, y_train, x, out, d)]
    pool = _pool(calls, int(np.prod(np.shape(x_train)[1:])))
    if pool is not None:
        x_pool, out_pool, pooled = pool
        shift = call_shift(x_train, x_pool, stats)
        if shift is not None and shift["moved"] and not _like_its_classes(x_train, y_train, x_pool, out_pool, d):
            # the pool stands for its calls, those already flagged alone among them
            moved = [m for m in moved if m[0]["n"] >= MIN_CALL] + [(shift, out_pool, pooled, pooled)]
    if not moved:
        return None
    shift, outputs, _, pooled = max(moved, key=lambda m: m[0]["median_mean_shift_in_train_stds"])
    calls_shifted = sum(m[2] for m in moved)
    evidence = {**{k: v for k, v in shift.items() if k != "moved"},
                "prediction_calls": len(calls), "calls_shifted": calls_shifted}
    if pooled:
        evidence.update(pooled_calls=pooled, pooled_samples=shift["n"], pooled_call_size_under=MIN_CALL)
    where = (f"pooled over {pooled} calls of under {MIN_CALL} samples each (too small to judge alone; "
             f"{shift['n']} distinct samples)," if pooled else f"in the most shifted ({shift['n']} samples)")
    what = (f"{calls_shifted} of the script's {len(calls)} prediction call(s) fed inputs on another scale than "
            f"the training inputs: {where} a median feature sits "
            f"{shift['median_mean_shift_in_train_stds']:.3g} training stds from its training mean (up to "
            f"{shift['max_mean_shift_in_train_stds']:.3g})"
            + (f" with {shift['median_std_ratio']:.3g}x the training std" if shift["median_std_ratio"] else "")
            + f"; two samples of the same data stay under {shift['mean_shift_threshold_in_train_stds']:g} std"
            + ("" if shift["std_ratio_threshold"] is None
               else f" and within a factor {shift['std_ratio_threshold']:g} of its std") + ".")
    if shift.get("scaled_on_itself"):
        what += (f" Those inputs were scaled on themselves: {fmt_pct(shift['scaled_on_itself_share'])} of their "
                 f"varying features span exactly [0, 1] or have mean 0 and std 1 in that call, which random "
                 f"training subsets of the same size reach for at most "
                 f"{fmt_pct(shift['training_subset_share'])} (a scaler fitted on the data predicted on).")
    if shift.get("samples_scaled_on_themselves"):
        what += (f" Each sample was scaled on itself: {fmt_pct(shift['samples_scaled_on_themselves_share'])} of them "
                 f"have mean 0 and std 1, or span exactly [0, 1], across their own features, which random "
                 f"training samples of the same count reach for at most "
                 f"{fmt_pct(shift['training_samples_share'])} (each sample normalized by its own statistics "
                 f"instead of the training scaler's).")
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
             + (" (`transform`, not `fit_transform`, on new data)." if shift.get("scaled_on_itself")
                else " (the training mean and std, not each sample's own)." if shift.get("samples_scaled_on_themselves")
                else ".")),
        fix_code="scaler = StandardScaler().fit(x_train)\nmodel.predict(scaler.transform(x_new))")
