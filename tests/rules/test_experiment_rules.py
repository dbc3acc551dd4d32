"""CB001, OV001, TM001: rules confirmed by overfit_small_batch, learning_curve, predict_twice."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from nndoctor import diagnose

from ..conftest import QUICK, STANDARD, blobs, causes, mlp, setup, split, train

COVERAGE = {
    "capacity-bottleneck": (["test_experiment_rules::test_one_unit_bottleneck_is_capacity_bottleneck",
                             "test_experiment_rules::test_linear_model_on_moons_is_capacity_bottleneck",
                             "test_experiment_rules::test_weight_decay_that_forbids_memorizing_is_a_capacity_warning"],
                            ["test_experiment_rules::test_wide_enough_twin_is_not_a_bottleneck",
                             "test_experiment_rules::test_linear_model_on_linear_data_is_not_a_bottleneck",
                             "test_experiment_rules::test_overlapping_classes_a_small_network_cannot_memorize_are_no_bottleneck",
                             "test_experiment_rules::test_weight_decay_that_forbids_memorizing_is_a_capacity_warning"]),
    "overfitting": (["test_experiment_rules::test_memorizing_noise_features_is_overfitting"],
                    ["test_experiment_rules::test_wide_enough_twin_is_not_a_bottleneck"]),
    "train-mode-at-inference": (["test_experiment_rules::test_dropout_forced_on_is_train_mode_at_inference",
                                 "test_experiment_rules::test_batchnorm_statistics_that_never_track_the_data"],
                                ["test_experiment_rules::test_normal_dropout_twin_predicts_deterministically",
                                 "test_experiment_rules::test_batchnorm_statistics_that_never_track_the_data"]),
}


def _digits():
    x, y = load_digits(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def test_one_unit_bottleneck_is_capacity_bottleneck(framework):
    x_train, x_val, y_train, y_val = _digits()
    model = mlp(framework, 64, 10, hidden=1)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "capacity-bottleneck", [f.message for f in d.findings]
    assert d.primary.evidence["narrowest_units"] == 1


def test_wide_enough_twin_is_not_a_bottleneck(framework):
    x_train, x_val, y_train, y_val = _digits()
    model = mlp(framework, 64, 10, hidden=32)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=10, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    found = causes(d)
    assert "capacity-bottleneck" not in found and "overfitting" not in found
    assert d.verdict == "healthy", [f.message for f in d.findings]


@pytest.mark.parametrize("hidden", [8, 16])
def test_overlapping_classes_a_small_network_cannot_memorize_are_no_bottleneck(framework, hidden):
    """Two overlapping blobs (a logistic regression reaches about 82%): a small network trained
    to that level cannot memorize 32 of the samples either, yet nothing holds it back; it
    predicts what a simple model finds in the data."""
    x_train, x_val, y_train, y_val = split(*blobs(spread=1.0))
    model = mlp(framework, 2, 2, hidden=hidden)
    kwargs = setup(framework, model, lr=1e-2)
    kwargs.update(train(framework, model, x_train, y_train, epochs=20, lr=1e-2) or {})
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "capacity-bottleneck" not in causes(d), [f.message for f in d.findings]
    assert d.metrics["val_accuracy"]["value"] > 0.75


def _decayed(framework, decay):
    """A 32-unit ReLU network on digits, SGD at 0.1, with an L2 penalty of ``decay`` on its
    weights (torch: the optimizer's weight_decay; Keras: kernel regularizers)."""
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split((x / 16.0).astype(np.float32)[:600], y[:600], test_size=0.3,
                                                      random_state=0, stratify=y[:600])
    if framework == "torch":
        import torch
        from torch import nn

        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=decay)
        xb, yb = torch.tensor(x_train), torch.tensor(y_train)
        for _ in range(60):
            for i in range(0, len(xb), 32):
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(xb[i:i + 32]), yb[i:i + 32]).backward()
                optimizer.step()
        kwargs = {"loss": nn.CrossEntropyLoss(), "optimizer": optimizer}
    else:
        import keras

        keras.utils.set_random_seed(0)
        penalty = keras.regularizers.l2(decay)
        model = keras.Sequential([keras.Input((64,)),
                                  keras.layers.Dense(32, activation="relu", kernel_regularizer=penalty),
                                  keras.layers.Dense(10, activation="softmax", kernel_regularizer=penalty)])
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        model.fit(x_train, y_train, epochs=60, batch_size=32, verbose=0)
        kwargs = {}
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), epochs=30, budget=QUICK, seed=0,
                    verbose=0, **kwargs)


