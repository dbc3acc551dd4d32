"""GD001-GD004: weights that never update, exploding and vanishing gradients, dead ReLUs; each
with a healthy twin, in both frameworks."""

import numpy as np
import pytest

from nndoctor import diagnose

from ..conftest import QUICK, blobs, causes, mlp, setup, split, train

P = "test_dynamics::"
COVERAGE = {
    "parameters-not-updating": (
        [P + "test_frozen_model_is_parameters_not_updating",
         P + "test_zero_learning_rate_is_parameters_not_updating",
         P + "test_optimizer_over_another_model_is_parameters_not_updating",
         P + "test_layers_in_a_plain_list_are_parameters_not_updating",
         P + "test_a_train_step_that_never_applies_its_gradients_is_parameters_not_updating",
         P + "test_raw_tf_variables_in_a_custom_keras_layer_are_parameters_not_updating"],
        [P + "test_trainable_twin_is_not_flagged", P + "test_fine_tuned_head_is_not_flagged",
         P + "test_a_train_step_that_applies_its_gradients_is_not_flagged",
         P + "test_a_model_that_fits_its_data_exactly_is_not_flagged",
         P + "test_layers_in_a_plain_list_are_parameters_not_updating",
         P + "test_a_custom_keras_layer_with_add_weight_is_not_flagged",
         P + "test_a_custom_keras_layer_frozen_on_purpose_is_not_flagged"]),
    "exploding-gradients": (
        [P + "test_deep_net_with_large_init_has_exploding_gradients",
         P + "test_a_deep_net_trained_to_nan_is_exploding_gradients_when_clipping_fixes_a_fresh_copy",
         P + "test_a_net_trained_to_nan_whose_fresh_copy_dies_instead_is_exploding_gradients"],
        [P + "test_he_init_twin_has_no_exploding_gradients",
         P + "test_huge_lr_is_lr_too_high_not_exploding_gradients",
         P + "test_a_net_trained_to_nan_that_a_standard_init_fixes_is_not_exploding_gradients"]),
    "vanishing-gradients": (
        [P + "test_deep_sigmoid_stack_has_vanishing_gradients",
         P + "test_deep_narrow_tanh_stack_with_small_weights_loses_its_signal"],
        [P + "test_relu_twin_of_same_depth_does_not_vanish", P + "test_shallow_sigmoid_twin_does_not_vanish",
         P + "test_deep_narrow_tanh_twin_with_glorot_init_keeps_its_signal"]),
    "dead-relu": (
        [P + "test_negative_bias_init_is_dead_relu"],
        [P + "test_zero_bias_twin_is_not_dead_relu"]),
}

RUN = {"budget": QUICK, "epochs": 28}  # ~300 steps


def _data():
    return split(*blobs(150, n_classes=3, n_features=4, seed=1))


def _diagnose(model, kwargs):
    x_train, x_val, y_train, y_val = _data()
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), **RUN, **kwargs)


def _ruled_out(d, cause):
    return any(r["cause"] == cause for r in d.ruled_out)


