"""DA001-DA003, EV001: NaN, too little data, imbalance, tiny evaluation sets; healthy twins."""

import warnings

import numpy as np
import pytest

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, mlp, setup, split, train


def test_nan_in_a_feature_is_nan_in_data(framework):
    x_train, x_val, y_train, y_val = split(*blobs(100, n_features=4, seed=1))
    x_train = x_train.copy()
    x_train[::7, 2] = np.nan
    model = mlp(framework, 4, 2)
    kwargs = setup(framework, model)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.primary_cause == "nan-in-data"
    assert d.primary.evidence["features"] == [2]
    assert d.primary.evidence["train_x"] == len(x_train[::7])
    assert "lr-too-high" not in causes(d)  # the NaN loss is explained by the data


def test_a_feature_nan_in_every_row_is_a_finding_not_a_crash(framework):
    """log(0) = -inf, then standardizing turns the whole column into NaN: no row is finite.
    The class counts come from the labels, and the diagnosis names the NaN."""
    x_train, x_val, y_train, y_val = split(*blobs(100, n_features=4, seed=1))
    x_train, x_val = x_train.copy(), x_val.copy()
    x_train[:, 1] = x_val[:, 1] = np.nan
    model = mlp(framework, 4, 2)
    kwargs = setup(framework, model)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # nndoctor's own statistics stay quiet
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="keras|tensorflow|torch")
        d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.primary_cause == "nan-in-data" and not d.errors
    assert d.primary.evidence["features"] == [1]
    assert d.primary.evidence["train_x"] == len(x_train)


def test_finite_data_twin_rules_out_nan(framework):
    x_train, x_val, y_train, y_val = split(*blobs(100, n_features=4, seed=1))
    model = mlp(framework, 4, 2)
    kwargs = setup(framework, model)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "nan-in-data" not in causes(d)
    assert any(r["cause"] == "nan-in-data" for r in d.ruled_out)


def _seed_blobs(n):
    """The seed's snippet 3: blobs at +-(2, 2), split 80/20."""
    from sklearn.model_selection import train_test_split
    rng = np.random.default_rng(42)
    x = np.concatenate([rng.normal(size=(n, 2)) + 2, rng.normal(size=(n, 2)) - 2]).astype(np.float32)
    y = np.r_[np.zeros(n, int), np.ones(n, int)]
    return train_test_split(x, y, test_size=0.2, random_state=42)


@pytest.mark.parametrize("n, expect_small", [(5, True), (100, False)])
def test_seed_insufficient_vs_sufficient_data(framework, n, expect_small):
    x_train, x_test, y_train, y_test = _seed_blobs(n)
    model = mlp(framework, 2, 2, hidden=10)
    kwargs = setup(framework, model)
    train(framework, model, x_train, y_train, epochs=100)
    d = diagnose(model, x_train, y_train, validation_data=(x_test, y_test), budget=QUICK, **kwargs)
    found = causes(d)
    if expect_small:
        assert d.primary_cause in {"unreliable-evaluation", "too-little-data"}
        assert {"unreliable-evaluation", "too-little-data"} <= set(found)
        ev = next(f for f in d.findings if f.cause == "unreliable-evaluation").evidence
        assert ev["n_val"] == 2 and ev["ci95"][0] < 0.5
    else:
        assert d.verdict == "healthy", d.findings
        assert d.metrics["val_accuracy"]["ci95"][0] > 0.8


def test_a_small_hold_out_nndoctor_made_itself_is_only_an_info_note(framework):
    """Without validation_data nndoctor holds out 20% itself: 6 samples say nothing about the
    user's evaluation (the given 2-sample test set above is the faulty twin)."""
    x_train, _, y_train, _ = _seed_blobs(20)
    model = mlp(framework, 2, 2, hidden=10)
    kwargs = setup(framework, model)
    train(framework, model, x_train, y_train, epochs=30)
    d = diagnose(model, x_train, y_train, budget=QUICK, **kwargs)
    note = next(f for f in d.findings if f.cause == "unreliable-evaluation")
    assert note.severity == "info" and note.evidence["validation_source"] == "held-out"
    assert note.evidence["n_val"] == 6