@pytest.mark.parametrize("decay", [0.2, 0.5, 1e-4])
def test_weight_decay_that_forbids_memorizing_is_a_capacity_warning(framework, decay):
    """A weight penalty of 0.2 shrinks every weight so hard that 32 samples cannot be memorized
    at any of four learning rates, while a logistic regression reads the digits well: no layer
    is too narrow, so a warning (capacity, optimisation or plumbing), not an error. At 0.5 the
    torch weights shrink to one value (every unit identical), which a standard init does not
    cure: not symmetric-init. A penalty of 1e-4 leaves a network that fits its training data."""
    d = _decayed(framework, decay)
    if decay < 0.01:
        assert "capacity-bottleneck" not in causes(d, ("error", "warning", "info")), d.findings
        assert d.verdict == "healthy", d.findings
        return
    assert "symmetric-init" not in causes(d, ("error",)), d.findings
    assert d.primary_cause == "capacity-bottleneck", d.findings
    finding = next(f for f in d.findings if f.cause == "capacity-bottleneck")
    assert finding.severity == "warning" and "No layer is obviously too narrow" in finding.message
    assert finding.evidence["small_batch_score"] < 0.9 and finding.evidence["narrowest_units"] == 32


def _linear(framework, n_in, n_out):
    """A network without a hidden layer, the way a user forgets to add one."""
    if framework == "torch":
        import torch
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(n_in, n_out))
    import keras
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(n_out)])


def _standardized_split(x, y):
    x = StandardScaler().fit_transform(x).astype(np.float32)
    return split(x, y.astype(np.int64))


def test_linear_model_on_moons_is_capacity_bottleneck(framework):
    """Two interleaved half-moons: no straight line separates them, a tree does."""
    from sklearn.datasets import make_moons
    x_train, x_val, y_train, y_val = _standardized_split(*make_moons(400, noise=0.1, random_state=0))
    model = _linear(framework, 2, 2)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert d.primary_cause == "capacity-bottleneck", [f.message for f in d.findings]
    assert d.primary.evidence["hidden_layers"] == 0 and d.primary.evidence["baseline"] == "gradient_boosting"


@pytest.mark.parametrize("activation", [None, "relu"])
def test_hidden_layers_without_activation_are_linear(framework, activation):
    """Two hidden layers of 32 with no activation on circles compose to one linear map (in torch
    seen by measuring: the output at the midpoint of two inputs is the midpoint of their outputs);
    the ReLU twin is no bottleneck."""
    from sklearn.datasets import make_circles
    x_train, x_val, y_train, y_val = _standardized_split(*make_circles(400, noise=0.05, factor=0.5, random_state=0))
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(0)
        act = [nn.ReLU()] if activation else []
        model = nn.Sequential(nn.Linear(2, 32), *act, nn.Linear(32, 32), *act, nn.Linear(32, 2))
    else:
        import keras
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(32, activation=activation),
                                  keras.layers.Dense(32, activation=activation), keras.layers.Dense(2)])
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    if activation is None:
        assert d.primary_cause == "capacity-bottleneck", [f.message for f in d.findings]
        assert d.primary.evidence["linear_hidden_layers"] and "no activation" in d.primary.message
        assert "vanishing-gradients" not in causes(d)
    else:
        assert "capacity-bottleneck" not in causes(d), [f.message for f in d.findings]


