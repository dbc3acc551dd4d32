"""DA004-DA007: unscaled inputs and targets, preprocessing mismatch, sorted splits; healthy twins.

Each scenario is built the way users meet it (sklearn data sets, a StandardScaler applied to one
split only, np.argsort(y) then a tail split). Small data and a fixed number of epochs keep each
diagnosis to a few seconds; the time budget is generous so that a loaded machine does not cut
the control runs short.
"""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, make_classification, make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from nndoctor import diagnose

from ..conftest import QUICK, causes, mlp, setup, train

COVERAGE = {
    "unscaled-inputs": (["test_data_plumbing::test_raw_breast_cancer_with_sgd_is_unscaled_inputs",
                         "test_data_plumbing::test_a_keras_normalization_layer_standardizes_raw_features_only_when_adapted",
                         "test_data_plumbing::test_a_loss_swinging_on_features_in_their_own_units_is_unscaled_inputs"],
                        ["test_data_plumbing::test_scaled_or_harmless_inputs_are_not_flagged",
                         "test_data_plumbing::test_a_loss_swinging_on_features_in_their_own_units_is_unscaled_inputs",
                         "test_data_plumbing::test_a_keras_normalization_layer_standardizes_raw_features_only_when_adapted"]),
    "unscaled-targets": (["test_data_plumbing::test_house_prices_in_dollars_are_unscaled_targets",
                          "test_data_plumbing::test_a_model_trained_on_offset_targets_is_unscaled_targets"],
                         ["test_data_plumbing::test_scaled_or_learnable_targets_are_not_flagged"]),
    "preprocessing-mismatch": (["test_data_plumbing::test_scaler_not_applied_to_validation_is_mismatch",
                                "test_data_plumbing::test_validation_columns_in_another_order_are_mismatch",
                                "test_data_plumbing::test_an_encoder_refitted_on_validation_data_is_mismatch"],
                               ["test_data_plumbing::test_scaler_applied_to_both_is_not_mismatch",
                                "test_data_plumbing::test_an_encoder_refitted_on_validation_data_is_mismatch"]),
    "sorted-data-split": (["test_data_plumbing::test_argsort_then_tail_split_is_sorted_data_split",
                           "test_data_plumbing::test_sorted_training_data_trained_in_order_is_sorted_data_split",
                           "test_data_plumbing::test_training_head_of_class_ordered_data_lacks_the_last_classes"],
                          ["test_data_plumbing::test_shuffled_stratified_split_is_not_sorted",
                           "test_data_plumbing::test_training_head_of_class_ordered_data_lacks_the_last_classes",
                           "test_data_plumbing::test_sorted_training_data_trained_shuffled_is_not_flagged"]),
}
DIAGNOSE = {"budget": QUICK, "seed": 0}  # `epochs` fixes the length of the run


def _diagnose(model, x_train, y_train, x_val, y_val, *, epochs, **kwargs):
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                    **DIAGNOSE, **kwargs)


def _cancer(seed=0):
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x.astype(np.float32), y, test_size=0.3,
                                                      random_state=seed, stratify=y)
    return x_train, x_val, y_train, y_val


def _standardized(x_train, x_val):
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train).astype(np.float32), scaler.transform(x_val).astype(np.float32)


# ---- DA004 unscaled-inputs ------------------------------------------------------------------

def test_raw_breast_cancer_with_sgd_is_unscaled_inputs(framework):
    # features from 0.001 to 4000; plain SGD at 0.01 never leaves the majority class
    x_train, x_val, y_train, y_val = _cancer()
    model = mlp(framework, 30, 2, hidden=32)
    kwargs = setup(framework, model, optimizer="sgd", lr=0.01)
    train(framework, model, x_train, y_train, epochs=10, optimizer="sgd", lr=0.01)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25, **kwargs)
    assert d.primary_cause == "unscaled-inputs", d.findings
    f = d.primary
    assert f.severity == "error" and f.confirmed_by == ["standardize-x"]
    assert f.evidence["scale_ratio"] > 1e5 and f.evidence["largest_scale"] > 500
    assert f.evidence["score"] < 0.7 and f.evidence["standardized_score"] > 0.85
    assert "StandardScaler" in f.fix_code


