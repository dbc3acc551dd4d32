"""Keras 3 adapter (tf.keras in TF >= 2.16 is Keras 3): profiles, predicts, trains recorded copies.

Backend-agnostic except for gradient norms (TensorFlow: ``tf.GradientTape``; torch:
``torch.autograd``; other backends record no gradient norms).
"""

from __future__ import annotations

import copy
import inspect
import logging
import math
import random
import re
import sys
import time
from contextlib import contextmanager, nullcontext

import keras
import numpy as np
from keras import ops
# not public, but in every Keras 3: gives a loss *function* Keras's rank matching and mean
from keras.src.losses.losses import LossFunctionWrapper

from ..evidence.data import decode_labels
from ..evidence.model import EXACT_ACCURACY, LayerInfo, ModelProfile
from ..evidence.run import RunRecord
from ._base import (Adapter, TrainSpec, divergence_watch, probe_snapshot, scheduled_lr, score, standard_init,
                    stop_reason, update_ratio)
from .keras_untracked import copy_untracked, track_untracked, untracked_summary, untracked_variables

ALIASES = {"mean_squared_error": "mse", "mean_absolute_error": "mae", "huber_loss": "huber",
           "logcosh": "log_cosh", "mean_squared_logarithmic_error": "msle"}
CROSSENTROPY = {"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy"}
REGRESSION = {"mse", "mae", "huber", "log_cosh", "msle"}
ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "Softmax": "softmax", "ELU": "elu",
                     "PReLU": "prelu"}
CONV = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)  # kernel (..., in, filters)
WEIGHTED = (keras.layers.Dense,) + CONV


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _resolve_loss(loss):
    """A `keras.losses.Loss` (mean over the batch), its canonical name and ``from_logits``."""
    if loss is None:
        raise ValueError("an uncompiled Keras model needs `loss`: a Keras loss (e.g. "
                         "keras.losses.SparseCategoricalCrossentropy()), a loss function or a "
                         "name like 'sparse_categorical_crossentropy' or 'mse'. Got None instead.")
    if isinstance(loss, (list, tuple, dict)):
        raise TypeError("`loss` must be a single loss (nndoctor handles single-output models). "
                        f"Got a {type(loss).__name__} of losses instead.")
    resolved = keras.losses.get(loss) if isinstance(loss, str) else loss
    if inspect.isclass(resolved) and issubclass(resolved, keras.losses.Loss):
        resolved = resolved()
    if isinstance(resolved, keras.losses.Loss):
        fn = resolved
        raw = getattr(getattr(resolved, "fn", None), "__name__", None) or _snake(type(resolved).__name__)
        config = resolved.get_config()
    elif callable(resolved):
        fn, raw, config = LossFunctionWrapper(resolved), getattr(resolved, "__name__", "loss"), {}
    else:
        raise TypeError("`loss` must be a Keras loss, loss class, function or name. "
                        f"Got {type(loss).__name__} instead.")
    name = ALIASES.get(raw.lower(), raw.lower())
    if name in CROSSENTROPY:
        from_logits = bool(config.get("from_logits", False))
    else:
        from_logits = None if name in REGRESSION else config.get("from_logits")
    return fn, name, from_logits


def _resolve_optimizer(model, optimizer, lr):
    """The optimizer's class and config (copied: every copy gets a fresh one) and initial LR."""
    if optimizer is None:
        optimizer = getattr(model, "optimizer", None) or keras.optimizers.Adam(learning_rate=0.001)
    if isinstance(optimizer, str):
        optimizer = keras.optimizers.get(optimizer)
    elif inspect.isclass(optimizer) and issubclass(optimizer, keras.optimizers.Optimizer):
        optimizer = optimizer()
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError("`optimizer` must be a Keras optimizer instance, class or name (e.g. "
                        f"'adam'). Got {type(optimizer).__name__} instead.")
    config = copy.deepcopy(optimizer.get_config())
    if lr is not None:
        config["learning_rate"] = float(lr)
    value = config.get("learning_rate")
    if isinstance(value, dict):  # a serialized schedule: report where it starts
        schedule = keras.optimizers.schedules.deserialize(copy.deepcopy(value))
        value = ops.convert_to_numpy(schedule(0))
    # the rate is stored as float32: report 0.01, not 0.009999999776
    return type(optimizer), config, None if value is None else float(str(np.float32(value)))