def deep(framework, depth, act="relu", gain=None, bias=None, n_in=4, n_out=3, width=32, seed=0):
    """``depth`` hidden Dense(width, act) layers and a linear output. ``gain``: every kernel drawn
    from N(0, (gain * He std)^2) (ReLU) or N(0, (gain * Glorot std)^2), biases 0; None keeps the
    framework default. ``bias``: a constant for the hidden layers' biases."""
    sizes = [n_in] + [width] * depth + [n_out]

    def std(i):
        fan_in, fan_out = sizes[i], sizes[i + 1]
        return gain * (np.sqrt(2 / fan_in) if act == "relu" else np.sqrt(2 / (fan_in + fan_out)))

    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(seed)
        layers = []
        for i in range(depth + 1):
            linear = nn.Linear(sizes[i], sizes[i + 1])
            with torch.no_grad():
                if gain is not None:
                    linear.weight.normal_(0.0, std(i))
                    linear.bias.zero_()
                if bias is not None and i < depth:
                    linear.bias.fill_(bias)
            layers.append(linear)
            if i < depth:
                layers.append({"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[act]())
        return nn.Sequential(*layers)
    import keras
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((n_in,))]
    for i in range(depth + 1):
        kw = {}
        if gain is not None:
            kw["kernel_initializer"] = keras.initializers.RandomNormal(stddev=std(i), seed=seed + i)
        if bias is not None and i < depth:
            kw["bias_initializer"] = keras.initializers.Constant(bias)
        layers.append(keras.layers.Dense(sizes[i + 1], activation=act if i < depth else None, **kw))
    return keras.Sequential(layers)


# -- GD001 parameters-not-updating ---------------------------------------------------------

def test_frozen_model_is_parameters_not_updating(framework):
    model = mlp(framework, 4, 3)
    if framework == "torch":
        for p in model.parameters():
            p.requires_grad_(False)
    else:
        model.trainable = False
    d = _diagnose(model, setup(framework, model, lr=1e-2))
    assert d.primary_cause == "parameters-not-updating"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["reason"] == "frozen"
    assert finding.evidence["stuck_weight_share"] == 1.0
    assert finding.evidence["trainable_params"] == 0
    assert "unfreeze" in finding.confirmed_by and finding.evidence["unfreeze_score"] > 0.9
    # the user's model stays frozen: only the copy was unfrozen
    if framework == "torch":
        assert not any(p.requires_grad for p in model.parameters())
    else:
        assert not model.trainable and not model.trainable_weights


def test_zero_learning_rate_is_parameters_not_updating(framework):
    model = mlp(framework, 4, 3)
    if framework == "torch":
        import torch
        kwargs = {"loss": "cross_entropy", "optimizer": torch.optim.SGD(model.parameters(), lr=0.0)}
    else:
        import keras
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        kwargs = {}
    d = _diagnose(model, kwargs)
    assert d.primary_cause == "parameters-not-updating"
    assert d.primary.evidence["reason"] == "zero-lr"
    assert "learning rate is 0" in d.primary.message


def test_optimizer_over_another_model_is_parameters_not_updating(framework):
    """``model = Net(); opt = Adam(model.parameters()); model = Net()``: step() moves the old one."""
    if framework == "keras":
        pytest.skip("a Keras optimizer binds to the variables of the model that compiles it")
    import torch
    model, stale = mlp(framework, 4, 3), mlp(framework, 4, 3, seed=1)
    optimizer = torch.optim.Adam(stale.parameters(), lr=1e-2)
    d = _diagnose(model, {"loss": "cross_entropy", "optimizer": optimizer})
    assert d.primary_cause == "parameters-not-updating"
    finding = d.primary
    assert finding.evidence["reason"] == "optimizer"
    assert finding.evidence["optimizer_param_coverage"] == 0.0
    assert "unfreeze" in finding.confirmed_by
    assert "model.parameters()" in finding.fix_code


def _custom_step_model(apply_gradients: bool):
    """A subclassed Keras model with its own train_step and optional clipping; the faulty one
    applies the gradients inside `if self.clip_norm is not None:`, with clip_norm left at None."""
    import keras
    import tensorflow as tf

    class Net(keras.Model):
        def __init__(self, clip_norm=None, **kwargs):
            super().__init__(**kwargs)
            self.clip_norm = clip_norm
            self.hidden, self.out = keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)

        def call(self, x):
            return self.out(self.hidden(x))

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
            grads = tape.gradient(loss, self.trainable_variables)
            if self.clip_norm is not None:
                grads, _ = tf.clip_by_global_norm(grads, self.clip_norm)
                if not apply_gradients:
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            if apply_gradients:
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"loss": loss}

    keras.utils.set_random_seed(0)
    model = Net()
    model(np.zeros((1, 4), dtype=np.float32))
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_a_train_step_that_never_applies_its_gradients_is_parameters_not_updating(framework):
    if framework == "torch":
        pytest.skip("diagnose() trains a torch copy with its own loop, which steps; nndoctor run sees a "
                    "torch loop without step() (RUN001)")
    import keras
    model = _custom_step_model(apply_gradients=False)
    d = _diagnose(model, {})
    assert d.primary_cause == "parameters-not-updating", [f.message for f in d.findings]
    assert d.primary.evidence["reason"] == "never-applied"
    assert "train_step" in d.primary.message and "apply_gradients" in d.primary.fix_code
    assert type(model).train_step is not keras.Model.train_step


def test_a_train_step_that_applies_its_gradients_is_not_flagged(framework):
    if framework == "torch":
        pytest.skip("a custom train_step is a Keras model's")
    model = _custom_step_model(apply_gradients=True)
    d = _diagnose(model, {})
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "parameters-not-updating")