@pytest.mark.parametrize("adapted", [True, False])
def test_a_keras_normalization_layer_standardizes_raw_features_only_when_adapted(framework, adapted):
    """Raw breast-cancer features into a Keras model whose first layer is Normalization: adapted
    to the training data, the network sees standardized inputs (the healthy twin, whose copies
    must normalize as the model does: `set_weights` alone leaves a copy's Normalization at mean
    0 and variance 1); never adapted (mean 0, variance 1), the raw scales reach the Dense layers
    and SGD stalls."""
    if framework == "torch":
        pytest.skip("keras.layers.Normalization is a Keras layer")
    import keras
    x_train, x_val, y_train, y_val = _cancer()
    keras.utils.set_random_seed(0)
    norm = keras.layers.Normalization()
    if adapted:
        norm.adapt(x_train)
    model = keras.Sequential([keras.Input((30,)), norm, keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25)
    if adapted is True:
        assert "unscaled-inputs" not in causes(d, ("error", "warning", "info")), d.findings
        assert "Normalization layer" in next(r["why"] for r in d.ruled_out if r["cause"] == "unscaled-inputs")
        assert d.primary_cause == "healthy", d.findings
        assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9
    else:
        assert d.primary_cause == "unscaled-inputs", d.findings


@pytest.mark.parametrize("axis", [None, -1])
def test_one_keras_normalization_for_all_features_keeps_their_scales(framework, axis):
    """A policy table (age, BMI, visits, smoker, income in dollars, deductible) into a Keras
    model whose first layer is a Normalization adapted with ``axis=None``: one mean and variance
    for all six columns (about 1e4 and 2.5e4), so income still dwarfs the features that decide
    the label. The copy trained on standardized inputs passes them through that layer unchanged.
    Adapted per feature (``axis=-1``), the twin is healthy."""
    if framework == "torch":
        pytest.skip("keras.layers.Normalization is a Keras layer")
    import keras
    rng = np.random.default_rng(21)
    n = 1600
    x = np.column_stack([rng.integers(18, 80, n), rng.normal(27, 4.5, n), rng.poisson(2.5, n),
                         rng.binomial(1, 0.25, n), rng.lognormal(11, 0.5, n),
                         rng.choice([500, 1000, 2500, 5000], n)]).astype(np.float32)
    logit = 0.06 * (x[:, 0] - 48) + 0.15 * (x[:, 1] - 27) + 0.45 * (x[:, 2] - 2.5) + 1.2 * x[:, 3] - 0.3
    y = (logit > 0).astype(np.int64)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    keras.utils.set_random_seed(0)
    norm = keras.layers.Normalization(axis=axis)
    norm.adapt(x_train)
    model = keras.Sequential([keras.Input((6,)), norm, keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25)
    if axis is None:
        assert d.primary_cause == "unscaled-inputs", d.findings
        assert d.primary.confirmed_by == ["standardize-x"]
    else:
        assert d.primary_cause == "healthy", d.findings


def _sensors(in_own_units):
    """Twelve sensor readings, each in its own unit (0.1 to 10^4 per unit of signal)."""
    x, y = make_classification(n_samples=600, n_features=12, n_informative=6, class_sep=2.0, random_state=0)
    if in_own_units:
        x = x * 10.0 ** np.random.default_rng(0).uniform(-1, 4, size=12)
    return train_test_split(x.astype(np.float32), y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("in_own_units", [True, False], ids=["raw units", "standardized"])
def test_a_loss_swinging_on_features_in_their_own_units_is_unscaled_inputs(framework, in_own_units):
    # Adam predicts about 90% either way, so accuracy alone does not tell; but on raw units the
    # loss keeps swinging (12-29% of its mean over the last third, at a BCE of 2-6), and the same
    # training on standardized inputs settles near 0.1: the scales, not the learning rate
    x_train, x_val, y_train, y_val = _sensors(in_own_units)
    model = mlp(framework, 12, 2, hidden=32)
    kwargs = setup(framework, model)
    train(framework, model, x_train, y_train, epochs=30)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=30, **kwargs)
    if not in_own_units:
        assert "unscaled-inputs" not in causes(d, ("error", "warning", "info")), d.findings
        assert d.verdict == "healthy", d.findings
        return
    assert d.primary_cause == "unscaled-inputs", d.findings
    f = d.primary
    assert f.confirmed_by == ["standardize-x"] and f.severity in ("warning", "error")
    # predictions about as good (91-93% either way): confirmed by the calmer loss, not by accuracy
    assert f.evidence["standardized_tail_oscillation"] < 0.5 * f.evidence["tail_oscillation"]
    assert f.evidence["standardized_tail_mean"] < f.evidence["tail_mean"]
    assert "lr-too-high" not in causes(d), d.findings


def _digits_raw():
    x, y = load_digits(return_X_y=True)  # pixels 0..16
    return train_test_split(x.astype(np.float32)[:600], y[:600], test_size=0.3, random_state=0,
                            stratify=y[:600])


@pytest.mark.parametrize("case", ["raw digits, adam", "standardized cancer, sgd"])
def test_scaled_or_harmless_inputs_are_not_flagged(framework, case):
    if case == "raw digits, adam":  # unscaled, but Adam learns raw pixels as well as standardized ones
        x_train, x_val, y_train, y_val = _digits_raw()
        model = mlp(framework, 64, 10, hidden=32)
        kwargs = setup(framework, model, optimizer="adam", lr=1e-3)
        train(framework, model, x_train, y_train, epochs=40)
    else:
        x_train, x_val, y_train, y_val = _cancer()
        x_train, x_val = _standardized(x_train, x_val)
        model = mlp(framework, 30, 2, hidden=32)
        kwargs = setup(framework, model, optimizer="sgd", lr=0.01)
        train(framework, model, x_train, y_train, epochs=10, optimizer="sgd", lr=0.01)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25, **kwargs)
    assert "unscaled-inputs" not in causes(d)
    ruled = next(r for r in d.ruled_out if r["cause"] == "unscaled-inputs")
    if case == "raw digits, adam":
        assert "feature scales span" in ruled["why"]  # suspicious scales, ruled out by the scores
    else:
        assert "near unit scale" in ruled["why"]
    assert d.verdict == "healthy", d.findings


# ---- DA005 unscaled-targets -----------------------------------------------------------------

def _houses(n=500, seed=0):
    """Standardized house features; prices in dollars around 300,000."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    price = (300_000 + 80_000 * x[:, 0] + 20_000 * x[:, 1] - 15_000 * x[:, 2]
             - 30_000 * np.tanh(x[:, 3]) + rng.normal(0, 20_000, n))
    x_train, x_val, y_train, y_val = train_test_split(x.astype(np.float32), price.reshape(-1, 1),
                                                      test_size=0.3, random_state=seed)
    return x_train, x_val, y_train.astype(np.float32), y_val.astype(np.float32)


def test_house_prices_in_dollars_are_unscaled_targets(framework):
    x_train, x_val, y_train, y_val = _houses()
    model = mlp(framework, 4, 1, hidden=32)
    kwargs = setup(framework, model, loss="mse", lr=1e-3)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25, **kwargs)
    assert d.primary_cause == "unscaled-targets", d.findings
    f = d.primary
    assert f.severity == "error" and f.confirmed_by == ["standardize-y"]
    assert 250_000 < f.evidence["target_mean"] < 350_000
    assert abs(f.evidence["prediction_mean"]) < 1_000  # the outputs never got near the prices
    assert f.evidence["score"] < 0 and f.evidence["standardized_score"] > 0.8


def test_a_model_trained_on_offset_targets_is_unscaled_targets(framework):
    """Temperatures in kelvin x 10 (mean 3000, std 15), trained by the user first: from its
    weights, standardized targets may not recover, so a fresh-init pair of runs decides."""
    x_train, x_val, y_train, y_val = _houses()
    y_train, y_val = 3000 + (y_train - 300_000) / 6000, 3000 + (y_val - 300_000) / 6000
    model = mlp(framework, 4, 1, hidden=32)
    kwargs = setup(framework, model, loss="mse", lr=3e-3)
    train(framework, model, x_train, y_train, epochs=20, lr=3e-3, loss="mse")
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25, **kwargs)
    assert d.primary_cause == "unscaled-targets", d.findings
    assert d.primary.confirmed_by[0] in ("standardize-y", "reinit+standardize-y")
    assert d.primary.verified["after"] > 0.5


@pytest.mark.parametrize("case", ["standardized prices", "make_regression, sgd"])
def test_scaled_or_learnable_targets_are_not_flagged(framework, case):
    if case == "standardized prices":  # the fix: y_scaler.transform(y)
        x_train, x_val, y_train, y_val = _houses()
        scaler = StandardScaler().fit(y_train)
        y_train, y_val = scaler.transform(y_train), scaler.transform(y_val)
        optimizer, lr = "adam", 1e-3
    else:  # targets with std 135, which SGD learns anyway
        x, y = make_regression(500, 10, n_informative=6, noise=10, random_state=0)
        x_train, x_val, y_train, y_val = train_test_split(x.astype(np.float32), y.reshape(-1, 1),
                                                          test_size=0.3, random_state=0)
        optimizer, lr = "sgd", 1e-3
    y_train, y_val = y_train.astype(np.float32), y_val.astype(np.float32)
    model = mlp(framework, x_train.shape[1], 1, hidden=32)
    kwargs = setup(framework, model, loss="mse", optimizer=optimizer, lr=lr)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=25, **kwargs)
    assert "unscaled-targets" not in causes(d)
    ruled = next(r for r in d.ruled_out if r["cause"] == "unscaled-targets")
    assert ("near unit scale" if case == "standardized prices" else "predicts them") in ruled["why"]
    assert d.metrics["trained_copy_val_r2"] > 0.8


# ---- DA006 preprocessing-mismatch -----------------------------------------------------------

def _cancer_model(framework, x_train, y_train):
    model = mlp(framework, 30, 2, hidden=32)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=20)
    return model, kwargs


def test_scaler_not_applied_to_validation_is_mismatch(framework):
    x_train, x_val, y_train, y_val = _cancer()
    x_train = StandardScaler().fit(x_train).transform(x_train).astype(np.float32)  # x_val left raw
    model, kwargs = _cancer_model(framework, x_train, y_train)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    assert d.primary_cause == "preprocessing-mismatch", d.findings
    f = d.primary
    assert f.severity == "error"
    assert f.evidence["train_standardized"] and not f.evidence["val_standardized"]
    assert abs(np.log2(f.evidence["median_std_ratio"])) > 2  # raw stds are 0.01..1000, not 1
    given = f.evidence["scores"]["given"]
    assert given["train"] > 0.9 and given["validation"] < 0.7
    assert "looks standardized" in f.message


def test_validation_columns_in_another_order_are_mismatch(framework):
    """Both sets standardized, but the validation file lists its columns in another order:
    every feature keeps its scale, the correlations between features do not (6 of the 10
    features are combinations of the other 4, as in real tables)."""
    x, y = make_classification(600, n_features=10, n_informative=4, n_redundant=6, n_classes=3, random_state=1)
    x_train, x_val, y_train, y_val = train_test_split(x.astype(np.float32), y, test_size=0.3,
                                                      random_state=0, stratify=y)
    x_train, x_val = _standardized(x_train, x_val)
    x_val = x_val[:, np.random.default_rng(0).permutation(x_val.shape[1])]
    model = mlp(framework, 10, 3, hidden=32)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=20)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    assert d.primary_cause == "preprocessing-mismatch", d.findings
    f = d.primary
    assert f.evidence["median_mean_shift_in_train_stds"] <= 1.0 and f.evidence["correlation_change"] >= 0.15
    assert "another order" in f.message


PLANS = np.array(["basic", "plus", "family", "student", "business", "senior", "prepaid", "unlimited"])
CHURN_RATE = np.array([0.85, 0.15, 0.1, 0.9, 0.2, 0.8, 0.95, 0.05])


def _month(rng, n, popularity):
    """A month of customers: a plan drawn by its popularity (its churn rate decides the label),
    tenure and support calls."""
    k = rng.choice(len(PLANS), size=n, p=popularity)
    numeric = np.c_[rng.uniform(0, 6, n), rng.poisson(2, n)] / 5.0
    return PLANS[k], numeric, (rng.random(n) < CHURN_RATE[k]).astype(int)


def _one_hot(plan, numeric, order=None):
    """Plans one-hot in ``order``; by default in order of frequency in this data, as an encoder
    adapted on it orders them (StringLookup.adapt, value_counts)."""
    if order is None:
        values, counts = np.unique(plan, return_counts=True)
        order = values[np.argsort(-counts, kind="stable")]
    return np.hstack([(plan[:, None] == order[None, :]), numeric]).astype(np.float32), order


@pytest.mark.parametrize("refit", [True, False])
def test_an_encoder_refitted_on_validation_data_is_mismatch(framework, refit):
    """The month to predict favours other plans. An encoder adapted anew on it orders the
    one-hot columns by the new popularity: each column keeps about its share (the features
    barely move), but now stands for another plan, and the model is wrong on 90% of the
    customers, far below the 50% of guessing. Encoded with the training encoder, the same
    month scores 90%: the popularity shift alone is not a fault."""
    rng = np.random.default_rng(0)
    popularity = np.array([0.30, 0.20, 0.15, 0.12, 0.09, 0.07, 0.05, 0.02])
    plan, numeric, y_train = _month(rng, 3000, popularity)
    x_train, order = _one_hot(plan, numeric)
    plan, numeric, y_val = _month(rng, 1000, popularity[::-1])
    x_val, _ = _one_hot(plan, numeric, None if refit else order)
    model = mlp(framework, 10, 2, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    if refit:
        assert d.primary_cause == "preprocessing-mismatch", d.findings
        f = d.primary
        assert f.severity == "error" and f.evidence["kind"] == "inverted"
        assert f.evidence["val_balanced_accuracy"] < 0.2 and f.evidence["train_score"] > 0.8
    else:
        assert "preprocessing-mismatch" not in causes(d), d.findings
        assert d.verdict == "healthy", d.findings


def test_scaler_applied_to_both_is_not_mismatch(framework):
    x_train, x_val, y_train, y_val = _cancer()
    x_train, x_val = _standardized(x_train, x_val)
    model, kwargs = _cancer_model(framework, x_train, y_train)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    assert "preprocessing-mismatch" not in causes(d, ("error", "warning", "info"))
    ruled = next(r for r in d.ruled_out if r["cause"] == "preprocessing-mismatch")
    assert "within classes" in ruled["why"] and "feature correlations change" in ruled["why"]
    assert d.verdict == "healthy", d.findings


# ---- DA007 sorted-data-split ----------------------------------------------------------------

def _digits_scaled(n=500):
    x, y = load_digits(return_X_y=True)
    return (x[:n] / 16.0).astype(np.float32), y[:n]


def test_argsort_then_tail_split_is_sorted_data_split(framework):
    x, y = _digits_scaled()
    order = np.argsort(y)
    x, y = x[order], y[order]
    x_train, x_val, y_train, y_val = x[:400], x[400:], y[:400], y[400:]  # the last 20%: digits 7-9
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=20)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    assert d.primary_cause == "sorted-data-split", d.findings
    f = d.primary
    assert f.severity == "error"
    assert f.evidence["val_classes"] == [7, 8, 9] and f.evidence["unseen_in_train"] == [8, 9]
    assert f.evidence["train_label_run_fraction"] > 0.95
    assert f.evidence["train_score"] > 0.9 and f.evidence["val_score"] < 0.5
    assert "preprocessing-mismatch" not in causes(d)


def test_shuffled_stratified_split_is_not_sorted(framework):
    x, y = _digits_scaled()
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=20)
    d = _diagnose(model, x_train, y_train, x_val, y_val, epochs=10, **kwargs)
    assert "sorted-data-split" not in causes(d)
    ruled = next(r for r in d.ruled_out if r["cause"] == "sorted-data-split")
    assert "class shares agree" in ruled["why"]
    assert d.verdict == "healthy", d.findings


@pytest.mark.parametrize("ordered", [True, False])
def test_training_head_of_class_ordered_data_lacks_the_last_classes(framework, ordered):
    """Images read one class after another, the first 80% kept for training (batches shuffled)
    and the test set never shown to nndoctor: the training labels hold digits 0-7 of the
    model's 10 outputs. The twin takes the first 80% of the same data shuffled beforehand."""
    x, y = _digits_scaled(n=1000)
    order = np.argsort(y, kind="stable") if ordered else np.random.default_rng(0).permutation(len(y))
    x_train, y_train = x[order][:800], y[order][:800]
    shuffled = np.random.default_rng(1).permutation(800)
    x_train, y_train = x_train[shuffled], y_train[shuffled]
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, y_train, epochs=10, budget=QUICK, verbose=0, **kwargs)
    if ordered:
        assert d.primary_cause == "sorted-data-split", d.findings
        assert d.primary.evidence["missing_classes"] == [8, 9]
    else:
        assert "sorted-data-split" not in causes(d, ("error", "warning", "info"))
        assert d.verdict == "healthy", d.findings


