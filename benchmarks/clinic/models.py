"""The user's model and training, described once and built in Keras 3 or PyTorch.

`Arch` says what the network is (a small MLP, a small CNN on digits, or one of the odd shapes a
fault needs), `Setup` says how the user trains it. `build` turns both into a real model, loss
and optimizer of one framework, `train` runs the user's own training loop (including its
faulty forms: no ``zero_grad``, ``zero_grad`` once per epoch, no shuffling), and `plain_run`
times one ordinary training run of the same model for the timing ratio.

Frameworks are imported inside the functions: a worker only loads what its scenario needs.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Arch:
    """A network. ``init`` applies to every kernel: None (framework default), ("zeros",),
    ("constant", c), ("normal", std), ("he", gain) or ("uniform", low, high)."""

    kind: str = "mlp"  # "mlp" | "cnn" | "tied" (one hidden layer applied `tied_repeats` times)
    hidden: tuple[int, ...] = (32,)
    activation: str = "relu"  # relu | sigmoid | tanh | linear
    out_units: int = 2
    out_activation: str | None = None  # None (logits/linear) | "softmax" | "sigmoid"
    init: tuple | None = None
    first_init: tuple | None = None  # overrides `init` for the first layer
    hidden_bias: float | None = None  # constant bias of the hidden layers
    dropout: float = 0.0
    dropout_always_on: bool = False  # dropout applied at prediction too (training forced)
    batchnorm: str = "none"  # "none" | "input" | "hidden"
    bn_stats_frozen: bool = False  # batch-norm moving statistics never updated
    tied_repeats: int = 0
    tied_gain: float = 1.0
    frozen: bool = False  # every layer trainable=False / requires_grad=False
    filters: int = 8


@dataclass
class Setup:
    """How the user trains: loss, optimizer, learning rate, length and loop."""

    loss: str = "ce_logits"  # ce_logits | ce_probs | bce_logits | bce_probs | cce_probs | mse | l1 | huber
    optimizer: str = "adam"  # adam | sgd
    lr: float = 1e-3
    momentum: float = 0.0
    batch_size: int = 32
    steps: int = 600  # the user's training length; 0 = never trained
    loop: str = "normal"  # normal | no-zero-grad | zero-grad-per-epoch | no-shuffle
    class_weight: dict[int, float] | None = None
    metrics: tuple = ()  # Keras compile metrics, as the user wrote them
    notes: list[str] = field(default_factory=list)


# -- inputs ------------------------------------------------------------------------------------

def as_inputs(x: np.ndarray, arch: Arch, framework: str) -> np.ndarray:
    """Flat features as the model takes them: images (N, 1, 8, 8) for torch, (N, 8, 8, 1) for Keras."""
    if arch.kind != "cnn":
        return x
    side = int(round(math.sqrt(x.shape[1])))
    return x.reshape(len(x), 1, side, side) if framework == "torch" else x.reshape(len(x), side, side, 1)


# -- building ----------------------------------------------------------------------------------

def build(framework: str, arch: Arch, setup: Setup, n_features: int, seed: int):
    """(model, loss, optimizer) of one framework. A Keras model comes compiled (its loss and
    optimizer are in it); for torch, loss is a module and optimizer an instance over the model."""
    if framework == "torch":
        return _build_torch(arch, setup, n_features, seed)
    return _build_keras(arch, setup, n_features, seed)


def _build_torch(arch: Arch, setup: Setup, n_features: int, seed: int):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    act = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "linear": nn.Identity}[arch.activation]
    if arch.kind == "cnn":
        side = int(round(math.sqrt(n_features)))
        layers = [nn.Conv2d(1, arch.filters, 3), act(), nn.Flatten()]
        width = arch.filters * (side - 2) ** 2
        for units in arch.hidden:
            layers += [nn.Linear(width, units), act()]
            width = units
        layers.append(nn.Linear(width, arch.out_units))
        model = nn.Sequential(*layers, *_torch_out(arch))
    elif arch.kind == "tied":
        from .torch_nets import TiedNet
        model = TiedNet(n_features, arch.hidden[0], arch.out_units, arch.tied_repeats, act, _torch_out(arch))
    elif arch.dropout_always_on:
        from .torch_nets import FunctionalDropoutNet
        model = FunctionalDropoutNet(n_features, arch.hidden, arch.out_units, arch.dropout, act, _torch_out(arch))
    else:
        layers, width = [], n_features
        if arch.batchnorm == "input":
            layers.append(nn.BatchNorm1d(n_features, momentum=0.0 if arch.bn_stats_frozen else 0.1))
        for units in arch.hidden:
            layers.append(nn.Linear(width, units))
            if arch.batchnorm == "hidden":
                layers.append(nn.BatchNorm1d(units, momentum=0.0 if arch.bn_stats_frozen else 0.1))
            layers.append(act())
            if arch.dropout:
                layers.append(nn.Dropout(arch.dropout))
            width = units
        layers.append(nn.Linear(width, arch.out_units))
        model = nn.Sequential(*layers, *_torch_out(arch))
    _torch_init(model, arch, seed)
    if arch.frozen:
        for p in model.parameters():
            p.requires_grad_(False)
    loss = _torch_loss(setup)
    params = list(model.parameters())
    if setup.optimizer == "adam":
        optimizer = torch.optim.Adam(params, lr=setup.lr)
    else:
        optimizer = torch.optim.SGD(params, lr=setup.lr, momentum=setup.momentum)
    return model, loss, optimizer


def _torch_out(arch: Arch) -> list:
    from torch import nn
    if arch.out_activation == "softmax":
        return [nn.Softmax(dim=1)]
    if arch.out_activation == "sigmoid":
        return [nn.Sigmoid()]
    return []


def _torch_loss(setup: Setup):
    import torch
    from torch import nn
    if setup.loss == "ce_logits":
        if setup.class_weight:
            weights = [setup.class_weight[c] for c in sorted(setup.class_weight)]
            return nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
        return nn.CrossEntropyLoss()
    losses = {"bce_logits": nn.BCEWithLogitsLoss, "bce_probs": nn.BCELoss, "mse": nn.MSELoss,
              "l1": nn.L1Loss, "huber": nn.HuberLoss}
    if setup.loss not in losses:
        raise ValueError(f"loss {setup.loss!r} has no PyTorch form in the clinic")
    return losses[setup.loss]()


def _torch_init(model, arch: Arch, seed: int) -> None:
    import torch
    from torch import nn

    weighted = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for i, layer in enumerate(weighted):
            spec = arch.first_init if (i == 0 and arch.first_init is not None) else arch.init
            w = layer.weight
            fan_in = int(np.prod(w.shape[1:]))
            if spec is not None:
                kind = spec[0]
                if kind == "zeros":
                    w.zero_()
                elif kind == "constant":
                    w.fill_(spec[1])
                elif kind == "normal":
                    w.copy_(torch.randn(w.shape, generator=generator) * spec[1])
                elif kind == "he":
                    w.copy_(torch.randn(w.shape, generator=generator) * spec[1] * math.sqrt(2.0 / fan_in))
                elif kind == "uniform":
                    w.copy_(torch.rand(w.shape, generator=generator) * (spec[2] - spec[1]) + spec[1])
                if kind in {"zeros", "constant"}:
                    layer.bias.zero_()
            if arch.hidden_bias is not None and i < len(weighted) - 1:
                layer.bias.fill_(arch.hidden_bias)
        if arch.kind == "tied":
            nn.init.orthogonal_(model.shared.weight, gain=arch.tied_gain, generator=generator)


def _build_keras(arch: Arch, setup: Setup, n_features: int, seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    act = None if arch.activation == "linear" else arch.activation
    momentum = 1.0 if arch.bn_stats_frozen else 0.99
    n_weighted = len(arch.hidden) + 1 + (arch.kind == "cnn") + (arch.kind == "tied")
    counter = iter(range(n_weighted))

    def dense(units, activation, hidden=True):
        i = next(counter)
        spec = arch.first_init if (i == 0 and arch.first_init is not None) else arch.init
        kernel, bias = _keras_init(spec, seed + i)
        if hidden and arch.hidden_bias is not None:
            bias = keras.initializers.Constant(arch.hidden_bias)
        return keras.layers.Dense(units, activation=activation, kernel_initializer=kernel,
                                  bias_initializer=bias)

    if arch.kind == "cnn":
        side = int(round(math.sqrt(n_features)))
        inputs = keras.Input((side, side, 1))
        kernel, bias = _keras_init(arch.init, seed + next(counter))
        h = keras.layers.Conv2D(arch.filters, 3, activation=act, kernel_initializer=kernel,
                                bias_initializer=bias)(inputs)
        h = keras.layers.Flatten()(h)
    else:
        inputs = keras.Input((n_features,))
        h = inputs
        if arch.batchnorm == "input":
            h = keras.layers.BatchNormalization(momentum=momentum)(h)
    if arch.kind == "tied":
        h = dense(arch.hidden[0], act)(h)
        shared = keras.layers.Dense(arch.hidden[0], kernel_initializer=keras.initializers.Orthogonal(
            gain=arch.tied_gain, seed=seed), name="shared")
        next(counter)
        for _ in range(arch.tied_repeats):
            h = shared(h)
    else:
        for units in arch.hidden:
            if arch.batchnorm == "hidden":
                h = dense(units, None)(h)
                h = keras.layers.BatchNormalization(momentum=momentum)(h)
                h = keras.layers.Activation(act or "linear")(h)
            else:
                h = dense(units, act)(h)
            if arch.dropout:
                from .keras_layers import AlwaysDropout
                layer = AlwaysDropout(arch.dropout, seed) if arch.dropout_always_on else keras.layers.Dropout(arch.dropout)
                h = layer(h)
    outputs = dense(arch.out_units, arch.out_activation, hidden=False)(h)
    model = keras.Model(inputs, outputs)
    if arch.frozen:
        for layer in model.layers:
            layer.trainable = False
    model.compile(optimizer=_keras_optimizer(setup), loss=_keras_loss(setup, arch),
                  metrics=list(setup.metrics) or None)
    return model, None, None


def _keras_init(spec, seed):
    import keras
    bias = "zeros"
    if spec is None:
        return "glorot_uniform", bias
    kind = spec[0]
    if kind == "zeros":
        return "zeros", bias
    if kind == "constant":
        return keras.initializers.Constant(spec[1]), bias
    if kind == "normal":
        return keras.initializers.RandomNormal(stddev=spec[1], seed=seed), bias
    if kind == "he":
        return keras.initializers.VarianceScaling(scale=2.0 * spec[1] ** 2, mode="fan_in",
                                                  distribution="untruncated_normal", seed=seed), bias
    if kind == "uniform":
        return keras.initializers.RandomUniform(spec[1], spec[2], seed=seed), bias
    raise ValueError(f"unknown init {spec!r}")


def _keras_loss(setup: Setup, arch: Arch):
    import keras
    losses = keras.losses
    table = {
        "ce_logits": lambda: losses.SparseCategoricalCrossentropy(from_logits=True),
        "ce_probs": lambda: losses.SparseCategoricalCrossentropy(),
        "bce_logits": lambda: losses.BinaryCrossentropy(from_logits=True),
        "bce_probs": lambda: losses.BinaryCrossentropy(),
        "cce_probs": lambda: losses.CategoricalCrossentropy(),
        "mse": lambda: losses.MeanSquaredError(),
        "l1": lambda: losses.MeanAbsoluteError(),
        "huber": lambda: losses.Huber(),
    }
    return table[setup.loss]()


def _keras_optimizer(setup: Setup):
    import keras
    if setup.optimizer == "adam":
        return keras.optimizers.Adam(learning_rate=setup.lr)
    return keras.optimizers.SGD(learning_rate=setup.lr, momentum=setup.momentum)


# -- training ----------------------------------------------------------------------------------

def train(framework: str, model, loss, optimizer, setup: Setup, x, y, seed: int, steps: int | None = None,
          loop: str | None = None) -> float:
    """Train ``model`` in place the user's way for ``steps`` steps; returns the seconds taken."""
    steps = setup.steps if steps is None else steps
    loop = setup.loop if loop is None else loop
    if steps <= 0:
        return 0.0
    start = time.perf_counter()
    if framework == "torch":
        _train_torch(model, loss, optimizer, setup, x, y, seed, steps, loop)
    else:
        _train_keras(model, setup, x, y, seed, steps, loop)
    return time.perf_counter() - start