def _flat_layers(model) -> list:
    """Leaf layers in order; nested Sequential/functional models are opened up."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        out.extend(_flat_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return out


def load_weights(model, weights) -> None:
    """``model.set_weights(weights)``, then the layers that keep a state computed from their
    weights (an adapted ``Normalization`` turns ``adapt_mean``/``adapt_variance`` into the
    ``mean``/``variance`` it applies) compute it again: ``set_weights`` alone leaves an adapted
    copy normalizing with mean 0 and variance 1."""
    model.set_weights(weights)
    for layer in _flat_layers(model):
        finalize = getattr(layer, "finalize_state", None)
        if callable(finalize):
            finalize()


def _pass_through_normalization(model) -> None:
    """A copy whose inputs were standardized already: its first layer, an adapted
    ``Normalization``, is set to mean 0 and variance 1 so that the network sees them as they are."""
    layers = _flat_layers(model)
    first = layers[0] if layers else None
    if not isinstance(first, keras.layers.Normalization) or getattr(first, "input_mean", None) is not None \
            or not hasattr(first, "adapt_mean"):
        return
    first.adapt_mean.assign(np.zeros(first.adapt_mean.shape, dtype=first.adapt_mean.dtype))
    first.adapt_variance.assign(np.ones(first.adapt_variance.shape, dtype=first.adapt_variance.dtype))
    first.finalize_state()


def _copy_architecture(model):
    """A new model of the same architecture: `keras.models.clone_model`; for a subclassed
    model whose class Keras cannot look up by name (defined in a script run as ``__main__``),
    its own class rebuilt from its config. Uncompiled: clone_model would compile a compiled
    model's copy from its compile config, which fails on a loss or metric class defined in the
    script and not registered with Keras; nndoctor compiles its copies itself."""
    compiled = model.__dict__.get("compiled")
    try:
        if compiled:
            model.compiled = False  # put back below: the user's model is left as it was
        return keras.models.clone_model(model)
    except (TypeError, ValueError):
        if type(model) in (keras.Sequential, keras.Model):  # nothing of the user's own to rebuild
            raise
        config = {k: v for k, v in model.get_config().items() if k not in ("name", "trainable", "dtype")}
        return type(model).from_config(config)
    finally:
        if compiled:
            model.compiled = compiled


def _own_params(layer) -> int:
    """Parameters a leaf layer holds (0 when it is not built yet)."""
    try:
        return int(layer.count_params())
    except Exception:  # noqa: BLE001 - an unbuilt layer raises; it holds nothing yet
        return 0


def _own_activation(layer) -> str | None:
    """The activation a layer applies itself (Dense(…, activation=…), Activation, ReLU, …)."""
    if type(layer).__name__ in ACTIVATION_LAYERS:
        return ACTIVATION_LAYERS[type(layer).__name__]
    fn = getattr(layer, "activation", None)
    return getattr(fn, "__name__", type(fn).__name__).lower() if callable(fn) else None


def _paired_layers(model, clone) -> list[tuple[str, object]]:
    """(the user's layer name, the clone's layer): a subclassed model's clone gets fresh names."""
    user, copied = _flat_layers(model), _flat_layers(clone)
    if len(user) != len(copied):
        return [(layer.name, layer) for layer in copied]
    return [(u.name, c) for u, c in zip(user, copied)]


def _kernel(layer) -> np.ndarray:
    """A Dense/Conv kernel as (fan_in, units), the orientation LayerInfo uses."""
    return ops.convert_to_numpy(layer.kernel).reshape(-1, layer.kernel.shape[-1]).copy()


def _kernels(named_layers) -> list[tuple[str, object]]:
    """Trainable weights with ndim > 1, keyed by layer name (layer/variable when several)."""
    named = []
    for name, layer in named_layers:
        weights = [w for w in layer.trainable_weights if len(w.shape) > 1]
        named.extend((name if len(weights) == 1 else f"{name}/{w.name}", w) for w in weights)
    return named


def _as_input(a):
    """Float64 arrays become float32 (Keras's floatx); integer inputs (embeddings) stay."""
    a = np.asarray(a)
    return a.astype(np.float32) if a.dtype == np.float64 else a