def _sorted_training_model(framework, shuffle):
    """A sound stratified split, the training half then sorted by label ("grouped for
    readability"), and the user's own training with or without shuffled batches."""
    x, y = _digits_scaled(n=1797)
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    order = np.argsort(y_train, kind="stable")  # about 4 batches of 32 in a row hold one digit
    x_train, y_train = x_train[order], y_train[order]
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, optimizer="sgd", lr=0.1)
    train(framework, model, x_train, y_train, epochs=5, optimizer="sgd", lr=0.1, shuffle=shuffle)
    return _diagnose(model, x_train, y_train, x_val, y_val, epochs=5, **kwargs)


def test_sorted_training_data_trained_in_order_is_sorted_data_split(framework):
    # single-class batches: the model ends up predicting the last digits it saw
    d = _sorted_training_model(framework, shuffle=False)
    assert d.primary_cause == "sorted-data-split", d.findings
    f = d.primary
    assert f.evidence["kind"] == "sorted-batches" and f.confirmed_by == ["in-order"]
    assert f.evidence["given_score"] < 0.5 < 0.8 < f.evidence["shuffled_score"]
    assert f.evidence["in_order_score"] < 0.6
    assert f.evidence["given_top_class"] == 9  # the last digit of every epoch


def test_sorted_training_data_trained_shuffled_is_not_flagged(framework):
    d = _sorted_training_model(framework, shuffle=True)
    assert "sorted-data-split" not in causes(d, ("error", "warning", "info"))
    ruled = next(r for r in d.ruled_out if r["cause"] == "sorted-data-split")
    assert "shuffled batches" in ruled["why"]


def test_pixels_within_unit_scale_are_not_off_scale_however_small_some_columns_are():
    """digits / 16: scales from 0.0017 (a nearly constant border pixel) to 0.76, 444x apart; the
    spread counts only when some feature is at unit scale or beyond (raw breast cancer: 0.001 to
    4000)."""
    from types import SimpleNamespace

    from nndoctor.rules.data.unscaled_inputs import UnscaledInputs

    def suspicious(mean, std):
        train = SimpleNamespace(feature_mean=np.array(mean), feature_std=np.array(std))
        return UnscaledInputs()._suspicious(SimpleNamespace(train=train, data_finite=True)) is not None

    assert not suspicious([0.76, 0.3, 0.001], [0.25, 0.3, 0.0017])
    assert suspicious([5.0, 0.3, 0.001], [2.0, 0.3, 0.0017])  # one feature at 5, another at 0.0017
    assert suspicious([4000.0, 0.3], [300.0, 0.3])
