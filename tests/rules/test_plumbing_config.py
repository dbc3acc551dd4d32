"""PL001-PL005: model/loss/label/metric wiring, judged before any training step; healthy twins.

Several faults make the framework raise at the first step: the recorded run then becomes an
entry in ``Diagnosis.errors`` and the rule answers from the model and data profiles alone.
"""

import numpy as np
import pytest

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, split, train

COVERAGE = {
    "output-activation-mismatch": (
        ["test_plumbing_config::test_softmax_on_one_unit_is_output_activation_mismatch",
         "test_plumbing_config::test_categorical_loss_on_one_unit_is_output_activation_mismatch",
         "test_plumbing_config::test_probabilities_into_a_logits_loss",
         "test_plumbing_config::test_sigmoid_into_a_logits_loss_that_crawls_is_the_primary_cause",
         "test_plumbing_config::test_scores_into_a_probability_loss_is_output_activation_mismatch",
         "test_plumbing_config::test_bounded_output_on_regression_targets_out_of_its_reach",
         "test_plumbing_config::test_softmax_into_binary_cross_entropy_over_three_classes",
         "test_plumbing_config::test_log_sigmoid_head_into_a_logits_loss_is_output_activation_mismatch"],
        ["test_plumbing_config::test_matching_output_and_loss_have_no_activation_mismatch",
         "test_plumbing_config::test_raw_score_into_a_logits_loss_is_not_a_one_sided_head",
         "test_plumbing_config::test_bounded_output_on_targets_in_its_reach_is_not_flagged",
         "test_plumbing_config::test_softmax_into_binary_cross_entropy_over_three_classes"]),
    "wrong-loss-for-task": (
        ["test_plumbing_config::test_cross_entropy_on_continuous_targets_is_wrong_loss_for_task",
         "test_plumbing_config::test_mse_on_class_labels_is_wrong_loss_for_task",
         "test_plumbing_config::test_class_indices_regressed_through_one_unit",
         "test_plumbing_config::test_cross_entropy_on_a_whole_number_amount_is_wrong_loss_for_task"],
        ["test_plumbing_config::test_losses_that_fit_the_task_are_not_wrong_loss",
         "test_plumbing_config::test_cross_entropy_on_a_whole_number_amount_is_wrong_loss_for_task"]),
    "label-encoding-mismatch": (
        ["test_plumbing_config::test_one_hot_labels_into_a_sparse_loss",
         "test_plumbing_config::test_integer_labels_into_binary_loss_over_two_units_is_label_encoding_mismatch",
         "test_plumbing_config::test_integer_labels_into_a_one_hot_loss_is_label_encoding_mismatch"],
        ["test_plumbing_config::test_one_hot_labels_into_a_sparse_loss",
         "test_plumbing_config::test_labels_matching_the_loss_have_no_encoding_finding"]),
    "shape-broadcast": (
        ["test_plumbing_config::test_output_n1_against_target_n_is_shape_broadcast_in_torch_only",
         "test_plumbing_config::test_a_hand_written_loss_that_broadcasts_is_shape_broadcast"],
        ["test_plumbing_config::test_output_n1_against_target_n_is_shape_broadcast_in_torch_only",
         "test_plumbing_config::test_same_output_and_target_shapes_have_no_shape_broadcast",
         "test_plumbing_config::test_a_hand_written_loss_given_matching_shapes_is_not_shape_broadcast"]),
    "wrong-metric": (
        ["test_plumbing_config::test_accuracy_on_a_regression_is_wrong_metric",
         "test_plumbing_config::test_exact_match_accuracy_on_a_classifier_is_wrong_metric"],
        ["test_plumbing_config::test_regression_metrics_are_not_wrong_metric",
         "test_plumbing_config::test_exact_match_accuracy_on_a_classifier_is_wrong_metric"]),
}

ACTIVATIONS = {"softmax", "sigmoid", "log_softmax", None}
EPOCHS = 40
# the faults themselves make torch and Keras warn (broadcasting targets, from_logits on softmax)
pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning"), pytest.mark.filterwarnings("ignore::SyntaxWarning")]


def _net(framework, n_in, n_out, activation=None, hidden=16, seed=0):
    """Dense(hidden, relu) -> Dense(n_out) -> optional output activation (a torch module)."""
    assert activation in ACTIVATIONS
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(seed)
        tail = {"softmax": [nn.Softmax(dim=1)], "sigmoid": [nn.Sigmoid()],
                "log_softmax": [nn.LogSoftmax(dim=1)], None: []}[activation]
        return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out), *tail)
    import keras
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((n_in,)), keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(n_out, activation=activation)])