@pytest.mark.parametrize("repeats", [30, 1])
def test_a_validation_set_of_repeated_rows_is_unreliable_evaluation(framework, repeats):
    """5 distinct validation samples pasted 30 times look like 150; 150 distinct ones are fine."""
    x_train, x_val, y_train, y_val = _seed_blobs(300)
    x_val, y_val = (np.tile(x_val[:5], (30, 1)), np.tile(y_val[:5], 30)) if repeats > 1 else (x_val[:150], y_val[:150])
    model = mlp(framework, 2, 2, hidden=10)
    kwargs = setup(framework, model)
    train(framework, model, x_train, y_train, epochs=20)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    if repeats > 1:
        assert d.primary_cause == "unreliable-evaluation"
        assert d.primary.evidence["n_val"] == 150 and d.primary.evidence["n_distinct"] == 5
    else:
        assert "unreliable-evaluation" not in causes(d)


def _imbalanced(seed=0, n_major=380, n_minor=20):
    rng = np.random.default_rng(seed)
    # overlapping classes: the minority is learnable (a class-weighted logistic regression finds
    # it) but rare, so an unweighted network collapses onto the majority
    x = np.concatenate([rng.normal(0, 1, (n_major, 4)), rng.normal(0.6, 1, (n_minor, 4))]).astype(np.float32)
    y = np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]
    return split(x, y, seed)


def test_majority_collapse_is_class_imbalance(framework):
    x_train, x_val, y_train, y_val = _imbalanced()
    model = mlp(framework, 4, 2)
    kwargs = setup(framework, model)
    train(framework, model, x_train, y_train, epochs=20)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.primary_cause == "class-imbalance"
    assert d.primary.evidence["imbalance_ratio"] > 10
    assert min(r for r in d.primary.evidence["per_class_recall"] if r is not None) == 0.0


def test_imbalanced_but_separable_twin_is_not_flagged(framework):
    x_train, x_val, y_train, y_val = _separable_imbalanced()
    model = mlp(framework, 4, 2)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=30, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "class-imbalance" not in causes(d)
    assert any(r["cause"] == "class-imbalance" for r in d.ruled_out)


def test_a_dead_network_on_imbalanced_data_is_not_class_imbalance(framework):
    """Every hidden ReLU dead (bias -20): the outputs are one constant, the majority class, on
    any data. The imbalance only picks the class; dead-relu is the cause, class-imbalance a
    warning after it. (On the same data a live network recalls every class: the twin above.)"""
    x_train, x_val, y_train, y_val = _separable_imbalanced()
    model = mlp(framework, 4, 2)
    if framework == "torch":
        import torch
        with torch.no_grad():
            model[0].bias.fill_(-20.0)
    else:
        model.layers[0].bias.assign(np.full(model.layers[0].bias.shape, -20.0, dtype=np.float32))
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert d.primary_cause == "dead-relu", [f.message for f in d.findings]
    imbalance = next(f for f in d.findings if f.cause == "class-imbalance")
    assert imbalance.severity == "warning" and "same value for every input" in imbalance.message


def _separable_imbalanced():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 1, (380, 4)), rng.normal(4, 1, (40, 4))]).astype(np.float32)
    y = np.r_[np.zeros(380, int), np.ones(40, int)]
    return split(x, y, 1)