def test_trainable_twin_is_not_flagged(framework):
    model = mlp(framework, 4, 3)
    if framework == "torch":
        import torch
        kwargs = {"loss": "cross_entropy", "optimizer": torch.optim.Adam(model.parameters(), lr=1e-2)}
    else:
        kwargs = setup(framework, model, lr=1e-2)
    d = _diagnose(model, kwargs)
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "parameters-not-updating")
    model_profile = d.details["model"]
    assert all(layer["trainable"] for layer in model_profile["layers"] if layer["kind"] == "dense")


def test_fine_tuned_head_is_not_flagged(framework):
    """A frozen first layer under a head that learns is transfer learning, not a fault."""
    model = mlp(framework, 4, 3)
    if framework == "torch":
        for p in model[0].parameters():
            p.requires_grad_(False)
    else:
        model.layers[0].trainable = False
    d = _diagnose(model, setup(framework, model, lr=1e-2))
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))
    why = next(r["why"] for r in d.ruled_out if r["cause"] == "parameters-not-updating")
    assert "frozen by design" in why


def test_a_model_that_fits_its_data_exactly_is_not_flagged(framework):
    """Trained at lr 1.0 until its training loss is 0 in float32: no gradient is left, but the
    graph is not cut (measured: flagged as a cut graph before the loss was looked at)."""
    x_train, _, y_train, _ = _data()
    model = mlp(framework, 4, 3)
    kwargs = setup(framework, model, lr=1.0)
    train(framework, model, x_train, y_train, epochs=60, lr=1.0)
    d = _diagnose(model, kwargs)
    # the premise: a training loss of 0 in float32 (Keras 3.15.1 leaves 7e-10: no gradient either)
    assert d.experiments[0]["result"]["final_train_loss"] < 1e-6
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))
    why = next(r["why"] for r in d.ruled_out if r["cause"] == "parameters-not-updating")
    # with Keras 3.15.1 the last 7e-10 of loss still moves the weights (1e-5): nothing is stuck
    assert "fits its training data exactly" in why or (framework == "keras" and "every weighted layer changed" in why)


def test_detached_hidden_layers_are_reported_as_info(framework):
    """A graph cut under a head that still learns may be intended: info, not an error."""
    if framework == "keras":
        pytest.skip("Keras cannot clone a Lambda(stop_gradient) model, so nndoctor cannot train it")
    import torch
    from torch import nn

    class Detached(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.hidden, self.out = nn.Linear(4, 32), nn.Linear(32, 3)

        def forward(self, x):
            return self.out(torch.relu(self.hidden(x)).detach())

    d = _diagnose(Detached(), {"loss": "cross_entropy", "optimizer": "adam", "lr": 1e-2})
    finding = next(f for f in d.findings if f.cause == "parameters-not-updating")
    assert finding.severity == "info" and finding.evidence["reason"] == "no-gradient"
    assert finding.evidence["stuck_layers"] == ["hidden"]
    assert _ruled_out(d, "vanishing-gradients")


# -- GD002 exploding-gradients --------------------------------------------------------------

def test_deep_net_with_large_init_has_exploding_gradients(framework):
    """10 ReLU layers, each 1.5x a He init (within bad-init-scale's 5x), plain SGD at 0.05."""
    model = deep(framework, 10, gain=1.5)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.05))
    assert d.primary_cause == "exploding-gradients"
    finding = d.primary
    assert finding.confirmed_by == ["clip"]
    assert finding.evidence["start_grad_to_weight"] > 10
    assert finding.evidence["nonfinite_loss_step"] is not None
    assert finding.evidence["clipped_score"] > 0.9


def test_he_init_twin_has_no_exploding_gradients(framework):
    model = deep(framework, 10, gain=1.0)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.05))
    assert "exploding-gradients" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "exploding-gradients")


def _trained_to_nan(framework, depth, lr):
    """The user trained a deep ReLU net (1.5x He init) with SGD until its weights went NaN."""
    x_train, x_val, y_train, y_val = _data()
    model = deep(framework, depth, gain=1.5)
    kwargs = setup(framework, model, optimizer="sgd", lr=lr)
    train(framework, model, x_train, y_train, epochs=20, lr=lr, optimizer="sgd")
    return diagnose(model, x_train, y_train, validation_data=(x_val, y_val), **RUN, **kwargs)