def torch_target(loss, y: np.ndarray, out_shape):
    """The target tensor a user's loop feeds this loss: class indices for cross-entropy, floats
    in the output's shape for binary losses, and y exactly as given for regression losses."""
    import torch
    from torch import nn
    if isinstance(loss, nn.CrossEntropyLoss):
        return torch.as_tensor(np.asarray(y).reshape(len(y)), dtype=torch.long)
    t = torch.as_tensor(np.asarray(y), dtype=torch.float32)
    if isinstance(loss, (nn.BCELoss, nn.BCEWithLogitsLoss)) and t.numel() == math.prod(out_shape):
        t = t.reshape(out_shape)
    return t


def _train_torch(model, loss, optimizer, setup, x, y, seed, steps, loop) -> None:
    import torch

    generator = torch.Generator().manual_seed(seed)
    xt = torch.as_tensor(x, dtype=torch.float32)
    model.train()
    step = 0
    while step < steps:
        order = torch.arange(len(xt)) if loop == "no-shuffle" else torch.randperm(len(xt), generator=generator)
        if loop == "zero-grad-per-epoch":
            optimizer.zero_grad()
        for i in range(0, len(xt), setup.batch_size):
            idx = order[i:i + setup.batch_size]
            if loop in {"normal", "no-shuffle"}:
                optimizer.zero_grad()
            out = model(xt[idx])
            loss(out, torch_target(loss, y[idx.numpy()], out.shape)).backward()
            optimizer.step()
            step += 1
            if step >= steps:
                break
    model.eval()