def test_linear_model_on_linear_data_is_not_a_bottleneck(framework):
    """The same linear model where a straight line is all the data needs (overlapping blobs)."""
    x, y = blobs(200, n_classes=2, n_features=2, seed=3, spread=2.0)
    x_train, x_val, y_train, y_val = _standardized_split(x, y)
    model = _linear(framework, 2, 2)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert "capacity-bottleneck" not in causes(d), [f.message for f in d.findings]


def test_memorizing_noise_features_is_overfitting(framework):
    """Few informative features drowned in 200 noise features: a wide net memorizes."""
    rng = np.random.default_rng(0)
    x, y = blobs(150, n_classes=2, n_features=2, seed=1, spread=3.0)
    x = np.hstack([x, rng.normal(size=(len(x), 200)).astype(np.float32)])
    x_train, x_val, y_train, y_val = split(x, y)
    model = mlp(framework, 202, 2, hidden=256)
    kwargs = setup(framework, model, lr=1e-3)
    train(framework, model, x_train, y_train, epochs=60, lr=1e-3)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=STANDARD, **kwargs)
    assert "overfitting" in causes(d), [f.message for f in d.findings]


def _dropout_model(framework, forced):
    if framework == "torch":
        import torch
        from torch import nn
        from torch.nn import functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden, self.out = nn.Linear(4, 32), nn.Linear(32, 3)

            def forward(self, x):
                return self.out(F.dropout(F.relu(self.hidden(x)), p=0.5, training=forced or self.training))

        torch.manual_seed(0)
        return Net()
    import keras
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    h = keras.layers.Dense(32, activation="relu")(inputs)
    h = keras.layers.Dropout(0.5)(h, training=True) if forced else keras.layers.Dropout(0.5)(h)
    return keras.Model(inputs, keras.layers.Dense(3)(h))


def test_dropout_forced_on_is_train_mode_at_inference(framework):
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    model = _dropout_model(framework, forced=True)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "train-mode-at-inference" in causes(d)
    finding = next(f for f in d.findings if f.cause == "train-mode-at-inference")
    assert finding.severity == "error" and finding.evidence["relative_diff"] > 0.01


def test_normal_dropout_twin_predicts_deterministically(framework):
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    model = _dropout_model(framework, forced=False)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    assert "train-mode-at-inference" not in causes(d)
    assert any(r["cause"] == "train-mode-at-inference" for r in d.ruled_out)


def _batchnorm_model(framework, tracks):
    """Dense -> BatchNorm -> ReLU -> Dense; ``tracks=False``: running statistics never move."""
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(4, 32), nn.BatchNorm1d(32, momentum=0.1 if tracks else 0.0),
                             nn.ReLU(), nn.Linear(32, 3))
    import keras
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(32),
                             keras.layers.BatchNormalization(momentum=0.99 if tracks else 1.0),
                             keras.layers.ReLU(), keras.layers.Dense(3)])


@pytest.mark.parametrize("tracks", [False, True])
def test_batchnorm_statistics_that_never_track_the_data(framework, tracks):
    """Inputs far from 0 (blobs shifted by 20): batch-norm running statistics left at mean 0 /
    variance 1 predict nonsense in inference mode; the default momentum, trained long enough for
    the statistics to converge (Keras's 0.99 needs a few hundred steps), is the healthy twin."""
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    x_train, x_val = x_train + 20, x_val + 20
    model = _batchnorm_model(framework, tracks)
    kwargs = setup(framework, model, lr=1e-2)
    train(framework, model, x_train, y_train, epochs=100 if tracks else 20, lr=1e-2)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK, **kwargs)
    if tracks:
        assert "train-mode-at-inference" not in causes(d)
    else:
        assert d.primary_cause == "train-mode-at-inference"
        assert d.primary.evidence["batch_statistics_score"] > d.primary.evidence["running_statistics_score"] + 0.2


