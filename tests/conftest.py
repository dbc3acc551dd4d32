"""Shared builders: the same small model and training in Keras and PyTorch, so that every rule
is tested by a faulty run and a healthy twin in both frameworks."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from nndoctor import Budget

FRAMEWORKS = ["torch", "keras"]

# The step counts of budget="quick"/"standard" without their clocks: a test's diagnosis must not
# depend on how busy the machine is (a wall-clock budget skips experiments under load).
QUICK = Budget(steps=300, seconds=None, name="quick, no clock")
STANDARD = Budget(steps=1000, seconds=None, name="standard, no clock")


@pytest.fixture(params=FRAMEWORKS)
def framework(request):
    return request.param


def blobs(n_per_class=100, n_classes=2, n_features=2, seed=0, spread=1.0):
    """Well separated Gaussian blobs: easy to learn for a healthy set-up."""
    x, y = make_blobs(n_samples=[n_per_class] * n_classes, n_features=n_features,
                      cluster_std=spread, random_state=seed, center_box=(-5, 5))
    return x.astype(np.float32), y.astype(np.int64)


def split(x, y, seed=0):
    from sklearn.model_selection import train_test_split
    return train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)


def mlp(framework, n_in, n_out, hidden=16, init=None, seed=0, softmax=False):
    """Dense(hidden, relu) -> Dense(n_out). ``init``: None (framework default), "zeros",
    ("constant", c) or ("normal", std) for every kernel."""
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(seed)
        layers = [nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out)]
        if softmax:
            layers.append(nn.Softmax(dim=1))
        model = nn.Sequential(*layers)
        if init is not None:
            with torch.no_grad():
                for layer in model:
                    if isinstance(layer, nn.Linear):
                        if init == "zeros":
                            layer.weight.zero_(); layer.bias.zero_()
                        elif init[0] == "constant":
                            layer.weight.fill_(init[1]); layer.bias.fill_(0.0)
                        elif init[0] == "normal":
                            layer.weight.normal_(0.0, init[1])
        return model
    import keras
    keras.utils.set_random_seed(seed)
    initializer = "glorot_uniform"
    if init == "zeros":
        initializer = "zeros"
    elif init is not None and init[0] == "constant":
        initializer = keras.initializers.Constant(init[1])
    elif init is not None and init[0] == "normal":
        initializer = keras.initializers.RandomNormal(stddev=init[1], seed=seed)
    return keras.Sequential([
        keras.Input((n_in,)),
        keras.layers.Dense(hidden, activation="relu", kernel_initializer=initializer),
        keras.layers.Dense(n_out, activation="softmax" if softmax else None, kernel_initializer=initializer),
    ])


def setup(framework, model, *, loss="cross_entropy", optimizer="adam", lr=1e-3, momentum=0.0):
    """Compile a Keras model, or return the diagnose() keywords a torch model needs
    (``momentum``: Keras SGD's; a torch model gets it through `train`'s optimizer)."""
    if framework == "torch":
        return {"loss": loss, "optimizer": optimizer, "lr": lr}
    import keras
    keras_loss = {"cross_entropy": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  "mse": "mse"}[loss]
    opt = (keras.optimizers.SGD(learning_rate=lr, momentum=momentum) if optimizer == "sgd"
           else keras.optimizers.Adam(learning_rate=lr))
    model.compile(optimizer=opt, loss=keras_loss)
    return {}


def train(framework, model, x, y, *, epochs, lr=1e-3, optimizer="adam", loss="cross_entropy",
          batch_size=32, seed=0, shuffle=True, momentum=0.0):
    """Train the user's model itself (the way a user would, before asking for a diagnosis);
    ``shuffle=False`` takes the batches in the data's order every epoch. Returns the diagnose()
    keywords of that training: a torch model's loss module and optimizer (Keras: compiled in)."""
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(seed)
        loss_fn = {"cross_entropy": nn.CrossEntropyLoss(), "mse": nn.MSELoss()}[loss]
        opt = (torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum) if optimizer == "sgd"
               else torch.optim.Adam(model.parameters(), lr=lr))
        xt = torch.as_tensor(x)
        yt = torch.as_tensor(y)
        for _ in range(epochs):
            order = torch.randperm(len(xt)) if shuffle else torch.arange(len(xt))
            for i in range(0, len(xt), batch_size):
                idx = order[i:i + batch_size]
                opt.zero_grad()
                loss_fn(model(xt[idx]), yt[idx]).backward()
                opt.step()
        model.eval()
        return {"loss": loss_fn, "optimizer": opt}
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=shuffle)
    return {}


def assert_same(a, b, path="fingerprint"):
    """Bit-identical nested structures of arrays, tuples, lists, dicts and scalars (NaN equals
    NaN): how tests prove a diagnosis left the user's model, optimizer and RNG as it found them."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    else:
        assert a == b, path


def causes(diagnosis, severities=("error", "warning")):
    return [f.cause for f in diagnosis.findings if f.severity in severities]
