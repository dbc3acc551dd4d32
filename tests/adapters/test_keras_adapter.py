"""KerasAdapter: profile, inference, recorded training copies, and leaving the user's state alone."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from sklearn.datasets import make_classification, make_regression  # noqa: E402

from nndoctor.adapters import TrainSpec, adapter_for  # noqa: E402

from ..conftest import assert_same  # noqa: E402
from nndoctor.adapters.keras import KerasAdapter  # noqa: E402

L = keras.layers
# Keras's TF backend converts tensors with np.array(x), which NumPy 2 flags; not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


@pytest.fixture(autouse=True)
def _seeded():
    keras.utils.set_random_seed(1)


def blobs(n=400):
    x, y = make_classification(n, 2, n_informative=2, n_redundant=0, class_sep=2.0, random_state=0)
    return x.astype("float32"), y


def mlp(compile_=True, dropout=False):
    hidden = [L.Dense(10, activation="relu")] + ([L.Dropout(0.2), L.BatchNormalization()] if dropout else [])
    model = keras.Sequential([keras.Input((2,)), *hidden, L.Dense(2, activation="softmax")])
    if compile_:
        model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01))
    return model


def spec_for(x, y, task="classification", n_classes=2, **kw):
    cut = int(0.8 * len(x))
    return TrainSpec(x[:cut], y[:cut], x[cut:], y[cut:], task, n_classes, probe_x=x[:64], **kw)


def test_profile_of_compiled_sequential():
    profile = adapter_for(mlp()).profile()
    assert [(layer.kind, layer.units, layer.activation) for layer in profile.layers] == [
        ("dense", 10, "relu"), ("dense", 2, "softmax")]
    assert profile.layers[0].weight.shape == (2, 10) and profile.layers[0].bias.shape == (10,)
    assert profile.output_activation == "softmax" and profile.output_units == 2
    assert profile.loss_name == "sparse_categorical_crossentropy" and profile.loss_from_logits is False
    assert profile.optimizer_name == "Adam" and profile.lr == 0.01
    assert profile.n_params == 2 * 10 + 10 + 10 * 2 + 2 and profile.framework == "keras"


def test_activation_layers_conv_and_overrides():
    model = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3), L.ReLU(), L.Flatten(),
                              L.Dense(3), L.Dropout(0.1), L.Activation("softmax")])
    profile = KerasAdapter(model, loss="categorical_crossentropy", optimizer="sgd", lr=0.1).profile()
    assert [layer.kind for layer in profile.layers] == [
        "conv", "activation", "other", "dense", "dropout", "activation"]
    conv = profile.layers[0]
    assert conv.weight.shape == (3 * 3 * 1, 4) and conv.activation == "relu"  # folded from ReLU()
    assert profile.layers[3].activation == "softmax" and profile.output_activation == "softmax"
    assert (profile.optimizer_name, profile.lr, profile.output_units) == ("SGD", 0.1, 3)


@pytest.mark.parametrize("loss, name, from_logits", [
    ("mse", "mse", None), ("mean_absolute_error", "mae", None),
    (keras.losses.Huber(), "huber", None), (keras.losses.mean_squared_error, "mse", None),
    (keras.losses.SparseCategoricalCrossentropy(from_logits=True), "sparse_categorical_crossentropy", True),
    (keras.losses.BinaryCrossentropy, "binary_crossentropy", False),
    ("categorical_crossentropy", "categorical_crossentropy", False),
])
def test_canonical_loss_names(loss, name, from_logits):
    profile = KerasAdapter(mlp(compile_=False), loss=loss).profile()
    assert (profile.loss_name, profile.loss_from_logits) == (name, from_logits)
    assert (profile.optimizer_name, profile.lr) == ("Adam", 0.001)  # the default


def test_uncompiled_model_without_loss_is_refused():
    with pytest.raises(ValueError, match="`loss`"):
        KerasAdapter(mlp(compile_=False))


def test_lr_schedule_reports_initial_rate_and_records_each_step():
    model = mlp(compile_=False)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.5)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(schedule))
    adapter = adapter_for(model)
    assert adapter.profile().lr == 0.05
    x, y = blobs(100)
    record = adapter.train_copy(spec_for(x, y, epochs=1, batch_size=40))
    assert record.lr == pytest.approx([0.05, 0.025])  # 80 training rows, 2 steps


def test_predict_and_loss_value_match_keras():
    model, (x, y) = mlp(), blobs(200)
    adapter = adapter_for(model)
    np.testing.assert_allclose(adapter.predict(x), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    expected = model.evaluate(x, y, verbose=0, batch_size=len(x))
    assert adapter.loss_value(x, y) == pytest.approx(expected, rel=1e-5)
    assert math.isnan(adapter.loss_value(x, np.zeros((len(x), 7, 3))))  # a mismatched target


def test_train_copy_records_true_batch_losses_and_learns():
    x, y = blobs(400)
    model = mlp()
    adapter = adapter_for(model)
    # with the whole set as one batch, each step's loss is the loss of the weights it started from
    full = adapter.train_copy(spec_for(x, y, epochs=3, batch_size=320, lr=0.0))
    assert full.loss == pytest.approx([adapter.loss_value(x[:320], y[:320])] * 3, rel=1e-6)
    # uneven batches (100, 100, 100, 20) at lr 0: Keras logs a size-weighted running mean;
    # the recovered batch losses must add back up to the epoch's total loss
    flat = adapter.train_copy(spec_for(x, y, epochs=2, batch_size=100, lr=0.0))
    sizes = np.array([100, 100, 100, 20])
    total = adapter.loss_value(x[:320], y[:320]) * 320
    for epoch in (flat.loss[:4], flat.loss[4:]):
        assert float(np.dot(epoch, sizes)) == pytest.approx(total, rel=1e-5)
        assert len(set(np.round(epoch, 6))) == 4  # real per-batch values, not the running mean
    assert flat.epoch_train_loss == pytest.approx([total / 320] * 2, rel=1e-5)  # size-weighted
    # a new batch order every epoch (Keras's own shuffle repeats one once TF is seeded)
    assert not np.allclose(flat.loss[:3], flat.loss[4:7])

    spec = spec_for(x, y, epochs=10, batch_size=32)
    record = adapter.train_copy(spec)
    assert record.steps == spec.total_steps == len(record.lr) and record.lr_used == 0.01
    assert record.epoch_train_loss[-1] < 0.5 * record.epoch_train_loss[0]
    assert record.eval_epochs == spec.eval_epochs() and record.val_metric[-1] > 0.9
    hidden, out = (layer.name for layer in model.layers)  # keyed by layer name, as in the profile
    assert set(record.grad_norm) == set(record.update_ratio) == {hidden, out}
    assert len(record.grad_steps) == len(record.grad_norm[hidden]) == len(record.update_ratio[hidden])
    assert all(g > 0 for g in record.grad_norm[hidden])
    assert all(0 < u < 1 for u in record.update_ratio[hidden])
    assert [p.step for p in record.probes] == sorted(spec.probe_steps())
    assert record.probes[0].layers[hidden].dead_fraction is not None
    assert record.final_val_outputs.shape == (80, 2) and record.final_train_outputs.shape == (320, 2)
    assert [w.shape for w in record.final_weights] == [(2, 10), (10, 2)] and record.seconds > 0
    again = adapter.train_copy(spec)
    assert again.loss == record.loss  # same seed, same run
    quiet = adapter.train_copy(spec_for(x, y, epochs=10, batch_size=32, record=False))
    assert quiet.loss == record.loss and not quiet.grad_steps  # recording does not change the run


def test_reinit_replaces_a_constant_init():
    x, y = blobs(200)
    model = keras.Sequential([keras.Input((2,)), L.Dense(8, activation="relu", kernel_initializer="ones"),
                              L.Dense(2, kernel_initializer="ones")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
    adapter = adapter_for(model)
    given = adapter.train_copy(spec_for(x, y, epochs=2, batch_size=32, record=False))
    fresh = adapter.train_copy(spec_for(x, y, epochs=2, batch_size=32, record=False, reinit=True))
    hidden = given.final_weights[0], fresh.final_weights[0]
    assert np.allclose(hidden[0], hidden[0][:, :1])  # constant init: units stay clones
    assert not np.allclose(hidden[1], hidden[1][:, :1])  # He init: they differ
    assert np.array_equal(adapter.profile().layers[0].weight, np.ones((2, 8)))  # the user's model


def test_user_state_is_untouched():
    x, y = blobs(200)
    model = mlp(dropout=True)
    model.layers[0].trainable = False
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x, y, epochs=1, verbose=0)  # optimizer slots exist; the dropout seed has moved
    keras.random.normal((1,))  # Keras's global SeedGenerator now exists
    adapter = adapter_for(model)
    before = adapter.state_fingerprint()
    assert len(before["optimizer"]) > 1
    backend_rng = {"tensorflow": "tf_seed", "torch": "torch_rng"}.get(keras.backend.backend())
    assert backend_rng is None or backend_rng in before
    adapter.predict(x)
    adapter.loss_value(x, y)
    adapter.train_copy(spec_for(x, y, epochs=2, batch_size=32, seed=7))
    assert_same(before, adapter.state_fingerprint())
    # copies are cloned with the model marked uncompiled for a moment: it is compiled again after
    assert model.compiled and model.loss == "sparse_categorical_crossentropy"
    model.fit(x, y, epochs=1, verbose=0)  # and still trains as the user compiled it


def test_time_limit_stops_training():
    x, y = blobs(200)
    record = adapter_for(mlp()).train_copy(spec_for(x, y, epochs=50, batch_size=32, time_limit=0.0))
    assert record.stopped_early and len(record.epoch_train_loss) == 1 and record.eval_epochs == [0, 1]


def test_nan_targets_train_without_raising():
    x, y = make_regression(120, 3, noise=0.1, random_state=0)
    y = y.astype("float32")
    y[5] = np.nan
    model = keras.Sequential([keras.Input((3,)), L.Dense(8, activation="tanh"), L.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    record = adapter_for(model).train_copy(spec_for(x.astype("float32"), y, task="regression",
                                                     n_classes=0, epochs=2, batch_size=16))
    # the NaN epoch is recorded, then training stops: every later step would be NaN too
    assert record.steps == 6 and record.nonfinite_step is not None
    assert math.isnan(record.epoch_train_loss[0])
    assert record.stopped_early.startswith("loss became NaN/inf")


def test_subclassed_model_that_cannot_be_cloned():
    class Net(keras.Model):
        def __init__(self, width):
            super().__init__()
            self.width, self.dense = width, L.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Net(3)
    model(np.zeros((1, 2), "float32"))
    x, y = blobs(40)
    with pytest.raises(TypeError, match="could not copy"):
        KerasAdapter(model, loss="mse").train_copy(spec_for(x, y, epochs=1, batch_size=8))


TORCH_BACKEND = textwrap.dedent("""
    import math, numpy as np, keras
    from nndoctor.adapters import TrainSpec, adapter_for
    assert keras.backend.backend() == "torch"
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 2)).astype("float32"); y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.1), keras.layers.Dense(2)])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
    adapter = adapter_for(model)
    before = adapter.state_fingerprint()
    spec = TrainSpec(x[:80], y[:80], x[80:], y[80:], "classification", 2, epochs=3, batch_size=16,
                     probe_x=x[:32])
    record = adapter.train_copy(spec)
    assert record.steps == 15 and all(math.isfinite(v) for v in record.loss)
    assert set(record.grad_norm) == {l.name for l in model.layers if l.weights}
    assert len(record.probes) == 8
    assert adapter.train_copy(spec).loss == record.loss
    after = adapter.state_fingerprint()
    assert np.array_equal(before["torch_rng"], after["torch_rng"])
    assert all(np.array_equal(a, b) for a, b in zip(before["variables"], after["variables"]))
    print("ok")
