"""DA006: the validation data is scaled or encoded differently from the training data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from ...evidence.data import DataProfile
from ...evidence.outputs import balanced_accuracy_test
from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import learned, score_of

MIN_CLASS_N = 5  # samples of a class in each set before its statistics are compared
SHIFT = 1.0  # median standardized mean difference over features (random splits: <= 0.55)
LOG2_SCALE = 1.0  # median |log2(std ratio)| over features: 2x (random splits: <= 0.67, 1.6x)
GAP = {"classification": 0.2, "regression": 0.3}  # train - validation score of the trained copy
CHANGED_PAIR = 3.0  # a pair's correlation changed: Fisher-z difference over 3 standard errors
CORRELATION_SHARE = 0.15  # share of changed pairs (same data: <= 0.05; columns reordered: 0.16-0.54)
# balanced accuracy on validation data below 1/k (k classes) at p < 0.001, and by 0.15 or more:
# a model that learned nothing scores 1/k, one that learned a relation that the validation data
# reverses scores below it
INVERTED_P = 1e-3
INVERTED_MARGIN = 0.15


@dataclass
class FeatureShift:
    """How far validation features sit from training features, in training std units.

    Per feature: the standardized mean difference ``|mean_val - mean_train| / std_train`` and
    ``log2(std_val / std_train)``; for classification both are taken within each class present
    in both sets (so a different class mix is not mistaken for a shift) and averaged by the
    validation class counts. ``median_*`` summarise over features: a preprocessing step applied
    to one set and not the other moves most features, a real shift in a few features does not.
    """

    smd: np.ndarray
    log2_scale: np.ndarray
    classes_compared: int

    @property
    def median_smd(self) -> float:
        return float(np.median(self.smd))

    @property
    def median_log2_scale(self) -> float:
        return float(np.median(np.abs(self.log2_scale)))

    @property
    def median_std_ratio(self) -> float:
        """Validation std / training std of the median feature (below 1: validation narrower)."""
        return float(2 ** np.median(self.log2_scale))

    @property
    def share_shifted(self) -> float:
        return float(np.mean((self.smd > SHIFT) | (np.abs(self.log2_scale) > LOG2_SCALE)))


def per_feature_shift(m_tr, s_tr, m_va, s_va, floor):
    """Per feature: ``|m_va - m_tr| / s_tr`` and ``log2(s_va / s_tr)``, stds floored at ``floor``."""
    s_tr, s_va = np.maximum(s_tr, floor), np.maximum(s_va, floor)
    return np.abs(m_va - m_tr) / s_tr, np.log2(s_va / s_tr)


def feature_shift(train: DataProfile, val: DataProfile) -> FeatureShift | None:
    """Compare validation with training features; None when there is nothing to compare."""
    if train.feature_mean is None or val.feature_mean is None or train.feature_mean.shape != val.feature_mean.shape:
        return None
    keep = train.feature_std > 0  # a constant training feature has no scale to compare in
    if not keep.any() or val.n < 2:
        return None
    # a within-class std of 0 (a pixel always 0 in one class) would make any difference infinite
    floor = 0.1 * train.feature_std[keep]
    if train.class_feature_mean is not None and val.class_feature_mean is not None \
            and train.class_feature_mean.shape == val.class_feature_mean.shape:
        both = [k for k, (a, b) in enumerate(zip(train.class_counts, val.class_counts))
                if a >= MIN_CLASS_N and b >= MIN_CLASS_N]
        if not both:
            return None
        weights = np.asarray([val.class_counts[k] for k in both], dtype=float)
        smd = np.zeros(int(keep.sum()))
        scale = np.zeros_like(smd)
        for k, w in zip(both, weights / weights.sum()):
            d, r = per_feature_shift(train.class_feature_mean[k, keep], train.class_feature_std[k, keep],
                                val.class_feature_mean[k, keep], val.class_feature_std[k, keep], floor)
            smd += w * d
            scale += w * r
        return FeatureShift(smd, scale, len(both))
    d, r = per_feature_shift(train.feature_mean[keep], train.feature_std[keep],
                        val.feature_mean[keep], val.feature_std[keep], floor)
    return FeatureShift(d, r, 0)


def correlation_change(train: DataProfile, val: DataProfile) -> float | None:
    """The share of feature pairs whose correlation differs between the two sets beyond
    sampling noise: a Fisher-z difference over 3 standard errors, compared class by class
    (classes present in both with 10+ rows) and weighted by the validation rows. Two samples of
    the same data give about 0.003 (measured on the clinic's data sets: at most 0.05); columns in
    another order move every correlated pair (0.16-0.54)."""
    a, b = train.feature_correlation, val.feature_correlation
    if a is None or b is None or a.shape[1:] != b.shape[1:]:
        return None
    upper = np.triu_indices(a.shape[1], 1)
    shares, weights = [], []
    for k in range(min(len(a), len(b))):
        ra, rb = a[k][upper], b[k][upper]
        both = np.isfinite(ra) & np.isfinite(rb)
        if not both.any():
            continue
        za, zb = (np.arctanh(np.clip(r[both], -0.999, 0.999)) for r in (ra, rb))
        se = np.sqrt(1.0 / max(train.correlation_rows[k] - 3, 1) + 1.0 / max(val.correlation_rows[k] - 3, 1))
        shares.append(float(np.mean(np.abs(za - zb) > CHANGED_PAIR * se)))
        weights.append(val.correlation_rows[k])
    return float(np.average(shares, weights=weights)) if shares else None


def _standardized(profile: DataProfile) -> bool:
    keep = profile.feature_std > 0
    return bool(keep.any() and np.median(np.abs(profile.feature_mean[keep])) < 0.1
                and 0.8 < np.median(profile.feature_std[keep]) < 1.25)


class PreprocessingMismatch(Rule):
    """Flags validation data scaled or encoded differently from the training data, when the
    model scores far worse on it than on the training data.

    ## What it does
    Compares every input feature of the given validation data with the training data: the
    standardized mean difference (validation mean minus training mean, in training stds) and
    the ratio of stds, within each class present in both sets so that a different class mix
    does not count. A median over features above 1 std, or a std ratio beyond 2x, means most
    features moved together, which is what a transform applied to one set only (a scaler fit
    on training data but not applied to validation data, pixels divided by 255 in one of
    them) does; random and class-sorted splits of the same data stay under 0.55 std and 1.6x.
    Columns in another order keep every scale but move the correlations between features:
    compared class by class, a pair whose Fisher-z correlation differs by over 3 standard
    errors has changed; two samples of the same data change at most 5% of the pairs (clinic data
    sets, 200 splits), reordered columns 16-54% where features correlate; 15% counts.
    It is reported when the model as given, or a trained copy, scores 20 accuracy points (0.3
    R^2) lower on validation than on training data; an error when the validation predictions
    are no better than the majority class (R^2 at most 0.3) while the training ones are.

    When the features match one by one and the model that learned on training data is wrong
    on validation data more often than guessing (balanced accuracy 0.15 or more below the 1/k
    a constant prediction gets, at p < 0.001), the features and labels are related the other
    way round there: a category encoder refitted on the validation data, codes in another
    order. That is an error too.

    ## Why is this bad?
    The network learned weights for inputs on the training scale. Inputs on another scale land
    where it never saw data: activations saturate and the predictions collapse to one class or
    a constant, although training went well. Nothing in the loss curve shows it.

    ## Example
    ```python
    scaler = StandardScaler().fit(x_train)
    model.fit(scaler.transform(x_train), y_train)
    model.predict(x_val)  # raw features: the scaler was not applied
    ```

    ## Fix
    Fit the preprocessing once, on the training data, and apply that same fitted transform to
    the training, validation and prediction data (keep it with the model, e.g. in a
    `Pipeline` or a normalization layer). Safe.
    """

    code = "DA006"
    cause = "preprocessing-mismatch"
    summary = "validation data on another scale or encoding than the training data, and the model fails on it"

    def check(self, ev: Evidence):
        if ev.val_source != "given" or not ev.data_finite:
            return None
        shift = feature_shift(ev.train, ev.val)
        if shift is None:
            return None
        within = " within classes" if shift.classes_compared else ""
        scale_ratio = shift.median_std_ratio
        moved = shift.median_smd > SHIFT or shift.median_log2_scale > LOG2_SCALE
        correlations = correlation_change(ev.train, ev.val)
        reordered = correlations is not None and correlations >= CORRELATION_SHARE
        if not moved and not reordered:
            inverted = self._inverted(ev)
            if inverted is not None:
                return inverted
            return RuledOut(f"validation features match the training features{within}: median shift "
                            f"{shift.median_smd:.2f} training stds, median std ratio {scale_ratio:.2f}x"
                            + ("" if correlations is None else
                               f", {100 * correlations:.0f}% of feature correlations change"))
        pairs = {"given": (ev.given_train, ev.given_val), "trained_copy": (ev.trained_train, ev.trained_val)}
        scores = {name: (score_of(t, ev.task), score_of(v, ev.task)) for name, (t, v) in pairs.items()}
        gaps = {name: a - b for name, (a, b) in scores.items()
                if a is not None and b is not None and np.isfinite(a) and np.isfinite(b)}
        worst = max(gaps, key=gaps.get) if gaps else None
        evidence = {"median_mean_shift_in_train_stds": shift.median_smd,
                    "max_mean_shift_in_train_stds": float(shift.smd.max()),
                    "median_std_ratio": scale_ratio, "share_of_features_shifted": shift.share_shifted,
                    "classes_compared": shift.classes_compared, "correlation_change": correlations,
                    "train_standardized": _standardized(ev.train), "val_standardized": _standardized(ev.val),
                    "scores": {name: {"train": a, "validation": b} for name, (a, b) in scores.items()}}
        what = (f"Validation features are not on the training scale{within}: a median feature's "
                f"validation mean sits {shift.median_smd:.3g} training stds from its training mean "
                f"(up to {shift.smd.max():.3g}), and its std is {scale_ratio:.3g}x the training std; "
                f"{100 * shift.share_shifted:.0f}% of {shift.smd.size} features moved (expected for two "
                f"samples of the same data: under {SHIFT:g} std and {2 ** LOG2_SCALE:g}x).")
        if not moved:
            what = (f"Validation features relate to each other differently from training features: "
                    f"{100 * correlations:.0f}% of feature pairs{within} correlate differently beyond "
                    f"sampling noise (two samples of the same data: under 5%), while each feature's scale "
                    f"matches (median shift {shift.median_smd:.2f} training stds). The columns are in "
                    "another order, or encoded differently.")
        if evidence["train_standardized"] != evidence["val_standardized"]:
            which = ("training", "validation") if evidence["train_standardized"] else ("validation", "training")
            what += f" The {which[0]} data looks standardized, the {which[1]} data does not."
        fix = ("Fit the preprocessing on the training data once and apply the same fitted transform to "
               "training, validation and prediction data.")
        fix_code = ("scaler = sklearn.preprocessing.StandardScaler().fit(x_train); "
                    "x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)")
        if not moved:
            fix = ("Select the validation (and prediction) columns by name, in the training order, and "
                   "encode them the same way.")
            fix_code = "x_val = df_val[train_columns].to_numpy()"
        if worst is None or gaps[worst] < GAP[ev.task]:
            return self.finding("info", 0.4, what + " The model still scores about as well on validation "
                                "as on training data.", evidence, fix, fix_code)
        train_summary, val_summary = pairs[worst]
        who = "The model as given" if worst == "given" else "A trained copy"
        severe = learned(train_summary, ev.task) and not learned(val_summary, ev.task)
        return self.finding(
            "error" if severe else "warning", 0.95 if severe else 0.7,
            what + f" {who} scores {fmt_score(scores[worst][0], ev.task)} on training data but "
            f"{fmt_score(scores[worst][1], ev.task)} on validation data.",
            evidence, fix, fix_code)

    def _inverted(self, ev: Evidence):
        """Validation features that match the training features one by one, yet a model that
        learned on the training data predicts the validation labels systematically wrong:
        balanced accuracy far below the 1/k that even a constant prediction gets. The relation
        between features and labels is reversed: a category mapping refitted on the validation
        data (codes or one-hot columns ordered by frequency), or label codes assigned anew."""
        given_train, given_val = ev.given_train, ev.given_val
        if ev.task != "classification" or not learned(given_train, ev.task) or given_val is None \
                or not given_val.per_class_recall or ev.train.class_counts is None or ev.val.class_counts is None:
            return None
        # over the classes the model was trained on (one never seen cannot be predicted: DA007)
        pairs = [(r, n) for r, n, m in zip(given_val.per_class_recall, ev.val.class_counts, ev.train.class_counts)
                 if r is not None and n > 0 and m > 0]
        below, z = balanced_accuracy_test([r for r, _ in pairs], [n for _, n in pairs])
        if below is None:
            return None
        chance, p_below = 1.0 / len(pairs), float(norm.cdf(z))
        if p_below >= INVERTED_P or below > chance - INVERTED_MARGIN:
            return None
        train_score = score_of(given_train, ev.task)
        evidence = {"kind": "inverted", "val_balanced_accuracy": below, "chance_balanced_accuracy": chance,
                    "p_below_chance": p_below, "train_score": train_score,
                    "val_score": score_of(given_val, ev.task)}
        return self.finding(
            "error", 0.85,
            f"The model as given scores {fmt_score(train_score, ev.task)} on training data, but on validation "
            f"data it is wrong more often than guessing: balanced accuracy {below:.2f}, where a model that "
            f"learned nothing gets {chance:.2f} (p = {p_below:.1g}). The validation "
            "features match the training features one by one, so the link between features and labels is "
            "reversed: a category encoding (a LabelEncoder, StringLookup or get_dummies) refitted on the "
            "validation data orders its codes differently, or the labels were encoded anew.",
            evidence,
            "Fit every encoder (categories and labels) once, on the training data, and reuse that fitted "
            "encoder for validation and prediction data.",
            "encoder = LabelEncoder().fit(train_df['plan']); x_val_codes = encoder.transform(val_df['plan'])")