class _GraphCall:
    """``fn`` traced into one TensorFlow graph, for the many scoring calls of a training run.

    An eager Keras call pays ~4 ms of per-layer Python overhead (a loss ~3 ms); the traced one
    ~0.6 ms, after one trace of ~60 ms. Other backends, and a model or loss that does not trace
    (a layer that needs eager values), keep the eager call: the first failure of the graph
    falls back to it for good, and a genuine error is raised again by the eager call.

    Every copy traces its own function from the same code, which TensorFlow reports as "frequent
    retracing"; that warning is kept out of the user's log while the graph runs.
    """

    def __init__(self, fn):
        self.eager, self.graph = fn, None
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf
            self.graph = tf.function(fn, reduce_retracing=True)

    def __call__(self, *args):
        if self.graph is not None:
            logger = logging.getLogger("tensorflow")
            logger.addFilter(_not_retracing)
            try:
                return self.graph(*args)
            except Exception:  # noqa: BLE001 - the eager call decides: a genuine error raises here
                value = self.eager(*args)
                self.graph = None  # the graph failed where the eager call works
                return value
            finally:
                logger.removeFilter(_not_retracing)
        return self.eager(*args)


def _not_retracing(record: logging.LogRecord) -> bool:
    """A log filter: drops TensorFlow's "triggered tf.function retracing" warning."""
    return "triggered tf.function retracing" not in record.getMessage()


def _no_grad():
    if keras.backend.backend() == "torch":
        import torch
        return torch.no_grad()
    return nullcontext()


def _tf_context():
    """TensorFlow's eager context when TF is loaded (importing TF just to look would be slow)."""
    context = sys.modules.get("tensorflow.python.eager.context")
    return context.context() if context is not None else None


@contextmanager
def _rng_kept(seed: int):
    """Seed for a reproducible copy (``keras.utils.set_random_seed``), then restore the user's.

    Restored: python ``random``; numpy's global state; Keras's global seed and global
    ``SeedGenerator``; TensorFlow's eager global seed and its op-seed generator (when TF is
    loaded); torch's CPU (and initialised CUDA) generators on the torch backend. Not restorable:
    ``tf.random.set_seed`` also clears TF's kernel cache, which restarts the counters of
    *stateful* random ops the user seeded per op.
    """
    from keras.src.backend.common import global_state
    keys = ("global_random_seed", "global_seed_generator")
    saved = [global_state.get_global_attribute(k) for k in keys]
    py_state, np_state = random.getstate(), np.random.get_state()
    ctx = _tf_context()
    # TF keeps its eager global seed in ``_seed`` and derives op seeds from ``_rng``, which
    # only exists once a seed was set
    tf_state = (ctx._seed, copy.deepcopy(getattr(ctx, "_rng", None))) if ctx is not None else (None, None)
    torch_state = cuda_state = None
    if keras.backend.backend() == "torch":
        import torch
        torch_state = torch.get_rng_state()
        cuda_state = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    try:
        keras.utils.set_random_seed(seed)
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        for k, value in zip(keys, saved):
            global_state.set_global_attribute(k, value)
        ctx = _tf_context()  # set_random_seed may have imported TF just now
        if ctx is not None:
            ctx._seed = tf_state[0]
            if tf_state[1] is not None:
                ctx._rng = tf_state[1]
            elif hasattr(ctx, "_rng"):
                del ctx._rng
        if torch_state is not None:
            import torch
            torch.set_rng_state(torch_state)
            if cuda_state is not None:
                torch.cuda.set_rng_state_all(cuda_state)


EXACT_ACCURACY_CLASS = "Accuracy"  # keras.metrics.Accuracy: named "accuracy", like the string


def _custom_train_step(model) -> bool:
    """The model's class writes its own ``train_step`` (what one step of fit does)."""
    import keras

    return type(model).train_step is not keras.Model.train_step


def _normalizes_inputs(model) -> bool:
    """Whether the model's first layer is a ``Normalization`` layer adapted to data (its mean
    and variance are not the 0 and 1 it starts with), feature by feature: the network then sees
    standardized inputs whatever their raw scale. One mean and variance for every feature
    (``axis=None``) keeps their differences in scale: not normalized."""
    layers = _flat_layers(model)
    if not layers or not isinstance(layers[0], keras.layers.Normalization):
        return False
    try:
        mean, variance = (np.asarray(ops.convert_to_numpy(w)) for w in (layers[0].mean, layers[0].variance))
    except Exception:  # noqa: BLE001 - not built yet, or stats held elsewhere
        return False
    features = int(np.prod(model.input_shape[1:])) if getattr(model, "input_shape", None) else 1
    if features > 1 and mean.size == 1:
        return False
    return bool(np.any(mean != 0) or np.any(variance != 1))