def _diagnose(framework, model, data, *, torch_loss=None, keras_loss=None, metrics=None, lr=1e-2, fit_epochs=0):
    """diagnose() on (x_train, x_val, y_train, y_val) with the framework's loss and Adam(lr)."""
    x_train, x_val, y_train, y_val = data
    kwargs = {}
    if framework == "torch":
        kwargs = {"loss": torch_loss, "optimizer": "adam", "lr": lr}
    else:
        import keras
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss=keras_loss, metrics=metrics)
        if fit_epochs:
            train(framework, model, x_train, y_train, epochs=fit_epochs)
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), epochs=EPOCHS,
                    budget=QUICK, **kwargs)


def _finding(d, cause):
    return next(f for f in d.findings if f.cause == cause)


def _ruled_out(d, cause):
    return any(r["cause"] == cause for r in d.ruled_out)


def _two_classes():
    return split(*blobs(100, n_classes=2, n_features=4, seed=1))


def _three_classes():
    return split(*blobs(100, n_classes=3, n_features=4, seed=1))


def _regression(column=False, shift=0.0, scale=1.0):
    """y = x.w + noise (R^2 about 0.98 when learned); (N,) targets, or (N, 1) with ``column``."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype(np.float32)
    y = ((x @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.normal(size=300)) * scale + shift).astype(np.float32)
    if column:
        y = y.reshape(-1, 1)
    return x[:240], x[240:], y[:240], y[240:]


def _one_hot(y, n):
    return np.eye(n, dtype=np.float32)[y]


# -- PL001 output-activation-mismatch ---------------------------------------------------------

def test_softmax_on_one_unit_is_output_activation_mismatch(framework):
    from torch import nn
    model = _net(framework, 4, 1, "softmax")
    d = _diagnose(framework, model, _two_classes(), torch_loss=nn.BCELoss(), keras_loss="binary_crossentropy")
    assert d.primary_cause == "output-activation-mismatch"
    finding = d.primary
    assert finding.code == "PL001" and finding.severity == "error"
    assert "softmax-one-unit" in finding.evidence["kinds"]
    assert finding.evidence["val_outputs_equal_to_1"] == 50
    assert finding.evidence["trained_outputs_equal_to_1"] == 50  # training cannot move them
    assert "50 of 50 validation outputs are 1.000" in finding.message


def test_categorical_loss_on_one_unit_is_output_activation_mismatch(framework):
    from torch import nn
    # torch: CrossEntropyLoss over one raw score; Keras: the field notes' sigmoid + categorical CE
    model = _net(framework, 4, 1, None if framework == "torch" else "sigmoid")
    d = _diagnose(framework, model, _two_classes(), torch_loss=nn.CrossEntropyLoss(),
                  keras_loss="categorical_crossentropy")
    assert d.primary_cause == "output-activation-mismatch"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["kinds"] == ["categorical-loss-one-unit"]
    if framework == "torch":  # label 1 has no unit: the recorded run fails, the rule still answers
        assert "out of bounds" in finding.evidence["framework_error"]
        assert any(e["where"] == "experiment recorded_run" for e in d.errors)
        assert "out of bounds" in finding.message
    else:  # the loss is exactly 0 from the first step
        assert finding.evidence["last_epoch_loss"] == 0.0
        assert "exactly 0 at all" in finding.message


def test_probabilities_into_a_logits_loss(framework):
    """Softmax outputs fed to a loss that applies softmax itself. torch: the loss cannot fall below
    ln(1 + 2/e) = 0.551 for 3 classes (an error: the model as given predicts at chance, although
    a copy still learns the easy blobs);
    Keras's TensorFlow backend takes the pre-softmax values inside fit: a harmless bug there, a
    warning of confidence 0.5."""
    from torch import nn
    import keras
    model = _net(framework, 4, 3, "softmax")
    d = _diagnose(framework, model, _three_classes(), torch_loss=nn.CrossEntropyLoss(),
                  keras_loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    finding = _finding(d, "output-activation-mismatch")
    assert finding.evidence["kinds"] == ["probabilities-into-logits-loss"]
    floor = finding.evidence["loss_floor"]
    assert floor == pytest.approx(np.log1p(2 / np.e))
    if framework == "torch":
        assert finding.severity == "error" and finding.evidence["trained_copy_score"] > 0.9
        assert floor <= finding.evidence["last_epoch_loss"] < floor + 0.05
        assert "cannot fall below 0.551" in finding.message
    else:
        assert finding.severity == "warning" and finding.confidence == 0.5
        assert finding.evidence["last_epoch_loss"] < floor  # Keras repaired it


def test_sigmoid_into_a_logits_loss_that_crawls_is_the_primary_cause(framework):
    """Circles at Adam 1e-3: with sigmoid outputs fed to BCEWithLogitsLoss the torch copy covers
    a few % of the way from ln 2 to the floor it cannot pass and stays at chance: the mismatch
    is the error. Keras (TensorFlow) repairs the same set-up inside fit: a warning (0.5) only."""
    from sklearn.datasets import make_circles
    from torch import nn
    import keras
    x, y = make_circles(n_samples=400, noise=0.1, factor=0.5, random_state=0)
    d = _diagnose(framework, _net(framework, 2, 1, "sigmoid"), split(x.astype(np.float32), y.astype(np.int64)),
                  torch_loss=nn.BCEWithLogitsLoss(), keras_loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  lr=1e-3)
    finding = _finding(d, "output-activation-mismatch")
    if framework == "torch":
        assert d.primary_cause == "output-activation-mismatch" and finding.severity == "error"
        assert finding.evidence["progress_to_floor"] < 0.75
    else:
        assert finding.severity == "warning" and finding.confidence == 0.5
        assert "output-activation-mismatch" not in causes(d, ("error",))


def test_softmax_applied_in_forward_is_seen_in_the_outputs():
    """torch only: a functional softmax is invisible to the module profile, not to the outputs."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = nn.Linear(4, 16), nn.Linear(16, 3)

        def forward(self, x):
            return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=1)

    torch.manual_seed(0)
    d = _diagnose("torch", Net(), _three_classes(), torch_loss=nn.CrossEntropyLoss())
    finding = _finding(d, "output-activation-mismatch")
    assert finding.evidence["activation_seen_in"] == "outputs"
    assert finding.evidence["output_activation"] == "softmax"
    assert "forward() applies it" in finding.message


