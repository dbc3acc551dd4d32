"""What a Keras script trains, seen through a wrapped ``keras.Model.fit``: the model and the
arguments of its last ``fit`` call; what it is judged on, through a wrapped
``keras.Model.evaluate``: the arrays of the last ``evaluate(x, y)`` call made outside ``fit``
(``fit`` calls ``evaluate`` itself for its validation data); and what it predicts on, through a
wrapped ``keras.Model.predict``; a custom training loop (no ``fit``), through the model's
``__call__``, ``keras.losses.Loss.__call__`` and ``Optimizer.apply``. The real methods run
unchanged."""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

import numpy as np

from .label_order import LabelOrder
from .torch_capture import MAX_SNAPSHOT, new_rows  # the same snapshot limit and sample bookkeeping


@dataclass
class KerasFitRecord:
    model: object
    x: object = None
    y: object = None
    validation_data: object = None
    validation_split: float = 0.0
    batch_size: int | None = None
    epochs: int | None = None
    shuffle: object = True  # fit's own shuffle argument (True, False or "batch")
    fit_calls: int = 0
    evaluated: tuple | None = None  # (x, y) of the script's last own evaluate call
    predictions: list = field(default_factory=list)  # (x, outputs) of the script's predict calls
    initial_weights: list | None = None  # get_weights() when the first fit call began (a built model)
    # model(x, training=True) outside fit, on a model with dropout/batch-norm, since the last
    # gradient step: calls a custom training loop makes are followed by one, predictions are not
    train_mode_calls: int = 0
    notes: list = field(default_factory=list)
    loop: CustomLoop | None = None  # a GradientTape loop's batches, when the script trains without fit
    lr_trace: list = field(default_factory=list)  # the learning rate of every fit step (a schedule's)
    epoch_lr: list = field(default_factory=list)  # per epoch of every fit: the rate, ...
    epoch_loss: list = field(default_factory=list)  # ... and the training loss History logged
    # one read of a tf.data training set, (id(x), batches), for both data() and label_order()
    _read: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def trace_lr(self, history, first_step: int) -> None:
        """Extend the per-step and per-epoch learning-rate traces with one fit call's: the rate
        History logged per epoch (a LearningRateScheduler, ReduceLROnPlateau), else the
        optimizer's LearningRateSchedule evaluated at each step the fit made."""
        logs = getattr(history, "history", None) or {}
        steps = int((getattr(history, "params", None) or {}).get("steps") or 0)
        losses = [float(v) for v in logs.get("loss") or []]
        rates = [float(v) for v in logs.get("learning_rate") or []]
        optimizer = getattr(self.model, "optimizer", None)
        last = _iterations(self.model)
        if not rates or len(rates) != len(losses):
            rates = []
            schedule = getattr(optimizer, "_learning_rate", None)
            if callable(schedule) and not hasattr(schedule, "assign") and last > first_step:
                per_step = np.asarray(schedule(np.arange(first_step, last)), dtype=float).ravel()
                if per_step.size == last - first_step:
                    self.lr_trace.extend(per_step.tolist())
                    if steps and losses:
                        ends = np.minimum(np.arange(1, len(losses) + 1) * steps, per_step.size) - 1
                        rates = per_step[ends].tolist()
        elif steps:
            self.lr_trace.extend(r for r in rates for _ in range(steps))
        if rates and len(rates) == len(losses):
            self.epoch_lr.extend(rates)
            self.epoch_loss.extend(losses)

    def snapshot(self) -> None:
        """Keep the model's weights as training begins (a built model, within `MAX_SNAPSHOT`)."""
        weights = self.model.get_weights() if self.model.built else None
        if weights and sum(w.size for w in weights) <= MAX_SNAPSHOT:
            self.initial_weights = weights

    def data(self):
        """``(x, y, validation_data)`` as the fit call used them, or None when they are not
        arrays (a dataset or generator). ``validation_split`` takes the *last* fraction, unshuffled,
        as Keras does. Data the script evaluated the model on after training (``evaluate(x_test,
        y_test)``) replaces the validation data: it is what the user judges the model by, and
        where a preprocessing step skipped at test time shows."""
        pair = _arrays(self.x, self.y) if self.y is not None else _stacked(self._training_batches())
        if pair is None:
            return None
        x, y = pair
        val = None
        if self.validation_data is not None and isinstance(self.validation_data, (tuple, list)) \
                and len(self.validation_data) >= 2:
            val = (_array(self.validation_data[0]), _array(self.validation_data[1]))
        elif self.validation_data is not None:
            val = _from_dataset(self.validation_data, self.model)
        elif self.validation_split:
            split_at = int(math.floor(len(x) * (1.0 - self.validation_split)))
            x, y, val = x[:split_at], y[:split_at], (x[split_at:], y[split_at:])
        evaluated = self._evaluated()
        return x, y, evaluated if evaluated is not None else val

    def _evaluated(self):
        if self.evaluated is None:
            return None
        x, y = self.evaluated
        pair = _arrays(x, y) if y is not None else _from_dataset(x, self.model)
        return pair if pair is not None and len(pair[0]) else None

    def label_order(self) -> LabelOrder | None:
        """The training labels in the order one epoch of the last fit call feeds them: a
        batched ``tf.data`` dataset's batches as it yields them (its own shuffle buffer at
        work), or arrays passed with ``shuffle=False`` (or ``"batch"``, which keeps every batch's
        samples together) in batches of ``batch_size``. None when fit shuffles the arrays
        itself, or the data cannot be read again."""
        order = LabelOrder()
        if self.y is None:
            batches = self._training_batches()
            if batches is None or not all(batched for _, _, batched in batches):
                return None
            for _, labels, _ in batches:
                order.note(labels)
            return order
        if self.shuffle not in (False, "batch"):
            return None
        pair = _arrays(self.x, self.y)
        if pair is None:
            return None
        y = pair[1][:int(math.floor(len(pair[1]) * (1.0 - self.validation_split)))]
        size = self.batch_size or 32
        for start in range(0, len(y), size):
            order.note(y[start:start + size])
        return order

    def _training_batches(self):
        """The training set's batches, read once from a ``tf.data`` dataset (see `_dataset_batches`):
        a shuffled dataset yields a new order at every read, and both uses must see the same."""
        if self._read is None or self._read[0] != id(self.x):
            self._read = (id(self.x), _dataset_batches(self.x, self.model))
        return self._read[1]

    def dataset_batch_size(self) -> int | None:
        """The batch size of a batched ``tf.data`` training set (None for arrays)."""
        if self.y is not None or not hasattr(self.x, "as_numpy_iterator"):
            return None
        try:
            first = next(iter(self.x.take(1).as_numpy_iterator()))
            return int(len(np.asarray(first[0]))) if _batched(first[0], self.model) else None
        except Exception:  # noqa: BLE001 - an unreadable dataset just leaves the default
            return None