def test_a_deep_net_trained_to_nan_is_exploding_gradients_when_clipping_fixes_a_fresh_copy(framework):
    """The NaN weights erase the start; from a standard init at the same lr the run still blows
    up, and clipping the gradient norm alone fixes it. (A lower lr fixes it too: when the
    erased start leaves the two indistinguishable, lr-too-high may rank first.)"""
    d = _trained_to_nan(framework, 10, 0.2)
    assert d.details["fresh_start"] is True
    finding = next((f for f in d.findings if f.cause == "exploding-gradients"), None)
    assert finding is not None and finding.severity == "error", [f.message for f in d.findings]
    assert finding.confirmed_by == ["clip"]
    assert d.primary_cause in {"exploding-gradients", "lr-too-high"}


def test_a_net_trained_to_nan_whose_fresh_copy_dies_instead_is_exploding_gradients(framework):
    """SGD with momentum 0.9 at lr 0.1 blew the user's 10-layer net (1.5x He) up to NaN. From a
    standard init the same steps kill the copy's ReLUs instead of blowing up; clipping fixes
    it, so the gradients are named, not the dead units (a consequence, not what the user saw)."""
    x_train, x_val, y_train, y_val = _data()
    model = deep(framework, 10, gain=1.5, width=16)
    setup(framework, model, optimizer="sgd", lr=0.1, momentum=0.9)
    kwargs = train(framework, model, x_train, y_train, epochs=20, optimizer="sgd", lr=0.1, momentum=0.9)
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), **RUN, **kwargs)
    assert d.details["fresh_start"] is True
    assert d.primary_cause == "exploding-gradients", [f.message for f in d.findings]
    assert d.primary.confirmed_by == ["clip"]
    assert "does not learn" in d.primary.message


def test_a_net_trained_to_nan_that_a_standard_init_fixes_is_not_exploding_gradients(framework):
    """8 layers at lr 0.12: a standard init trains fine with the user's settings, so nothing
    explodes in the fresh copy (the init is the likelier culprit)."""
    d = _trained_to_nan(framework, 8, 0.12)
    assert d.details["fresh_start"] is True
    assert "exploding-gradients" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "exploding-gradients")


def test_huge_lr_is_lr_too_high_not_exploding_gradients(framework):
    """NaN at lr 200 with normal gradients at the start: the learning rate, not the gradients."""
    model = mlp(framework, 4, 3)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=200.0))
    assert d.primary_cause == "lr-too-high"
    assert "exploding-gradients" not in causes(d, ("error", "warning", "info"))
    why = next(r["why"] for r in d.ruled_out if r["cause"] == "exploding-gradients")
    assert "normal at the start" in why


# -- GD003 vanishing-gradients --------------------------------------------------------------

def test_deep_sigmoid_stack_has_vanishing_gradients(framework):
    model = deep(framework, 8, act="sigmoid")
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.1))
    assert d.primary_cause == "vanishing-gradients"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["gradient_ratio"] < 1e-3
    assert finding.evidence["first_weight_change"] < 1e-2 < finding.evidence["last_weight_change"]


def test_relu_twin_of_same_depth_does_not_vanish(framework):
    model = deep(framework, 8, act="relu", gain=1.0)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.1))
    assert "vanishing-gradients" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "vanishing-gradients")


def test_shallow_sigmoid_twin_does_not_vanish(framework):
    model = deep(framework, 2, act="sigmoid")
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.1))
    assert "vanishing-gradients" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "vanishing-gradients")


def test_deep_narrow_tanh_stack_with_small_weights_loses_its_signal(framework):
    # 14 tanh layers of 8 units at half a Glorot std: the forward signal shrinks layer by layer,
    # so the last layer's gradient is tiny too and the first/last gradient ratio looks normal
    model = deep(framework, 14, act="tanh", gain=0.5, width=8)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.1))
    assert d.primary_cause == "vanishing-gradients"
    finding = d.primary
    assert finding.severity == "error"
    assert finding.evidence["gradient_ratio"] > 1e-3
    assert finding.evidence["spread_ratio"] < 1e-3


def test_deep_narrow_tanh_twin_with_glorot_init_keeps_its_signal(framework):
    model = deep(framework, 14, act="tanh", gain=1.0, width=8)
    d = _diagnose(model, setup(framework, model, optimizer="sgd", lr=0.1))
    assert "vanishing-gradients" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "vanishing-gradients")