@pytest.mark.parametrize("user_epochs, slowed", [(2, True), (60, False)])
def test_softmax_in_forward_that_slowed_the_users_training_outranks_undertrained(user_epochs, slowed):
    """torch only. Softmax into CrossEntropyLoss still learns, slowly: stopped after 2 epochs the
    user's model trails a copy trained further, and the mismatch (not "train longer") is the
    answer. Trained 60 epochs it has caught up: a warning only."""
    import torch
    from torch import nn
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import StandardScaler

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = nn.Linear(64, 32), nn.Linear(32, 10)

        def forward(self, x):
            return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=1)

    x, y = load_digits(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    torch.manual_seed(0)
    model = Net()
    train("torch", model, x[:1200], y[:1200], epochs=user_epochs, lr=0.05, optimizer="sgd")
    d = diagnose(model, x[:1200], y[:1200], validation_data=(x[1200:], y[1200:]), loss=nn.CrossEntropyLoss(),
                 optimizer="sgd", lr=0.05, budget=QUICK)
    finding = _finding(d, "output-activation-mismatch")
    if slowed:
        assert d.primary_cause == "output-activation-mismatch"
        assert finding.severity == "error" and "slow learning" in finding.message
    else:
        assert finding.severity == "warning"


def test_softmax_into_nll_loss_is_flagged():
    """torch only (Keras has no NLL loss): NLLLoss on probabilities is -p, between -1 and 0."""
    from torch import nn
    d = _diagnose("torch", _net("torch", 4, 3, "softmax"), _three_classes(), torch_loss=nn.NLLLoss())
    finding = _finding(d, "output-activation-mismatch")
    assert finding.evidence["kinds"] == ["probabilities-into-nll"]
    assert -1.0 <= finding.evidence["min_step_loss"] < 0.0


def test_scores_into_a_probability_loss_is_output_activation_mismatch(framework):
    """Raw scores read as probabilities. torch: BCELoss rejects them at the first step; Keras
    (from_logits=False) clips and renormalizes them, and the loss sticks at ln 3."""
    from torch import nn
    data = _two_classes() if framework == "torch" else _three_classes()
    model = _net(framework, 4, 1 if framework == "torch" else 3)
    d = _diagnose(framework, model, data, torch_loss=nn.BCELoss(), keras_loss="sparse_categorical_crossentropy")
    assert d.primary_cause == "output-activation-mismatch"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["kinds"] == ["scores-into-probability-loss"]
    low, high = finding.evidence["val_output_range"]
    assert low < 0.0 or high > 1.0
    if framework == "torch":
        assert "between 0 and 1" in finding.evidence["framework_error"]
    else:
        assert finding.evidence["last_epoch_loss"] > 0.9 * np.log(3)


@pytest.mark.parametrize("variant", ["scores", "activation"])
def test_matching_output_and_loss_have_no_activation_mismatch(framework, variant):
    """torch: raw scores + CrossEntropyLoss, LogSoftmax + NLLLoss; Keras: raw scores +
    from_logits=True, one sigmoid unit + binary_crossentropy."""
    from torch import nn
    import keras
    if variant == "scores":
        model, data = _net(framework, 4, 3), _three_classes()
        losses = {"torch_loss": nn.CrossEntropyLoss(),
                  "keras_loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True)}
    elif framework == "torch":
        model, data = _net(framework, 4, 3, "log_softmax"), _three_classes()
        losses = {"torch_loss": nn.NLLLoss()}
    else:
        model, data = _net(framework, 4, 1, "sigmoid"), _two_classes()
        losses = {"keras_loss": "binary_crossentropy"}
    d = _diagnose(framework, model, data, **losses)
    assert "output-activation-mismatch" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "output-activation-mismatch")
    assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9


def _moons():
    from sklearn.datasets import make_moons
    x, y = make_moons(n_samples=300, noise=0.2, random_state=0)
    return split(x.astype(np.float32), y.astype(np.float32))


def _scorer(framework, head=None, seed=0):
    """Two moons' one-unit scorer; ``head`` "log_sigmoid": torch applies F.logsigmoid in
    forward() (invisible to the module profile), Keras as the output layer's activation."""
    if framework == "keras":
        import keras
        keras.utils.set_random_seed(seed)
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation=head)])
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
            self.score = nn.Linear(16, 1)

        def forward(self, x):
            score = self.score(self.features(x))
            return F.logsigmoid(score) if head == "log_sigmoid" else score

    torch.manual_seed(seed)
    return Net()