MAX_LOOP_SAMPLES = 20_000  # distinct samples kept from a custom training loop's batches (each set)


@dataclass
class CustomLoop:
    """A custom training loop seen from outside: every ``Loss`` computed on the model's output
    (``loss_fn(y, model(x, training=True))`` under a ``GradientTape``) and every gradient step
    that followed. Batches from calls with ``training=False`` are validation batches."""

    loss: object = None
    optimizer: object = None
    steps: int = 0
    batch_size: int | None = None
    broadcast: tuple | None = None  # (output shape, target shape) a hand-written loss broadcast
    sets: dict = field(default_factory=lambda: {"train": ([], [], set()), "val": ([], [], set())})

    def add(self, x, y, training: bool) -> None:
        """Keep the batch's samples not seen before, up to `MAX_LOOP_SAMPLES` per set."""
        xs, ys, seen = self.sets["train" if training else "val"]
        if len(x) != len(y):
            return
        if training and self.batch_size is None:
            self.batch_size = len(x)
        keep = new_rows(x, seen, MAX_LOOP_SAMPLES - sum(len(a) for a in xs))
        if keep:
            xs.append(x[keep])
            ys.append(y[keep])

    def data(self):
        """``(x, y, validation)`` of the loop's training and validation batches (None: none seen)."""
        def stacked(name):
            xs, ys, _ = self.sets[name]
            return (np.concatenate(xs), np.concatenate(ys)) if xs else None
        train = stacked("train")
        return None if train is None else (*train, stacked("val"))


MAX_DATASET_SAMPLES = 20_000  # samples read back from a tf.data dataset (a repeated one is endless)