def _train_keras(model, setup, x, y, seed, steps, loop) -> None:
    import tensorflow as tf

    parts = [x, y]
    if setup.class_weight:
        labels = np.asarray(y).reshape(len(y)).astype(int)
        parts.append(np.array([setup.class_weight[int(c)] for c in labels], dtype=np.float32))
    stream = tf.data.Dataset.from_tensor_slices(tuple(parts))
    if loop != "no-shuffle":
        stream = stream.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    # one repeated stream: Keras's per-epoch overhead (~50 ms) would dominate small data
    stream = stream.batch(setup.batch_size).repeat()
    model.fit(stream, epochs=1, steps_per_epoch=steps, verbose=0)


def fresh_copy(framework: str, model, setup: Setup, arch: Arch):
    """An independent copy with the same weights, loss and optimizer settings (for timing)."""
    if framework == "torch":
        import torch
        clone = copy.deepcopy(model)
        params = [p for p in clone.parameters()]
        opt = (torch.optim.Adam(params, lr=setup.lr) if setup.optimizer == "adam"
               else torch.optim.SGD(params, lr=setup.lr, momentum=setup.momentum))
        return clone, opt
    import keras
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    clone.compile(optimizer=_keras_optimizer(setup), loss=_keras_loss(setup, arch))
    return clone, None