def _diagnose_scorer(framework, model):
    from torch import nn
    import keras
    return _diagnose(framework, model, _moons(), torch_loss=nn.BCEWithLogitsLoss(),
                     keras_loss=keras.losses.BinaryCrossentropy(from_logits=True))


def test_log_sigmoid_head_into_a_logits_loss_is_output_activation_mismatch(framework):
    """A log-probability head under a loss that applies sigmoid itself: every output is <= 0,
    its sigmoid <= 0.5, so no sample is ever predicted positive. torch: F.logsigmoid in
    forward(), read from the outputs (the positives pile up at 0); Keras: the layer says so."""
    d = _diagnose_scorer(framework, _scorer(framework, "log_sigmoid"))
    assert d.primary_cause == "output-activation-mismatch"
    finding = d.primary
    assert finding.code == "PL001" and finding.severity == "error"
    assert finding.evidence["kinds"] == ["one-sided-scores-into-logits-loss"]
    assert finding.evidence["output_activation"] == "log_sigmoid"
    assert finding.evidence["activation_seen_in"] == ("outputs" if framework == "torch" else "model")
    assert finding.confidence == (0.85 if framework == "torch" else 0.95)
    assert finding.evidence["trained_output_range"][1] <= 0.0
    assert finding.evidence["trained_copy_recall_of_shut_out_class"] == 0.0
    assert finding.evidence["loss_floor"] == pytest.approx(0.5 * np.log(2), abs=0.01)  # half are positives
    assert finding.evidence["last_epoch_loss"] >= finding.evidence["loss_floor"]
    assert "at most 0.5" in finding.message


def test_raw_score_into_a_logits_loss_is_not_a_one_sided_head(framework):
    """The healthy twin: the same scorer returning its raw score."""
    d = _diagnose_scorer(framework, _scorer(framework))
    assert "output-activation-mismatch" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "output-activation-mismatch")
    assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9