# -- GD004 dead-relu ------------------------------------------------------------------------

def test_negative_bias_init_is_dead_relu(framework):
    model = deep(framework, 2, bias=-5.0)
    d = _diagnose(model, setup(framework, model, lr=1e-2))
    assert d.primary_cause == "dead-relu"
    finding = d.primary
    assert finding.evidence["dead_since_init"]
    assert max(finding.evidence["dead_layers"].values()) == 1.0
    assert finding.evidence["feeding_bias_mean"] == pytest.approx(-5.0)
    assert "reinit" in finding.confirmed_by and finding.evidence["reinit_score"] > 0.9
    # the zero gradients are the dead units' doing, not a frozen optimizer's
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))


def test_zero_bias_twin_is_not_dead_relu(framework):
    model = deep(framework, 2)
    d = _diagnose(model, setup(framework, model, lr=1e-2))
    assert "dead-relu" not in causes(d, ("error", "warning", "info"))
    assert _ruled_out(d, "dead-relu")


def _listed_mlp(container: str):
    """Four tanh blocks held in ``container`` ("list" or "ModuleList") and a linear head."""
    import torch
    from torch import nn
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            blocks = [nn.Sequential(nn.Linear(2 if i == 0 else 16, 16), nn.Tanh()) for i in range(4)]
            self.blocks = blocks if container == "list" else nn.ModuleList(blocks)
            self.head = nn.Linear(16, 2)

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return self.head(x)
    return Net()


@pytest.mark.parametrize("container", ["list", "ModuleList"])
def test_layers_in_a_plain_list_are_parameters_not_updating(framework, container):
    """``self.blocks = [...]``: model.parameters() leaves the blocks out, so the optimizer trains
    the head alone on fixed random features; on circles that is not enough. GD006 trains a copy
    with the blocks added (unfreeze) to confirm. The nn.ModuleList twin is healthy."""
    if framework == "keras":
        pytest.skip("Keras tracks the layers a model holds in lists: the fault is PyTorch's")
    import torch
    from sklearn.datasets import make_circles
    x, y = make_circles(600, noise=0.08, factor=0.5, random_state=0)
    x_train, x_val, y_train, y_val = split(x.astype(np.float32), y)
    model = _listed_mlp(container)
    before = [p.detach().clone() for p in model.blocks[0].parameters()]
    d = diagnose(model, x_train, y_train, validation_data=(x_val, y_val), loss=torch.nn.CrossEntropyLoss(),
                 optimizer="sgd", lr=0.05, budget=QUICK, epochs=60)
    assert all(torch.equal(a, b) for a, b in zip(before, model.blocks[0].parameters()))
    if container == "list":
        assert d.primary_cause == "parameters-not-updating", [f.message for f in d.findings]
        finding = d.primary
        assert finding.code == "GD006" and finding.severity == "error"
        assert finding.evidence["unregistered_layers"] == [f"blocks[{i}]" for i in range(4)]
        assert "unfreeze" in finding.confirmed_by
        assert finding.evidence["registered_score"] > finding.evidence["recorded_score"] + 0.1
    else:
        assert not any(f.code == "GD006" for f in d.findings)
        assert not any(r["rule"] == "GD006" for r in d.ruled_out)