def _small_data_evidence(per_class_recall, gain_per_doubling):
    """Stub evidence for DA002: 12 training samples per class, a copy at 67% on 30 validation
    samples (too few to be sure it generalizes), 8 points between train and validation."""
    from types import SimpleNamespace

    from nndoctor.evidence.outputs import PredictionSummary
    from nndoctor.evidence.stats import accuracy_report

    y = np.arange(30) % 3
    judged = PredictionSummary(accuracy=accuracy_report(y, np.where(np.arange(30) < 20, y, (y + 1) % 3), 3),
                               predicted_histogram=None, per_class_recall=per_class_recall,
                               mean_entropy=None, all_outputs_equal=False, nonfinite_outputs=0)
    return SimpleNamespace(
        task="classification", judged=judged, val=SimpleNamespace(n=30),
        train=SimpleNamespace(n=36, feature_shape=(4,), min_class_count=12, class_counts=[12, 12, 12]),
        run=SimpleNamespace(train_metric=[0.75], val_metric=[0.67]),
        experiments={"learning_curve": {"gain_per_doubling": gain_per_doubling}})


def test_a_flat_learning_curve_on_which_every_class_is_learned_rules_out_too_little_data():
    from nndoctor.rules._base import RuledOut
    from nndoctor.rules.data.too_little_data import TooLittleData

    flat_every_class = TooLittleData().check(_small_data_evidence([0.7, 0.6, 0.7], 0.01))
    assert isinstance(flat_every_class, RuledOut) and "flat" in flat_every_class.why
    # the same flat curve with one class never learned, or a curve that still climbs: reported
    flat_one_class_missed = TooLittleData().check(_small_data_evidence([0.9, 0.6, 0.0], 0.01))
    assert flat_one_class_missed.cause == "too-little-data"
    climbing = TooLittleData().check(_small_data_evidence([0.7, 0.6, 0.7], 0.08))
    assert climbing.cause == "too-little-data" and climbing.severity == "warning"


@pytest.mark.parametrize("smallest, reported", [(2, True), (12, False)])
def test_a_class_with_a_handful_of_samples_is_too_little_data_however_well_it_validates(smallest, reported):
    """30 of 30 validation samples right is a model that generalizes, unless a class had only a
    handful of training samples: no validation score shows it learned that class."""
    from nndoctor.evidence.stats import accuracy_report
    from nndoctor.rules._base import RuledOut
    from nndoctor.rules.data.too_little_data import TooLittleData

    ev = _small_data_evidence([1.0, 1.0, 1.0], None)
    y = np.arange(30) % 3
    ev.judged.accuracy = accuracy_report(y, y, 3)
    ev.run = None
    ev.train.min_class_count, ev.train.class_counts = smallest, [smallest, 12, 12]
    answer = TooLittleData().check(ev)
    if reported:
        assert answer.cause == "too-little-data" and f"{smallest} in the smallest class" in answer.message
    else:
        assert isinstance(answer, RuledOut) and "generalizes" in answer.why


@pytest.mark.parametrize("absent", [True, False])
def test_a_class_missing_from_training_is_not_a_majority_collapse(absent):
    """30 digits: class 1 has no training sample, class 7 one, class 5 six (6:1). Class 1 is
    never predicted, accuracy 74% against a 20% majority: that is too little data, not a
    collapse onto the majority. The faulty twin: class 1 had 1 training sample and is never
    predicted, a minority the model gave up on, flagged although accuracy hides it."""
    from types import SimpleNamespace

    from nndoctor.rules.data.class_imbalance import ClassImbalance
    from nndoctor.rules._base import RuledOut
    counts = [3, 0 if absent else 1, 2, 2, 5, 6, 6, 1, 3, 2]
    accuracy = SimpleNamespace(value=0.74, ci95=[0.70, 0.77], better_than_majority=True)
    judged = SimpleNamespace(accuracy=accuracy, per_class_recall=[1.0, 0.0, 0.8, 0.7, 1.0, 0.9, 0.9, 0.6, 0.9, 0.7],
                             predicted_histogram=[58, 0, 44, 37, 84, 56, 62, 30, 95, 34], all_outputs_equal=False)
    ev = SimpleNamespace(task="classification", framework="torch", judged=judged,
                         train=SimpleNamespace(class_counts=counts, majority_share=0.2))
    result = ClassImbalance().check(ev)
    if absent:
        assert isinstance(result, RuledOut)
    else:
        assert result.cause == "class-imbalance" and "hides it" in result.message