def test_log_softmax_in_forward_into_cross_entropy_is_not_flagged():
    """torch only: log-softmax outputs are all <= 0, but softmax does not change under a shift,
    so nn.CrossEntropyLoss on them is as good as on raw scores."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = nn.Linear(4, 16), nn.Linear(16, 3)

        def forward(self, x):
            return torch.log_softmax(self.out(torch.relu(self.hidden(x))), dim=1)

    torch.manual_seed(0)
    d = _diagnose("torch", Net(), _three_classes(), torch_loss=nn.CrossEntropyLoss())
    assert "output-activation-mismatch" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "output-activation-mismatch")
    assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9


@pytest.mark.parametrize("variant", ["softmax+bce", "softmax+cce", "sigmoid+bce"])
def test_softmax_into_binary_cross_entropy_over_three_classes(framework, variant):
    """Softmax over 3 classes, one-hot labels, binary cross-entropy: each output scored as its
    own yes/no question. Twins: categorical cross-entropy, and sigmoid outputs (one-vs-rest)."""
    from torch import nn
    x_train, x_val, y_train, y_val = _three_classes()
    data = (x_train, x_val, _one_hot(y_train, 3), _one_hot(y_val, 3))
    act = "sigmoid" if variant == "sigmoid+bce" else "softmax"
    if variant == "softmax+cce":
        if framework == "torch":  # a softmax module with a categorical loss is NLLLoss on its log
            act, losses = "log_softmax", {"torch_loss": lambda out, y: nn.functional.nll_loss(out, y.argmax(1))}
        else:
            losses = {"keras_loss": "categorical_crossentropy"}
    else:
        losses = {"torch_loss": nn.BCELoss(), "keras_loss": "binary_crossentropy"}
    d = _diagnose(framework, _net(framework, 4, 3, act), data, **losses)
    kinds = [f.evidence.get("kinds") for f in d.findings if f.cause == "output-activation-mismatch"]
    assert kinds == ([["softmax-into-binary-loss"]] if variant == "softmax+bce" else [])


def test_bounded_output_on_regression_targets_out_of_its_reach(framework):
    """A sigmoid output unit on standardized regression targets (half of them negative, a
    sixth above 1): the model cannot predict most of them."""
    from torch import nn
    d = _diagnose(framework, _net(framework, 4, 1, "sigmoid"), _regression(column=True),
                  torch_loss=nn.MSELoss(), keras_loss="mse")
    finding = _finding(d, "output-activation-mismatch")
    assert d.primary_cause == "output-activation-mismatch" and finding.severity == "error"
    assert finding.evidence["kinds"] == ["bounded-regression-output"]
    assert finding.evidence["share_of_targets_out_of_reach"] > 0.5


def test_bounded_output_on_targets_in_its_reach_is_not_flagged(framework):
    """The healthy twin: the same sigmoid output on targets min-max scaled into [0, 1]."""
    from torch import nn
    x_train, x_val, y_train, y_val = _regression(column=True)
    low, high = y_train.min(), y_train.max()
    data = (x_train, x_val, (y_train - low) / (high - low), np.clip((y_val - low) / (high - low), 0, 1))
    d = _diagnose(framework, _net(framework, 4, 1, "sigmoid"), data, torch_loss=nn.MSELoss(), keras_loss="mse")
    assert "output-activation-mismatch" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "output-activation-mismatch")


# -- PL002 wrong-loss-for-task ----------------------------------------------------------------

def test_cross_entropy_on_continuous_targets_is_wrong_loss_for_task(framework):
    from torch import nn
    data = _regression(shift=50.0, scale=3.0)  # prices-like targets, 36..66
    model = _net(framework, 4, 3, None if framework == "torch" else "softmax")
    d = _diagnose(framework, model, data, torch_loss=nn.CrossEntropyLoss(),
                  keras_loss="sparse_categorical_crossentropy")
    assert d.primary_cause == "wrong-loss-for-task"
    finding = d.primary
    assert finding.code == "PL002" and finding.severity == "error"
    assert finding.evidence["distinct_values"] == 240
    low, high = finding.evidence["target_range"]
    assert 30 < low < high < 70
    assert "is a classification loss" in finding.message and "continuous" in finding.message


@pytest.mark.parametrize("amount", [True, False])
def test_cross_entropy_on_a_whole_number_amount_is_wrong_loss_for_task(framework, amount):
    """Diabetes progression (25..346, whole numbers) read as class indices by a 347-unit softmax
    output: 200+ values, most held by one or two samples. The twin is a real 30-class problem
    with 12 samples per class, the same loss."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from torch import nn
    if amount:
        x, y = load_diabetes(return_X_y=True)
        y = y.astype(np.int64)
    else:
        x, y = blobs(15, n_classes=30, n_features=6, seed=1, spread=0.3)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    data = train_test_split(x, y, test_size=0.2, random_state=0)
    model = _net(framework, x.shape[1], int(y.max()) + 1, None if framework == "torch" else "softmax", hidden=32)
    d = _diagnose(framework, model, data, torch_loss=nn.CrossEntropyLoss(),
                  keras_loss="sparse_categorical_crossentropy")
    if amount:
        assert d.primary_cause == "wrong-loss-for-task", [f.message for f in d.findings]
        assert d.primary.evidence["kind"] == "amount-as-class-indices"
        assert d.primary.evidence["median_samples_per_value"] <= 2
        assert "sorted-data-split" not in causes(d)
    else:
        assert "wrong-loss-for-task" not in causes(d, ("error", "warning", "info"))


def test_continuous_labels_are_a_finding_not_a_value_error():
    """Before PL002, diagnose() refused non-integer targets with a classification loss
    (ValueError "integer class labels"). They are the user's set-up, not a bad argument, so
    they now get a diagnosis that names the cause."""
    import torch
    from torch import nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    x = np.random.default_rng(0).normal(size=(40, 2))
    d = diagnose(model, x, np.linspace(0, 1, 40), loss="cross_entropy", budget=QUICK)
    assert d.primary_cause == "wrong-loss-for-task"
    assert d.primary.evidence["fraction_not_whole"] > 0.9