""")


def test_torch_backend_in_a_subprocess():
    pytest.importorskip("torch")
    env = {**os.environ, "KERAS_BACKEND": "torch", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", TORCH_BACKEND], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_profile_lists_raw_tf_variables_keras_does_not_track():
    """Raw trainable float tf.Variables on a trainable layer (as attributes, in lists, tuples and
    nested dicts) are listed; add_weight, keras.Variable, trainable=False, integer variables and
    anything in a layer frozen on purpose are not. The unfreeze copy trains them as weights;
    every copy starts from the user's values, which stay as they were."""
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.Variable weights are a TensorFlow-backend habit")

    class Raw(L.Layer):
        def build(self, input_shape):
            n = int(input_shape[-1])
            self.kernel = tf.Variable(tf.random.normal((n, 2)))  # no op seed: each copy draws anew
            self.extra = [tf.Variable(tf.zeros((2,)))]
            self.nested = {"a": {"b": tf.Variable(tf.zeros((2,)))}, "pair": (tf.Variable(tf.zeros((2,))),)}
            self.fixed = tf.Variable(tf.ones((2,)), trainable=False)
            self.steps = tf.Variable(0)
            self.tracked = self.add_weight(shape=(2,), initializer="zeros")
            self.also_tracked = keras.Variable(np.zeros(2, dtype="float32"))

        def call(self, x):
            out = tf.matmul(x, self.kernel) + self.extra[0] + self.nested["a"]["b"] + self.nested["pair"][0]
            return out * self.fixed + self.tracked + self.also_tracked

    class Frozen(Raw):
        pass

    x, y = blobs(200)
    frozen = Frozen(name="frozen")
    model = keras.Sequential([keras.Input((2,)), frozen, Raw(name="raw")])
    frozen.trainable = False
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.Adam(0.05))
    adapter = adapter_for(model)
    untracked = adapter.profile().extra["untracked_variables"]
    assert [v["name"] for v in untracked] == ["raw.kernel", "raw.extra[0]", "raw.nested['a']['b']",
                                              "raw.nested['pair'][0]"]
    assert [v["params"] for v in untracked] == [4, 2, 2, 2]
    raw = model.layers[1]
    given = raw.kernel.numpy().copy()
    names = sorted(vars(raw))
    copy_ = adapter._clone(spec_for(x, y, epochs=1, batch_size=32))
    assert np.array_equal(copy_.layers[1].kernel.numpy(), given)  # copies start from the user's values
    plain = adapter.train_copy(spec_for(x, y, epochs=3, batch_size=32, record=False))
    tracked = adapter.train_copy(spec_for(x, y, epochs=3, batch_size=32, record=False, unfreeze=True))
    assert tracked.epoch_train_loss[-1] < plain.epoch_train_loss[-1] - 0.1
    assert np.array_equal(raw.kernel.numpy(), given) and sorted(vars(raw)) == names
    assert isinstance(raw.kernel, tf.Variable) and len(model.trainable_weights) == 2