def test_torch_model_left_in_training_mode_is_train_mode_at_inference():
    """`model.eval()` forgotten: the model is handed over (and would predict) in training mode."""
    import torch
    from torch import nn
    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))
    train("torch", model, x_train, y_train, epochs=20, lr=1e-2)
    model.train()
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK,
                 loss="cross_entropy", lr=1e-2)
    finding = next(f for f in d.findings if f.cause == "train-mode-at-inference")
    assert finding.evidence["where"] == "as plain calls"
    assert model.training  # left as found


def test_few_conv_filters_are_not_named_a_bottleneck_by_a_baseline_alone():
    """A simple model beats the network by 17 points: a 4-unit dense layer for 10 classes is the
    bottleneck, 4 conv filters are not (each filter passes on a whole feature map)."""
    from types import SimpleNamespace

    from nndoctor.evidence.model import LayerInfo
    from nndoctor.evidence.outputs import PredictionSummary
    from nndoctor.evidence.stats import accuracy_report
    from nndoctor.rules.training.capacity_bottleneck import CapacityBottleneck

    def summary(correct, n=200):
        y = np.arange(n) % 10
        report = accuracy_report(y, np.where(np.arange(n) < correct, y, (y + 1) % 10), 10, majority=0.1)
        return PredictionSummary(accuracy=report, predicted_histogram=None, per_class_recall=None,
                                 mean_entropy=None, all_outputs_equal=False, nonfinite_outputs=0)

    baseline = {"best": "gradient_boosting", "best_score": 0.97,
                "models": {"logistic_regression": {"value": 0.93, "ci95": [0.89, 0.96]},
                           "gradient_boosting": {"value": 0.97, "ci95": [0.94, 0.99]}}}
    answers = {}
    for kind in ("conv", "dense"):
        layers = [LayerInfo("hidden", kind, units=4, weight=np.ones((16, 4))),
                  LayerInfo("out", "dense", units=10, weight=np.ones((4, 10)))]
        ev = SimpleNamespace(model=SimpleNamespace(weighted_layers=layers, n_params=100, opaque_layers=[], extra={}),
                             n_classes=10, given_train=None,
                             framework="torch",
                             task="classification", run=SimpleNamespace(nonfinite_step=None), data_finite=True,
                             experiments={"simple_baseline": baseline}, trained_val=summary(160),
                             trained_train=summary(198))
        answers[kind] = CapacityBottleneck().check(ev)
    assert answers["dense"] is not None and answers["dense"].cause == "capacity-bottleneck"
    assert answers["dense"].evidence["narrowest_units"] == 4
    assert answers["conv"] is None  # the copy fits its training data: nothing to say


def _regression_evidence(given_r2, layers):
    """What CB001 reads after a copy that could not fit (R^2 0.1 on 32 samples at 4 learning
    rates, -0.01 on the training set): the model as given scored ``given_r2``."""
    from types import SimpleNamespace

    from nndoctor.evidence.model import ModelProfile
    profile = ModelProfile(framework="torch", layers=layers, n_params=sum(layer.params for layer in layers),
                           output_units=1, output_activation="linear", loss_name="mse", loss_from_logits=None,
                           optimizer_name="sgd", lr=0.01)
    tries = [{"lr": lr, "score": 0.1} for lr in (0.01, 0.1, 1.0, 0.001)]
    return SimpleNamespace(task="regression", n_classes=None, framework="torch", model=profile, data_finite=True,
                           run=SimpleNamespace(nonfinite_step=None), given_train=SimpleNamespace(r2=given_r2),
                           trained_train=SimpleNamespace(r2=-0.01), trained_val=SimpleNamespace(r2=-0.04),
                           experiments={"simple_baseline": None, "overfit_small_batch": {
                               "best_train_score": 0.1, "n_samples": 32, "tries": tries}})