def _custom_dense_model(weights: str, frozen: bool = False):
    """Two custom dense layers (``hidden``: 16 ReLU units, ``out``: 3) whose kernel is an
    attribute and whose bias sits in a dict. ``weights``: "tf.Variable" (raw variables, the
    TF 2.x habit Keras 3 does not track) or "add_weight". ``frozen``: ``hidden`` is frozen on
    purpose (trainable=False), then a trainable layer holds a fixed raw projection
    (tf.Variable(trainable=False)) and a non-trainable add_weight scale, under a keras Dense head."""
    import keras
    import tensorflow as tf

    class MyDense(keras.layers.Layer):
        def __init__(self, units, activation=None, **kwargs):
            super().__init__(**kwargs)
            self.units, self.activation = units, keras.activations.get(activation)

        def build(self, input_shape):
            shape = (int(input_shape[-1]), self.units)
            if weights == "tf.Variable":
                limit = float(np.sqrt(6.0 / sum(shape)))
                self.kernel = tf.Variable(tf.random.uniform(shape, -limit, limit, seed=1))
                self.params = {"bias": tf.Variable(tf.zeros((self.units,)))}
            else:
                self.kernel = self.add_weight(shape=shape, initializer="glorot_uniform")
                self.params = {"bias": self.add_weight(shape=(self.units,), initializer="zeros")}

        def call(self, x):
            return self.activation(tf.matmul(x, self.kernel) + self.params["bias"])

        def get_config(self):
            return {**super().get_config(), "units": self.units,
                    "activation": keras.activations.serialize(self.activation)}

    class FixedProjection(keras.layers.Layer):
        def build(self, input_shape):
            n = int(input_shape[-1])
            self.projection = tf.Variable(tf.random.normal((n, n), seed=2) / n ** 0.5, trainable=False)
            self.scale = self.add_weight(shape=(n,), initializer="ones", trainable=False)

        def call(self, x):
            return tf.matmul(x, self.projection) * self.scale

    keras.utils.set_random_seed(0)
    hidden = MyDense(16, activation="relu", name="hidden")
    if frozen:
        model = keras.Sequential([keras.Input((4,)), hidden, FixedProjection(name="fixed"),
                                  keras.layers.Dense(3, name="out")])
        hidden.trainable = False
    else:
        model = keras.Sequential([keras.Input((4,)), hidden, MyDense(3, name="out")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _layer_state(model):
    """Each layer's attribute names and the values of the raw variables it holds."""
    import tensorflow as tf
    state = []
    for layer in model.layers:
        held = [layer.kernel] + list(layer.params.values()) if hasattr(layer, "params") else []
        state.append((sorted(vars(layer)), [v.numpy().copy() for v in held if isinstance(v, tf.Variable)]))
    return state


def test_raw_tf_variables_in_a_custom_keras_layer_are_parameters_not_updating(framework):
    """``self.kernel = tf.Variable(...)`` in build(): Keras 3 does not track it, so the model has
    no trainable weight and fit() trains nothing. GD007 names the variables and trains a copy
    with them made weights (unfreeze) to confirm."""
    if framework == "torch":
        pytest.skip("raw tf.Variables that Keras does not track are a Keras fault")
    model = _custom_dense_model("tf.Variable")
    assert not model.trainable_weights
    before = _layer_state(model)
    d = _diagnose(model, {})
    assert d.primary_cause == "parameters-not-updating", [f.message for f in d.findings]
    finding = d.primary
    assert finding.code == "GD007" and finding.severity == "error"
    assert finding.evidence["untracked_variables"] == ["hidden.kernel", "hidden.params['bias']",
                                                       "out.kernel", "out.params['bias']"]
    assert finding.evidence["untracked_params"] == 4 * 16 + 16 + 16 * 3 + 3
    assert finding.evidence["trainable_params"] == 0
    assert "unfreeze" in finding.confirmed_by
    assert finding.evidence["tracked_score"] > finding.evidence["recorded_score"] + 0.2
    assert "add_weight" in finding.fix
    # the user's model is left as found: still untracked, same attributes, same values
    assert not model.weights
    after = _layer_state(model)
    for (names, values), (names_after, values_after) in zip(before, after):
        assert names == names_after
        assert all(np.array_equal(a, b) for a, b in zip(values, values_after))


def test_a_custom_keras_layer_with_add_weight_is_not_flagged(framework):
    if framework == "torch":
        pytest.skip("raw tf.Variables that Keras does not track are a Keras fault")
    model = _custom_dense_model("add_weight")
    d = _diagnose(model, {})
    assert "parameters-not-updating" not in causes(d, ("error", "warning", "info"))
    assert not any(f.code == "GD007" for f in d.findings)
    assert not any(r["rule"] == "GD007" for r in d.ruled_out)


def test_a_custom_keras_layer_frozen_on_purpose_is_not_flagged(framework):
    """A layer set trainable=False holding raw tf.Variables, and a trainable layer with a fixed
    raw projection made with trainable=False and a non-trainable add_weight scale: none of it is
    meant to train, and the Dense head learns."""
    if framework == "torch":
        pytest.skip("raw tf.Variables that Keras does not track are a Keras fault")
    model = _custom_dense_model("tf.Variable", frozen=True)
    d = _diagnose(model, {})
    assert not any(f.code == "GD007" for f in d.findings), [f.message for f in d.findings]
    assert not any(r["rule"] == "GD007" for r in d.ruled_out)
    assert not model.layers[0].trainable