def test_mse_on_class_labels_is_wrong_loss_for_task(framework):
    model = _net(framework, 4, 3)
    d = _diagnose(framework, model, _three_classes(), torch_loss="mse", keras_loss="mse")
    assert d.primary_cause == "wrong-loss-for-task"
    finding = d.primary
    assert finding.evidence["kind"] == "regression-loss-on-class-labels"
    assert finding.evidence["classes"] == [0, 1, 2]
    assert finding.evidence["framework_error"]  # (N, 3) against (N,): both frameworks raise
    assert "3 values (0, 1, 2)" in finding.message


@pytest.mark.parametrize("ordered", [False, True])
def test_class_indices_regressed_through_one_unit(framework, ordered):
    """Labels 0..4 regressed with MSE through one unit. Overlapping blobs in no order: the rounded
    predictions are close to guessing (an error). Classes lined up along a feature: the numbers
    are an ordered amount and the rounded predictions come out right (info only)."""
    from torch import nn
    if ordered:
        rng = np.random.default_rng(1)
        y = np.repeat(np.arange(5), 60)
        x = rng.normal(size=(300, 4)).astype(np.float32)
        x[:, 0] = y + 0.15 * rng.normal(size=300)
        x_train, x_val, y_train, y_val = split(x.astype(np.float32), y)
    else:
        x_train, x_val, y_train, y_val = split(*blobs(60, n_classes=5, n_features=4, seed=1, spread=2.5))
    data = (x_train, x_val, y_train.astype(np.float32).reshape(-1, 1), y_val.astype(np.float32).reshape(-1, 1))
    d = _diagnose(framework, _net(framework, 4, 1), data, torch_loss=nn.MSELoss(), keras_loss="mse")
    finding = _finding(d, "wrong-loss-for-task")
    assert finding.evidence["kind"] == "regression-on-class-indices"
    assert finding.evidence["classes"] == [0, 1, 2, 3, 4]
    # simple_baseline scores the same split both ways: as categories and rounded from a regression
    as_classes = finding.evidence["classifier_accuracy"] - max(finding.evidence["rounded_regression_accuracy"],
                                                               finding.evidence["rounded_accuracy"])
    if ordered:
        assert finding.severity == "info"
        assert finding.evidence["rounded_accuracy"] >= 0.9
        assert as_classes < 0.1 and "simple_baseline" not in finding.confirmed_by
    else:
        assert d.primary_cause == "wrong-loss-for-task" and finding.severity == "error"
        assert finding.evidence["rounded_accuracy"] < 0.5
        assert as_classes >= 0.1 and finding.confirmed_by == ["simple_baseline"]
        assert finding.confidence == 0.9 and "name categories" in finding.message


@pytest.mark.parametrize("task", ["regression", "soft-labels"])
def test_losses_that_fit_the_task_are_not_wrong_loss(framework, task):
    from torch import nn
    if task == "regression":
        model, data = _net(framework, 4, 1), _regression(column=True)
        losses = {"torch_loss": nn.MSELoss(), "keras_loss": "mse"}
    else:  # binary cross-entropy on probabilities in [0, 1] (distillation-style targets)
        x_train, x_val, y_train, y_val = _two_classes()
        soft = lambda y: np.where(y == 1, 0.9, 0.1).astype(np.float32).reshape(-1, 1)  # noqa: E731
        model, data = _net(framework, 4, 1, "sigmoid"), (x_train, x_val, soft(y_train), soft(y_val))
        losses = {"torch_loss": nn.BCELoss(), "keras_loss": "binary_crossentropy"}
    d = _diagnose(framework, model, data, **losses)
    assert "wrong-loss-for-task" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "wrong-loss-for-task")


# -- PL003 label-encoding-mismatch ------------------------------------------------------------

def test_one_hot_labels_into_a_sparse_loss(framework):
    """Keras: one-hot rows into sparse_categorical_crossentropy raise at fit. torch's
    CrossEntropyLoss reads (N, C) float targets as class probabilities: the healthy twin."""
    from torch import nn
    x_train, x_val, y_train, y_val = _three_classes()
    data = (x_train, x_val, _one_hot(y_train, 3), _one_hot(y_val, 3))
    model = _net(framework, 4, 3, None if framework == "torch" else "softmax")
    d = _diagnose(framework, model, data, torch_loss=nn.CrossEntropyLoss(),
                  keras_loss="sparse_categorical_crossentropy")
    if framework == "keras":
        assert d.primary_cause == "label-encoding-mismatch"
        finding = d.primary
        assert finding.evidence["kind"] == "one-hot-into-sparse-loss"
        assert finding.evidence["target_shape"] == "(N, 3)"
        assert "rank" in finding.evidence["framework_error"]
    else:
        assert "label-encoding-mismatch" not in causes(d, ("error", "warning", "info"))
        assert _ruled_out(d, "label-encoding-mismatch")
        assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9