def _rnn_layers():
    from nndoctor.evidence.model import LayerInfo
    head = LayerInfo("head", "dense", 1, None, np.zeros((64, 1)), np.zeros(1), True, params=65)
    return [LayerInfo("rnn", "other", params=4288), head]


def test_a_recurrent_model_is_not_called_linear():
    """An RNN's parameters are not a dense/conv `weight`: the network is not 'without hidden
    layer' because the profile sees one Linear. The copy's failure is a warning, not a verdict."""
    from nndoctor.rules.training.capacity_bottleneck import CapacityBottleneck
    finding = CapacityBottleneck().check(_regression_evidence(0.2, _rnn_layers()))
    assert finding.severity == "warning" and "linear" not in finding.message
    dense_only = CapacityBottleneck().check(_regression_evidence(0.2, _rnn_layers()[1:]))
    assert dense_only.severity == "error" and "no hidden layer" in dense_only.message  # the faulty twin


def test_a_model_as_given_that_fits_rules_out_capacity():
    """A script's model that fits (R^2 0.96, clipped gradients) whose copy could not (trained
    without the clipping): the model as given proves the capacity is there."""
    from nndoctor.rules._base import RuledOut
    from nndoctor.rules.training.capacity_bottleneck import CapacityBottleneck
    ruled_out = CapacityBottleneck().check(_regression_evidence(0.96, _rnn_layers()[1:]))
    assert isinstance(ruled_out, RuledOut) and "as given" in ruled_out.why
    assert not CapacityBottleneck().wants(_regression_evidence(0.96, _rnn_layers()[1:]))


def test_torch_and_keras_profiles_count_recurrent_parameters():
    import keras
    import torch

    from nndoctor.adapters import adapter_for

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn, self.head = torch.nn.RNN(1, 8, batch_first=True), torch.nn.Linear(8, 1)

        def forward(self, x):
            return self.head(self.rnn(x)[0][:, -1])

    torch_profile = adapter_for(Net(), loss="mse", optimizer="sgd", lr=0.01).profile()
    assert [(layer.name, layer.params) for layer in torch_profile.opaque_layers] == [("rnn", 8 + 64 + 16)]
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    keras_profile = adapter_for(model).profile()
    assert [layer.params for layer in keras_profile.opaque_layers] == [4 * (4 * (1 + 4) + 4)]
    assert keras_profile.weighted_layers[0].params == 4 + 1


@pytest.mark.parametrize("forced", [True, False])
def test_batchnorm_forced_to_training_inside_call_is_train_mode_at_inference(forced):
    """A subclassed Keras model whose call() passes training=True to its batch-norm layer: every
    batch is normalized by its own statistics, so a sample predicted alone gets a meaningless
    answer while large validation batches look fine. The twin passes the model's own flag.
    (Also the copy of a subclassed model: rebuilt from its class and config.)"""
    import keras

    class Net(keras.Model):
        def __init__(self, hidden=16, **kwargs):
            super().__init__(**kwargs)
            self.hidden, self.dense = hidden, keras.layers.Dense(hidden, activation="relu")
            self.bn, self.out = keras.layers.BatchNormalization(), keras.layers.Dense(3)

        def call(self, x, training=False):
            return self.out(self.bn(self.dense(x), training=True if forced else training))

        def get_config(self):
            return {"hidden": self.hidden}

    x_train, x_val, y_train, y_val = split(*blobs(150, n_classes=3, n_features=4, seed=1))
    keras.utils.set_random_seed(0)
    model = Net()
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_train, y_train, epochs=10, verbose=0)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), budget=QUICK)
    assert not [e for e in d.errors if "copy" in e["error"]], d.errors
    if forced:
        assert d.primary_cause == "train-mode-at-inference", [f.message for f in d.findings]
        assert d.primary.evidence["where"] == "one sample at a time vs in a batch"
    else:
        assert "train-mode-at-inference" not in causes(d)