def plain_run_seconds(framework: str, model, loss, setup: Setup, arch: Arch, x, y, steps: int, seed: int) -> float:
    """Seconds of one ordinary training run of a copy for ``steps`` steps with the user's
    loss, optimizer, learning rate and batch size (the denominator of the timing ratio)."""
    clone, opt = fresh_copy(framework, model, setup, arch)
    start = time.perf_counter()
    try:
        if framework == "torch":
            _train_torch(clone, loss, opt, setup, x, y, seed, steps, "normal")
        else:
            _train_keras(clone, setup, x, y, seed, steps, "normal")
    except Exception:  # noqa: BLE001 - a set-up that cannot train still took this long to fail
        pass
    return time.perf_counter() - start


# -- predictions -------------------------------------------------------------------------------

def predict(framework: str, model, x) -> np.ndarray:
    """The model's outputs the way the user predicts: ``eval()`` mode / ``training=False``."""
    if framework == "torch":
        import torch
        model.eval()
        with torch.no_grad():
            return model(torch.as_tensor(x, dtype=torch.float32)).numpy()
    return np.asarray(model(x, training=False))


def score(outputs: np.ndarray, y: np.ndarray, task: str, arch: Arch) -> float:
    """Accuracy (classification) or R^2 (regression) of a model's outputs; NaN where undefined."""
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    if not np.isfinite(out).all():
        return math.nan
    if task == "regression":
        target = np.asarray(y, dtype=np.float64).reshape(len(out), -1)
        ss = float(((target - target.mean()) ** 2).sum())
        return 1.0 - float(((target - out) ** 2).sum()) / ss if ss > 0 and np.isfinite(target).all() else math.nan
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    classes = int(np.nanmax(labels)) + 1 if labels.size else 2
    if out.shape[1] == 1 and arch.out_activation is None and classes > 2:
        # one linear unit for 3+ classes regresses the class index: its user rounds it
        predicted = np.clip(np.rint(out[:, 0]), 0, classes - 1).astype(int)
    elif out.shape[1] == 1:
        threshold = 0.5 if arch.out_activation in {"sigmoid", "softmax"} else 0.0
        predicted = (out[:, 0] > threshold).astype(int)
    else:
        predicted = out.argmax(axis=1)
    return float(np.mean(predicted == labels.reshape(len(labels))))