def test_integer_labels_into_binary_loss_over_two_units_is_label_encoding_mismatch(framework):
    from torch import nn
    model = _net(framework, 4, 2, None if framework == "torch" else "sigmoid")
    d = _diagnose(framework, model, _two_classes(), torch_loss=nn.BCEWithLogitsLoss(),
                  keras_loss="binary_crossentropy")
    assert d.primary_cause == "label-encoding-mismatch"
    finding = d.primary
    assert finding.code == "PL003" and finding.severity == "error"
    assert finding.evidence["kind"] == "integers-into-multi-unit-binary-loss"
    assert finding.evidence["target_shape"] == "(N,)" and finding.evidence["output_units"] == 2
    assert finding.evidence["framework_error"]  # both frameworks refuse (N,) against (N, 2)
    assert "The recorded run failed with" in finding.message


def test_integer_labels_into_a_one_hot_loss_is_label_encoding_mismatch(framework):
    """Keras: categorical_crossentropy wants one-hot rows; torch has no such loss, its one-hot
    -shaped loss is BCEWithLogitsLoss over C units (multi-label)."""
    from torch import nn
    model = _net(framework, 4, 3, None if framework == "torch" else "softmax")
    d = _diagnose(framework, model, _three_classes(), torch_loss=nn.BCEWithLogitsLoss(),
                  keras_loss="categorical_crossentropy")
    assert d.primary_cause == "label-encoding-mismatch"
    expected = "integers-into-multi-unit-binary-loss" if framework == "torch" else "integers-into-categorical-loss"
    assert d.primary.evidence["kind"] == expected
    assert d.primary.evidence["classes_in_labels"] == 3


def test_labels_matching_the_loss_have_no_encoding_finding(framework):
    """Integer labels + CrossEntropyLoss (torch); one-hot rows + categorical_crossentropy with an
    accuracy metric (Keras: accuracy fits a classification, so no wrong-metric either)."""
    from torch import nn
    x_train, x_val, y_train, y_val = _three_classes()
    if framework == "keras":
        y_train, y_val = _one_hot(y_train, 3), _one_hot(y_val, 3)
    model = _net(framework, 4, 3, None if framework == "torch" else "softmax")
    d = _diagnose(framework, model, (x_train, x_val, y_train, y_val), torch_loss=nn.CrossEntropyLoss(),
                  keras_loss="categorical_crossentropy", metrics=["accuracy"])
    found = causes(d, ("error", "warning", "info"))
    assert "label-encoding-mismatch" not in found and "wrong-metric" not in found
    assert _ruled_out(d, "label-encoding-mismatch")
    assert d.metrics["trained_copy_val_accuracy"]["value"] > 0.9


# -- PL004 shape-broadcast --------------------------------------------------------------------

def test_output_n1_against_target_n_is_shape_broadcast_in_torch_only(framework):
    """(N, 1) outputs against (N,) targets: torch's MSELoss broadcasts to (N, N) and learns the
    mean; Keras squeezes the target to the output's rank, so the same set-up is healthy there."""
    from torch import nn
    model = _net(framework, 4, 1)
    d = _diagnose(framework, model, _regression(), torch_loss=nn.MSELoss(), keras_loss="mse")
    if framework == "torch":
        assert d.primary_cause == "shape-broadcast"
        finding = d.primary
        assert finding.code == "PL004" and finding.severity == "error"
        assert (finding.evidence["output_shape"], finding.evidence["target_shape"]) == ("(N, 1)", "(N,)")
        assert finding.evidence["trained_output_std"] < 0.25 * finding.evidence["target_std"]
        assert finding.evidence["trained_copy_score"] < 0.2
    else:
        assert "shape-broadcast" not in causes(d, ("error", "warning", "info"))
        # asked, the loss scores outputs equal to the targets 0: it pairs them
        assert any(r["cause"] == "shape-broadcast" and "pairs each output" in r["why"] for r in d.ruled_out)
        assert d.metrics["trained_copy_val_r2"] > 0.9


def _custom_squared_error(framework):
    """A loss written by hand, as users write one: no reshaping of its own."""
    if framework == "torch":
        def squared_error(out, y):
            return ((out - y) ** 2).mean()
        return squared_error
    import keras

    class SquaredError(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)
    return SquaredError()