def _batched(x, model) -> bool:
    """Whether a dataset element is a batch: one axis more than the model's input."""
    x = np.asarray(x)
    try:
        return x.ndim == len(model.inputs[0].shape)
    except Exception:  # noqa: BLE001 - a subclassed model without inputs: element shapes tell
        return x.ndim >= 2


def _dataset_batches(dataset, model, limit: int = MAX_DATASET_SAMPLES):
    """``[(inputs, targets, batched), ...]``: one pass over a ``tf.data`` dataset of
    ``(inputs, targets[, weights])`` elements, up to ``limit`` samples, an unbatched element
    given a batch axis of one; None for anything else (generators are used up by the script,
    dict inputs are not a single array)."""
    if not hasattr(dataset, "as_numpy_iterator"):
        return None
    batches, n = [], 0
    try:
        for element in dataset.as_numpy_iterator():
            if not isinstance(element, tuple) or len(element) < 2 or isinstance(element[0], dict):
                return None
            xb, yb = np.asarray(element[0]), np.asarray(element[1])
            batched = _batched(xb, model)
            batches.append((xb, yb, True) if batched else (xb[None], yb[None], False))
            n += len(batches[-1][0])
            if n >= limit:
                break
    except Exception:  # noqa: BLE001 - a dataset that cannot be read again is not captured
        return None
    return batches or None


def _stacked(batches, limit: int = MAX_DATASET_SAMPLES):
    """``(x, y)`` of `_dataset_batches`, joined; None when there are none."""
    if not batches:
        return None
    return np.concatenate([b[0] for b in batches])[:limit], np.concatenate([b[1] for b in batches])[:limit]


def _from_dataset(dataset, model, limit: int = MAX_DATASET_SAMPLES):
    """``(x, y)`` read back from a ``tf.data`` dataset (see `_dataset_batches`)."""
    return _stacked(_dataset_batches(dataset, model, limit), limit)


def _arrays(x, y):
    """``(x, y)`` as numpy arrays of one length, or None when they are not arrays (a dataset or
    a generator)."""
    try:
        x, y = _array(x), _array(y)
    except (TypeError, ValueError):
        return None
    if x is None or y is None or x.dtype == object or len(x) != len(y):
        return None
    return x, y


def _array(value):
    if value is None:
        return None
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    return np.asarray(value)