def _compiled_metrics(model) -> list[str]:
    """Names of the metrics ``compile`` was given (``metrics`` and ``weighted_metrics``)."""
    if not getattr(model, "compiled", False):
        return []
    config = model.get_compile_config() or {}
    names = []

    def add(entry):
        if isinstance(entry, (list, tuple)):
            for item in entry:
                add(item)
        elif isinstance(entry, dict) and "class_name" not in entry:  # per-output metrics
            add(list(entry.values()))
        elif isinstance(entry, dict) and entry.get("class_name") == EXACT_ACCURACY_CLASS:
            names.append(EXACT_ACCURACY)
        elif isinstance(entry, dict):  # a serialized Metric
            names.append(str(entry.get("config", {}).get("name") or _snake(entry["class_name"])))
        elif isinstance(entry, str):
            names.append(entry)
        elif type(entry).__name__ == EXACT_ACCURACY_CLASS:
            names.append(EXACT_ACCURACY)
        elif entry is not None:
            names.append(getattr(entry, "name", None) or getattr(entry, "__name__", type(entry).__name__))

    add([config.get("metrics"), config.get("weighted_metrics")])
    return names


class KerasAdapter(Adapter):
    framework = "keras"

    def __init__(self, model, *, loss=None, optimizer=None, lr=None):
        self.model = model
        compiled = getattr(model, "compiled", False)
        if loss is None and compiled:
            loss = model.loss
        self.loss_fn, self.loss_name, self.from_logits = _resolve_loss(loss)
        # a loss summed over the batch (reduction="sum"): its values are read per sample, as the
        # mean would give them (Keras averages over the output values of a sample either way)
        self.summed = getattr(self.loss_fn, "reduction", None) == "sum"
        self.opt_cls, self.opt_config, self.lr = _resolve_optimizer(model, optimizer, lr)
        self._profile = None
        self._loss_call = None

    # -- profile --------------------------------------------------------------------------
    def profile(self) -> ModelProfile:
        if self._profile is not None:
            return self._profile
        layers, pending, output_activation = [], None, None
        trainable_ids = {id(w) for w in self.model.trainable_weights}
        for layer in _flat_layers(self.model):
            kind, weight, bias, units, act = "other", None, None, None, _own_activation(layer)
            if isinstance(layer, keras.layers.Dense):
                kind, units, weight = "dense", layer.units, _kernel(layer)
            elif isinstance(layer, CONV):
                kind, units, weight = "conv", layer.filters, _kernel(layer)
            elif isinstance(layer, keras.layers.Activation) or type(layer).__name__ in ACTIVATION_LAYERS:
                kind = "activation"
                if pending is not None and pending.activation in (None, "linear"):
                    pending.activation = act
            elif isinstance(layer, keras.layers.Dropout):
                kind = "dropout"
            elif isinstance(layer, keras.layers.BatchNormalization):
                kind = "batchnorm"
            if kind in {"dense", "conv"} and getattr(layer, "bias", None) is not None:
                bias = ops.convert_to_numpy(layer.bias).copy()
            if kind not in {"dense", "conv", "activation"}:
                act = None
            info = LayerInfo(layer.name, kind, units, act, weight, bias)
            info.params = _own_params(layer)
            if weight is not None:  # trainable only if the layer and every model around it are
                info.trainable = id(layer.kernel) in trainable_ids
            layers.append(info)
            if kind in {"dense", "conv", "activation"}:
                output_activation = act
            if kind in {"dense", "conv"}:
                pending = info
            elif kind not in {"activation", "dropout", "batchnorm"}:
                pending = None
        try:
            output_units = int(self.model.outputs[0].shape[-1])
        except (AttributeError, IndexError, TypeError, ValueError):
            output_units = next((layer.units for layer in reversed(layers) if layer.units), 1)
        self._profile = ModelProfile(
            framework=self.framework,
            layers=layers,
            n_params=int(self.model.count_params()),
            output_units=output_units,
            output_activation=output_activation,
            loss_name=self.loss_name,
            loss_from_logits=self.from_logits,
            optimizer_name=self.opt_cls.__name__,
            lr=self.lr,
            has_dropout=any(layer.kind == "dropout" for layer in layers),
            has_batchnorm=any(layer.kind == "batchnorm" for layer in layers),
            extra={"trainable_params": int(sum(np.prod(w.shape) for w in self.model.trainable_weights)),
                   "metrics": _compiled_metrics(self.model), "backend": keras.backend.backend(),
                   "normalizes_inputs": _normalizes_inputs(self.model),
                   "custom_train_step": _custom_train_step(self.model),
                   "loss_reduction": getattr(self.loss_fn, "reduction", None),
                   # raw tf.Variables (not add_weight) on layers: Keras never trains them
                   "untracked_variables": untracked_summary(self.model)},
        )
        return self._profile

    # -- inference on the user's model -----------------------------------------------------
    def _forward(self, model, x: np.ndarray, batch: int = 4096, call=None) -> np.ndarray:
        """Direct calls in inference mode: ``model.predict`` costs ~50 ms of set-up per call.
        ``call``: the model's inference call traced once (`_GraphCall`), for a copy scored often."""
        x = _as_input(x)
        call = call or (lambda a: model(a, training=False))
        with _no_grad():
            outs = [ops.convert_to_numpy(call(x[i:i + batch])).astype(np.float32)
                    for i in range(0, len(x), batch)]
        return np.concatenate(outs) if outs else np.zeros((0, 1), dtype=np.float32)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self._forward(self.model, x)

    def predict_as_called(self, x: np.ndarray, repeats: int = 2) -> list[np.ndarray]:
        with _rng_kept(0):  # dropout advances seed generators: use a copy, seeded
            clone = self._prediction_copy(x)
            return [np.concatenate([ops.convert_to_numpy(clone(x[i:i + 1024])).astype(np.float32)
                                    for i in range(0, len(x), 1024)]) for _ in range(repeats)]

    def predict_batch_statistics(self, x: np.ndarray) -> np.ndarray:
        with _rng_kept(0):
            clone = self._prediction_copy(x)
            for layer in _flat_layers(clone):
                if isinstance(layer, keras.layers.Dropout):
                    layer.rate = 0.0  # training=True below is for the batch-norm layers only
            return ops.convert_to_numpy(clone(_as_input(x), training=True)).astype(np.float32)

    def _loss_from_outputs(self, outputs: np.ndarray, y: np.ndarray) -> float:
        if self._loss_call is None:  # traced once per adapter: every scoring of every copy uses it
            self._loss_call = _GraphCall(lambda target, out: self.loss_fn(target, out))
        try:
            with _no_grad():
                value = float(ops.convert_to_numpy(self._loss_call(_as_input(y), outputs)))
            return value / max(len(outputs), 1) if self.summed else value
        except Exception:  # shapes/dtypes the loss rejects: the loss is undefined, not a crash
            return math.nan

    def loss_value(self, x: np.ndarray, y: np.ndarray) -> float:
        return self._loss_from_outputs(self._forward(self.model, x), y)

    def perfect_prediction_loss(self, y: np.ndarray, output_shape: tuple) -> tuple[float, float]:
        y = np.asarray(y, dtype=np.float32)
        perfect = y.reshape((len(y), *output_shape))
        return self._loss_from_outputs(perfect, y), self._loss_from_outputs(perfect, perfect)

    def state_fingerprint(self) -> dict:
        from keras.src.backend.common import global_state
        model, opt = self.model, getattr(self.model, "optimizer", None)
        gen = global_state.get_global_attribute("global_seed_generator")
        fp = {
            "variables": [ops.convert_to_numpy(v).copy() for v in model.variables],
            "optimizer": [ops.convert_to_numpy(v).copy() for v in opt.variables] if opt else [],
            "trainable": [model.trainable] + [layer.trainable for layer in _flat_layers(model)],
            "python_rng": random.getstate(),
            "numpy_rng": np.random.get_state(),
            "keras_seed": global_state.get_global_attribute("global_random_seed"),
            "keras_seed_generator": None if gen is None else (id(gen), ops.convert_to_numpy(gen.state)),
        }
        ctx = _tf_context()
        if ctx is not None:
            rng = getattr(ctx, "_rng", None)
            fp["tf_seed"] = (ctx._seed, None if rng is None else rng.getstate())
            stateful = sys.modules.get("tensorflow.python.ops.stateful_random_ops")
            generator = getattr(stateful, "global_generator", None)
            fp["tf_global_generator"] = None if generator is None else generator.state.numpy()
        if keras.backend.backend() == "torch":
            import torch
            fp["torch_rng"] = torch.get_rng_state().numpy()
        return fp

    # -- training a copy -------------------------------------------------------------------
    def train_copy(self, spec: TrainSpec) -> RunRecord:
        with _rng_kept(spec.seed):
            clone = self._clone(spec)
            lr = spec.lr if spec.lr is not None else self.lr
            config = copy.deepcopy(self.opt_config)  # from_config consumes its argument
            if spec.lr is not None or spec.lr_schedule is not None:  # a float: settable per step
                config["learning_rate"] = float(spec.lr if spec.lr is not None else scheduled_lr(spec, 0))
            if spec.clip_norm is not None:  # Keras accepts one of the three clipping options
                config.update(global_clipnorm=float(spec.clip_norm), clipnorm=None, clipvalue=None)
            if spec.unfreeze:  # and the raw variables Keras does not track, made weights
                for layer in [clone] + _flat_layers(clone):
                    layer.trainable = True
                track_untracked(clone)
            clone.compile(loss=self.loss_fn, optimizer=self.opt_cls.from_config(config))
            return self._train(clone, spec, lr)

    def _prediction_copy(self, x: np.ndarray):
        """A copy of the model with its weights, for calls that would change the model's state
        (training-mode calls move batch-norm statistics and dropout seed generators)."""
        return self._clone(TrainSpec(x, x, x, x, "regression", 0, 1, 1))

    def _clone(self, spec: TrainSpec):
        try:
            clone = _copy_architecture(self.model)
            untracked = self.profile().extra.get("untracked_variables")
            if len(clone.weights) != len(self.model.weights) or (  # a subclassed model built lazily
                    untracked and len(untracked_variables(clone)) < len(untracked)):
                clone(_as_input(spec.x[:1]), training=False)
            load_weights(clone, self.model.get_weights())
            if untracked:
                copy_untracked(self.model, clone)
        except Exception as exc:
            raise TypeError(
                "nndoctor trains copies of the model, and Keras could not copy this one "
                "(keras.models.clone_model + set_weights). Sequential and functional models "
                "always work; a subclassed model needs get_config()/from_config(). "
                f"Got {type(exc).__name__}: {exc}") from exc
        return clone

    def _train(self, clone, spec: TrainSpec, lr: float | None) -> RunRecord:
        record = RunRecord(lr_used=lr, epochs=spec.epochs, steps_per_epoch=spec.steps_per_epoch)
        layers = _paired_layers(self.model, clone)
        if spec.reinit:
            self._reinit(layers, np.random.default_rng(spec.seed))
        if spec.inputs_standardized:
            _pass_through_normalization(clone)
        recorder = _Recorder(self, clone, layers, spec, record)
        self._evaluate(clone, spec, record, 0, recorder.call)
        clone.fit(**_fit_data(spec), epochs=spec.epochs, verbose=0, callbacks=[recorder])
        record.final_val_outputs = self._forward(clone, spec.x_val, call=recorder.call)
        record.final_train_outputs = self._forward(clone, spec.x, call=recorder.call)
        record.final_weights = [_kernel(layer) for _, layer in layers if isinstance(layer, WEIGHTED)]
        record.seconds = time.perf_counter() - recorder.start
        return record

    def _reinit(self, layers, rng: np.random.Generator) -> None:
        """Standard init for every dense/conv layer of the copy, zero biases; batch-norm layers
        start over (as TorchAdapter)."""
        activation = {layer.name: layer.activation for layer in self.profile().layers}
        for name, layer in layers:
            if isinstance(layer, WEIGHTED):
                shape = tuple(layer.kernel.shape)
                kernel = standard_init(int(np.prod(shape[:-1])), shape[-1], activation.get(name), rng)
                layer.kernel.assign(kernel.reshape(shape).astype(layer.kernel.dtype))
                if layer.bias is not None:
                    layer.bias.assign(np.zeros(layer.bias.shape, dtype=layer.bias.dtype))
            elif isinstance(layer, keras.layers.BatchNormalization):
                for variable, value in ((layer.gamma, 1.0), (layer.beta, 0.0), (layer.moving_mean, 0.0),
                                        (layer.moving_variance, 1.0)):
                    if variable is not None:
                        variable.assign(np.full(variable.shape, value, dtype=variable.dtype))

    def _evaluate(self, model, spec, record, epoch, call=None):
        profile = self.profile()
        labels_train, labels_val = _labels(spec.y, spec.task), _labels(spec.y_val, spec.task)
        out_train = self._forward(model, spec.x, call=call)
        out_val = self._forward(model, spec.x_val, call=call)
        record.eval_epochs.append(epoch)
        record.train_loss.append(self._loss_from_outputs(out_train, spec.y))
        record.val_loss.append(self._loss_from_outputs(out_val, spec.y_val))
        record.train_metric.append(score(out_train, spec.y, spec, profile, labels_train))
        record.val_metric.append(score(out_val, spec.y_val, spec, profile, labels_val))

    def _grad_norm_fn(self, clone, kernels):
        """A function (x, y) -> per-kernel gradient norms in training mode; None if unsupported.

        A training-mode call moves BatchNorm statistics and Dropout seed states; they are put
        back, so recording does not change the run.
        """
        backend, variables = keras.backend.backend(), [w.value for _, w in kernels]
        if not variables:
            return None
        if backend == "tensorflow":
            import tensorflow as tf

            @tf.function  # traced once per copy (~80 ms); an eager call costs ~4 ms, this ~0.6 ms
            def norms(x, y):
                with tf.GradientTape() as tape:
                    loss = self._train_loss(clone, x, y)
                grads = tape.gradient(loss, variables)
                return tf.stack([tf.constant(0.0) if g is None else
                                 tf.norm(tf.cast(tf.convert_to_tensor(g), tf.float32)) for g in grads])
        elif backend == "torch":
            import torch

            def norms(x, y):
                grads = torch.autograd.grad(self._train_loss(clone, x, y), variables, allow_unused=True)
                return [0.0 if g is None else float(g.norm()) for g in grads]
        else:  # jax, numpy, ...: no gradient norms, update ratios still recorded
            return None

        def measured(x, y):
            saved = [ops.convert_to_numpy(v) for v in clone.non_trainable_variables]
            try:
                return [float(v) for v in ops.convert_to_numpy(norms(x, y))]
            finally:
                for v, value in zip(clone.non_trainable_variables, saved):
                    v.assign(value)
        return measured

    def _train_loss(self, clone, x, y):
        """The objective ``fit`` minimises: the loss plus any regularisation losses."""
        loss = self.loss_fn(y, clone(x, training=True))
        return loss + ops.sum(ops.stack(clone.losses)) if clone.losses else loss

    def _probe(self, clone, extractor, names, probe_x, spec, step):
        profile = self.profile()
        activations = {}
        if extractor is not None:
            with _no_grad():
                values = extractor(_as_input(probe_x), training=False)
            for (name, act), v in zip(names, values if isinstance(values, (list, tuple)) else [values]):
                activations[name] = (ops.convert_to_numpy(v), act)
        outputs = self._forward(clone, probe_x)
        return probe_snapshot(step, activations, outputs, spec, profile)