def test_a_hand_written_loss_that_broadcasts_is_shape_broadcast(framework):
    """A custom loss (a Keras Loss class, a torch function) gets (N,) targets against (N, 1)
    outputs and broadcasts them to (N, N): Keras's own reshaping applies to its built-in losses
    only. Asked, the loss scores outputs equal to the targets about 2x their variance."""
    loss = _custom_squared_error(framework)
    d = _diagnose(framework, _net(framework, 4, 1), _regression(), torch_loss=loss, keras_loss=loss)
    assert d.primary_cause == "shape-broadcast", [f.message for f in d.findings]
    finding = d.primary
    assert "perfect_prediction" in finding.confirmed_by
    assert finding.evidence["perfect_prediction_loss"] > 1.0 * finding.evidence["target_variance"]
    assert finding.evidence["perfect_prediction_loss_matched_shapes"] < 1e-6


def test_a_hand_written_loss_given_matching_shapes_is_not_shape_broadcast(framework):
    loss = _custom_squared_error(framework)
    d = _diagnose(framework, _net(framework, 4, 1), _regression(column=True), torch_loss=loss, keras_loss=loss)
    assert "shape-broadcast" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "shape-broadcast")
    assert d.metrics["trained_copy_val_r2"] > 0.9


def test_same_output_and_target_shapes_have_no_shape_broadcast(framework):
    from torch import nn
    d = _diagnose(framework, _net(framework, 4, 1), _regression(column=True), torch_loss=nn.MSELoss(),
                  keras_loss="mse")
    assert "shape-broadcast" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "shape-broadcast")
    assert d.metrics["trained_copy_val_r2"] > 0.9


# -- PL005 wrong-metric -----------------------------------------------------------------------

def test_accuracy_on_a_regression_is_wrong_metric(framework):
    if framework == "torch":
        pytest.skip("torch models have no compiled metrics: wrong-metric is a Keras fault")
    model = _net(framework, 4, 1)
    d = _diagnose(framework, model, _regression(), keras_loss="mse", metrics=["accuracy"], fit_epochs=40)
    assert d.primary_cause == "wrong-metric"
    finding = d.primary
    assert finding.code == "PL005" and finding.severity == "warning"
    assert finding.evidence["metric_value"] < 0.05  # binary accuracy on continuous targets
    assert finding.evidence["r2"] > 0.9
    assert "binary accuracy" in finding.evidence["computed_as"]


def test_regression_metrics_are_not_wrong_metric(framework):
    """Keras: metrics=["mae"] on the same regression; torch: no compiled metrics to judge."""
    from torch import nn
    d = _diagnose(framework, _net(framework, 4, 1), _regression(column=True), torch_loss=nn.MSELoss(),
                  keras_loss="mse", metrics=["mae"])
    assert "wrong-metric" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "wrong-metric") == (framework == "keras")


@pytest.mark.parametrize("metric, flagged", [("Accuracy()", True), ("accuracy", False)])
def test_exact_match_accuracy_on_a_classifier_is_wrong_metric(framework, metric, flagged):
    """keras.metrics.Accuracy() (the class) compares raw softmax outputs with integer labels
    for exact equality: ~0 on a classifier that is fine. The string resolves by shapes."""
    if framework == "torch":
        pytest.skip("torch models have no compiled metrics: wrong-metric is a Keras fault")
    import keras
    metrics = [keras.metrics.Accuracy()] if metric == "Accuracy()" else [metric]
    x_train, x_val, y_train, y_val = _three_classes()
    data = x_train, x_val, y_train[:, None], y_val[:, None]  # Accuracy() rejects (N,) labels outright
    d = _diagnose("keras", _net("keras", 4, 3, "softmax"), data, keras_loss="sparse_categorical_crossentropy",
                  metrics=metrics, fit_epochs=40)
    assert ("wrong-metric" in causes(d, ("warning",))) == flagged, [f.message for f in d.findings]
    if flagged:
        finding = _finding(d, "wrong-metric")
        assert finding.evidence["metric"] == "keras.metrics.Accuracy()"
        assert finding.evidence["metric_value"] < 0.05 and finding.evidence["accuracy"] > 0.8
        assert d.primary_cause == "wrong-metric"
    else:
        assert d.verdict == "healthy"


def test_keras_profile_lists_compiled_metrics():
    """The Keras adapter reports what ``compile(metrics=...)`` was given (PL005's evidence)."""
    import keras
    from nndoctor.adapters import adapter_for
    model = _net("keras", 4, 1)
    model.compile(loss="mse", metrics=["accuracy", keras.metrics.RootMeanSquaredError()],
                  weighted_metrics=["mae"])
    extra = adapter_for(model).profile().extra
    assert extra["metrics"] == ["accuracy", "root_mean_squared_error", "mae"]
    assert extra["backend"] == keras.backend.backend()