class KerasCapture:
    def __init__(self):
        self.fits: dict[int, KerasFitRecord] = {}
        self._last_call = None  # (model, inputs, outputs, training) of the last model call outside fit
        self._restore = None
        self.raised_in_fit = False  # the script's exception came out of a fit call
        self._in_fit = 0  # fit's own evaluate calls (its validation) are not the script's

    def install(self, keras) -> None:
        model_cls = keras.Model
        owned = "fit" in model_cls.__dict__
        original = model_cls.fit
        signature = inspect.signature(original)
        capture = self

        def fit(self, *args, **kwargs):
            try:
                bound = signature.bind(self, *args, **kwargs)
                bound.apply_defaults()
                a = bound.arguments
                record = capture.fits.setdefault(id(self), KerasFitRecord(model=self))
                record.x, record.y = a.get("x"), a.get("y")
                record.validation_data = a.get("validation_data")
                record.validation_split = a.get("validation_split") or 0.0
                record.batch_size, record.epochs = a.get("batch_size"), a.get("epochs")
                record.shuffle = a.get("shuffle", True)
                record.fit_calls += 1
                if record.fit_calls == 1:
                    record.snapshot()
            except Exception:  # noqa: BLE001 - recording must never break the user's fit
                pass
            capture._in_fit += 1
            first_step = _iterations(self)
            try:
                history = original(self, *args, **kwargs)
                try:
                    capture.fits[id(self)].trace_lr(history, first_step)
                except Exception:  # noqa: BLE001 - recording must never break the user's fit
                    pass
                return history
            except BaseException:
                capture.raised_in_fit = True
                raise
            finally:
                capture._in_fit -= 1

        owned_eval = "evaluate" in model_cls.__dict__
        original_eval = model_cls.evaluate
        eval_signature = inspect.signature(original_eval)

        def evaluate(self, *args, **kwargs):
            if not capture._in_fit:
                try:
                    a = eval_signature.bind(self, *args, **kwargs).arguments
                    if a.get("x") is not None and (a.get("y") is not None or hasattr(a["x"], "as_numpy_iterator")):
                        record = capture.fits.setdefault(id(self), KerasFitRecord(model=self))
                        record.evaluated = (a["x"], a.get("y"))
                except Exception:  # noqa: BLE001 - recording must never break the user's evaluate
                    pass
            return original_eval(self, *args, **kwargs)

        owned_predict = "predict" in model_cls.__dict__
        original_predict = model_cls.predict
        predict_signature = inspect.signature(original_predict)

        def predict(self, *args, **kwargs):
            outputs = original_predict(self, *args, **kwargs)
            if not capture._in_fit:
                try:
                    from .prediction_inputs import record_prediction

                    x = _array(predict_signature.bind(self, *args, **kwargs).arguments.get("x"))
                    if isinstance(outputs, np.ndarray) and x is not None and x.dtype != object:
                        record = capture.fits.setdefault(id(self), KerasFitRecord(model=self))
                        record_prediction(record.predictions, x, outputs)
                except Exception:  # noqa: BLE001, S110 - recording must never break the user's predict
                    pass
            return outputs

        owned_call = "__call__" in model_cls.__dict__
        original_call = model_cls.__call__

        def call(self, *args, **kwargs):
            # a direct call in training mode outside fit is a prediction with dropout on (fit's
            # own calls run inside it, and traced: never here)
            if not capture._in_fit and kwargs.get("training") is True:
                try:
                    if has_stochastic_layers(self):
                        record = capture.fits.setdefault(id(self), KerasFitRecord(model=self))
                        record.train_mode_calls += 1
                except Exception:  # noqa: BLE001, S110 - recording must never break the user's call
                    pass
            outputs = original_call(self, *args, **kwargs)
            if not capture._in_fit and args:  # a custom loop's loss may come next
                capture._last_call = (self, args[0], outputs, kwargs.get("training") is not False)
            return outputs

        loss_cls = keras.losses.Loss
        owned_loss = "__call__" in loss_cls.__dict__
        original_loss = loss_cls.__call__

        def loss_call(self, y_true, y_pred, *args, **kwargs):
            last = capture._last_call
            if not capture._in_fit and last is not None and y_pred is last[2]:
                try:
                    capture.loop_batch(y_true, loss=self)
                except Exception:  # noqa: BLE001, S110 - recording must never break the user's loss
                    pass
            return original_loss(self, y_true, y_pred, *args, **kwargs)

        optimizer_cls = keras.optimizers.Optimizer
        owned_apply = "apply" in optimizer_cls.__dict__
        original_apply = optimizer_cls.apply

        def apply(self, *args, **kwargs):
            # a gradient step outside fit: the training-mode calls before it were a custom
            # training loop's, not predictions
            if not capture._in_fit:
                for record in capture.fits.values():
                    record.train_mode_calls = 0
                last = capture._last_call
                record = capture.fits.get(id(last[0])) if last is not None else None
                if record is not None and record.loop is not None:
                    record.loop.steps += 1
                    record.loop.optimizer = self
            return original_apply(self, *args, **kwargs)

        restore_tf = _eager_user_functions(keras, capture)

        for wrapper, wrapped in ((fit, original), (evaluate, original_eval), (predict, original_predict),
                                 (call, original_call), (apply, original_apply), (loss_call, original_loss)):
            wrapper.__wrapped__ = wrapped
            wrapper.__doc__ = wrapped.__doc__
        model_cls.fit, model_cls.evaluate, model_cls.predict, model_cls.__call__ = fit, evaluate, predict, call
        optimizer_cls.apply = apply
        loss_cls.__call__ = loss_call

        def restore():
            for name, method, was_owned in (("fit", original, owned), ("evaluate", original_eval, owned_eval),
                                            ("predict", original_predict, owned_predict),
                                            ("__call__", original_call, owned_call)):
                if was_owned:
                    setattr(model_cls, name, method)
                else:
                    delattr(model_cls, name)
            if owned_apply:
                optimizer_cls.apply = original_apply
            else:
                del optimizer_cls.apply
            if owned_loss:
                loss_cls.__call__ = original_loss
            else:
                del loss_cls.__call__
            restore_tf()
            capture._last_call = None
        self._restore = restore

    def loop_batch(self, target, loss=None):
        """The last model call's inputs and ``target`` as one batch of a custom loop (see
        `CustomLoop`): found or create the model's record and loop, keep the starting weights
        before the first training batch, add the batch. ``loss`` (a Keras ``Loss``) is the loop's
        loss when given. Returns the record, or None when the batch is not arrays."""
        model, x, _, training = self._last_call
        record = self.fits.setdefault(id(model), KerasFitRecord(model=model))
        record.loop = record.loop or CustomLoop()
        if loss is not None:
            record.loop.loss = loss
        x, y = _array(x), _array(target)
        if x is None or y is None or x.dtype == object:
            return None
        if training and record.initial_weights is None and not record.loop.steps:
            record.snapshot()
        record.loop.add(x, y, training)
        return record

    def remove(self) -> None:
        if self._restore is not None:
            self._restore()
            self._restore = None