class _Recorder(keras.callbacks.Callback):
    """Records one ``fit`` of a copy into a `RunRecord`, step by step, as TorchAdapter._train does."""

    def __init__(self, adapter, clone, layers, spec, record):
        super().__init__()
        self.adapter, self.clone, self.layers, self.spec, self.record = adapter, clone, layers, spec, record
        self.kernels = _kernels(layers)
        self.eval_at = set(spec.eval_epochs())
        self.probe_at = spec.probe_steps() if spec.record else set()
        self.grad_every = spec.grad_every()
        self.step, self.before = 0, None
        self.call = _GraphCall(lambda a: clone(a, training=False))  # the copy's inference, scored often
        self.probe_x = spec.probe_x if spec.probe_x is not None else spec.x[:256]
        # a fixed training batch for gradient norms: fit does not show callbacks its batches
        idx = np.sort(np.random.default_rng(spec.seed).choice(
            len(spec.x), size=min(spec.batch_size, len(spec.x)), replace=False))
        self.grad_x, self.grad_y = _as_input(spec.x[idx]), _as_input(spec.y[idx])
        lr = adapter.opt_config.get("learning_rate") if spec.lr is None else spec.lr
        self.constant_lr = float(lr) if isinstance(lr, (int, float)) and spec.lr_schedule is None else None
        self.watch = divergence_watch(spec)
        self.grad_norms = adapter._grad_norm_fn(clone, self.kernels) if spec.record else None
        self.extractor, self.names = self._feature_extractor() if self.probe_at else (None, [])
        self.start = time.perf_counter()

    def _feature_extractor(self):
        """One model returning every dense/conv/activation output, for the probe batch."""
        kinds = {layer.name: layer.kind for layer in self.adapter.profile().layers}
        chosen = [(name, layer) for name, layer in self.layers
                  if kinds.get(name) in {"dense", "conv", "activation"}]
        try:
            inputs = self.clone.inputs  # a lone input unwrapped, or Keras warns at every call
            inputs = inputs[0] if len(inputs) == 1 else inputs
        except (AttributeError, TypeError, ValueError):  # a subclassed model has no graph
            return None, []
        connected = []
        for name, layer in chosen:  # layers inside a nested model sit in a graph of their own
            try:
                keras.Model(inputs, layer.output)
                connected.append((name, layer))
            except Exception:
                continue
        if not connected:
            return None, []
        extractor = keras.Model(inputs, [layer.output for _, layer in connected])
        # a Dense(…, activation="relu") outputs post-activation values; a linear one does not
        names = [(name, None if _own_activation(layer) in (None, "linear") else _own_activation(layer))
                 for name, layer in connected]
        return extractor, names

    def on_epoch_begin(self, epoch, logs=None):
        self.seen, self.running, self.epoch_losses, self.epoch_sizes = 0, 0.0, [], []

    def on_train_batch_begin(self, batch, logs=None):
        spec, record = self.spec, self.record
        if self.step in self.probe_at:
            record.probes.append(self.adapter._probe(
                self.clone, self.extractor, self.names, self.probe_x, spec, self.step))
        self.before = None
        if spec.record and self.step % self.grad_every == 0:
            record.grad_steps.append(self.step)
            norms = self.grad_norms(self.grad_x, self.grad_y) if self.grad_norms else []
            for (name, _), norm in zip(self.kernels, norms):
                record.grad_norm.setdefault(name, []).append(norm)
            self.before = [ops.convert_to_numpy(w).copy() for _, w in self.kernels]
        if spec.lr_schedule is not None:
            self.clone.optimizer.learning_rate = scheduled_lr(spec, self.step)
        lr = self.constant_lr
        if lr is None:  # a schedule: the rate this step uses
            lr = float(ops.convert_to_numpy(self.clone.optimizer.learning_rate))
        record.lr.append(lr)

    def on_train_batch_end(self, batch, logs=None):
        # logs["loss"] is the epoch's running mean weighted by batch size; undo the averaging
        # (in float64) to get this batch's loss. The float32 mean limits this to a relative
        # error of about 1e-7 * (samples seen this epoch / batch size).
        n = len(self.spec.x)
        size = min(self.spec.batch_size, n - batch * self.spec.batch_size)
        mean = float((logs or {}).get("loss", math.nan))
        seen = self.seen + size
        value = (mean * seen - self.running * self.seen) / size if self.seen else mean
        self.seen, self.running = seen, mean
        if self.adapter.summed:
            value /= size
        self.record.loss.append(value)
        self.epoch_losses.append(value)
        self.epoch_sizes.append(size)
        if self.before is not None:
            for (name, w), before in zip(self.kernels, self.before):
                self.record.update_ratio.setdefault(name, []).append(
                    update_ratio(before, ops.convert_to_numpy(w)))
        self.step += 1
        if self.watch is not None and self.watch.update(value, self.step - 1):
            self.clone.stop_training = True  # fit checks this after every batch

    def on_epoch_end(self, epoch, logs=None):
        epoch += 1
        record, spec = self.record, self.spec
        record.epoch_train_loss.append(  # the size-weighted mean, as TorchAdapter
            float(np.average(self.epoch_losses, weights=self.epoch_sizes)) if self.epoch_losses else math.nan)
        if epoch in self.eval_at:
            self.adapter._evaluate(self.clone, spec, record, epoch, self.call)
        stop = (self.watch and self.watch.reason) or stop_reason(spec, record, time.perf_counter() - self.start, epoch)
        if stop:
            record.stopped_early = stop
            if epoch not in self.eval_at:
                self.adapter._evaluate(self.clone, spec, record, epoch, self.call)
            self.clone.stop_training = True


def _fit_data(spec: TrainSpec) -> dict:
    """``fit`` arguments for the training data, reshuffled every epoch, reproducibly (or in
    the data's own order, with ``spec.shuffle`` False).

    On TensorFlow, Keras's own ``shuffle=True`` repeats one permutation in every epoch once a
    global seed is set (its seeded shuffle op restarts with each epoch's iterator): a seeded
    ``tf.data`` shuffle with ``reshuffle_each_iteration`` gives a new order each epoch instead.
    The torch backend's loader draws a new permutation per epoch from torch's RNG.
    """
    x, y = _as_input(spec.x), _as_input(spec.y)
    if not spec.shuffle:
        return {"x": x, "y": y, "batch_size": spec.batch_size, "shuffle": False}
    if keras.backend.backend() != "tensorflow":
        return {"x": x, "y": y, "batch_size": spec.batch_size, "shuffle": True}
    import tensorflow as tf
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(
        len(x), seed=spec.seed, reshuffle_each_iteration=True).batch(spec.batch_size)
    return {"x": data, "shuffle": False}  # shuffled above; Keras warns about shuffle=True


def _labels(y, task):
    return decode_labels(y) if task == "classification" else None