def has_stochastic_layers(model) -> bool:
    """Dropout (or noise) or batch-norm layers anywhere in a Keras model: what training=True changes."""
    from ..adapters.keras import _flat_layers

    names = (type(layer).__name__ for layer in _flat_layers(model))
    return any("Dropout" in name or "Noise" in name or name == "BatchNormalization" for name in names)


def _iterations(model) -> int:
    """The optimizer steps the model has taken so far (0 before its optimizer is built)."""
    try:
        return int(np.asarray(model.optimizer.iterations))
    except Exception:  # noqa: BLE001 - no optimizer yet, or not built
        return 0


def _eager_user_functions(keras, capture):
    """With the TensorFlow backend: ``tf.function`` leaves the script's own functions (defined
    in ``__main__``) eager, so that a ``@tf.function`` training step shows its model calls, losses
    and steps with values (traced, it would show symbolic tensors once); and a target subtracted
    from the model's output in a hand-written loss (``tf.reduce_mean(tf.square(y - model(x)))``)
    names a training batch, as a Keras ``Loss`` does, with MSE standing in for the loss.
    Returns the function that undoes both."""
    try:
        if keras.backend.backend() != "tensorflow":
            return lambda: None
        import tensorflow as tf
    except Exception:  # noqa: BLE001 - no TensorFlow: nothing to patch
        return lambda: None
    original_function = tf.function

    def function(func=None, *args, **kwargs):
        if func is None:
            return lambda f: function(f, *args, **kwargs)
        if getattr(func, "__module__", None) == "__main__":
            return func
        return original_function(func, *args, **kwargs)

    function.__wrapped__ = original_function
    tensor_cls = tf.Tensor
    originals = {name: tensor_cls.__dict__.get(name) for name in ("__sub__", "__rsub__")}

    def watched(name, method):
        def sub(self, other):
            _on_subtraction(capture, keras, self, other) if name == "__sub__" else \
                _on_subtraction(capture, keras, other, self)
            return method(self, other)
        return sub

    tf.function = function
    for name, method in originals.items():
        if method is not None:
            setattr(tensor_cls, name, watched(name, method))

    def restore():
        tf.function = original_function
        for name, method in originals.items():
            if method is not None:
                setattr(tensor_cls, name, method)
    return restore


def _on_subtraction(capture, keras, left, right) -> None:
    """``left - right`` outside fit, where one side is the output of the model's last call:
    the other is its target, and the pair a batch of a custom loop (see `CustomLoop`)."""
    last = capture._last_call
    if capture._in_fit or last is None:
        return
    try:
        output = last[2]
        if left is output:
            target = right
        elif right is output:
            target = left
        else:
            return
        record = capture.loop_batch(target)
        if record is None:
            return
        if record.loop.loss is None:
            record.loop.loss = keras.losses.MeanSquaredError()
        out_shape, y_shape = tuple(np.shape(output)), tuple(np.shape(target))
        if last[3] and record.loop.broadcast is None and len(out_shape) != len(y_shape) \
                and out_shape[0] == y_shape[0] > 1 and (out_shape[1:] == (1,) or y_shape[1:] == (1,)):
            record.loop.broadcast = (out_shape, y_shape)
    except Exception:  # noqa: BLE001, S110 - recording must never break the user's arithmetic
        pass
