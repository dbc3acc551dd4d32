"""ModelProfile: what a model is made of and how it is set up to learn, framework-free."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

CLASSIFICATION_LOSSES = {"sparse_categorical_crossentropy", "categorical_crossentropy",
                         "binary_crossentropy", "nll"}
REGRESSION_LOSSES = {"mse", "mae", "huber", "log_cosh", "msle"}


@dataclass
class LayerInfo:
    """One layer. ``weight`` is oriented (fan_in, units); conv kernels are flattened to that."""

    name: str
    kind: str  # dense | conv | activation | dropout | batchnorm | other
    units: int | None = None
    activation: str | None = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    trainable: bool | None = None  # whether the optimizer may change its weights (None: no weights)
    params: int = 0  # parameters the layer itself holds (an RNN or embedding has some and no `weight`)

    @property
    def fan_in(self) -> int | None:
        return None if self.weight is None else int(self.weight.shape[0])


# how `ModelProfile.extra["metrics"]` names keras.metrics.Accuracy(): the class is named
# "accuracy" like the string, but counts exact equality of target and raw output (no argmax, no
# threshold), so it is kept apart from the string, which Keras resolves by shapes
EXACT_ACCURACY = "keras.metrics.Accuracy()"


@dataclass
class ModelProfile:
    """The structure and training set-up of a model.

    ``loss_name`` is canonical across frameworks: ``sparse_categorical_crossentropy`` (integer
    labels, torch ``CrossEntropyLoss`` too), ``categorical_crossentropy`` (one-hot),
    ``binary_crossentropy``, ``nll`` (expects log-probabilities), ``mse``, ``mae``, ``huber``,
    or the loss's own name when it is none of these. ``loss_from_logits`` says whether the loss
    applies softmax/sigmoid itself.
    """

    framework: str
    layers: list[LayerInfo]
    n_params: int
    output_units: int
    output_activation: str | None
    loss_name: str
    loss_from_logits: bool | None
    optimizer_name: str
    lr: float | None
    has_dropout: bool = False
    has_batchnorm: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def weighted_layers(self) -> list[LayerInfo]:
        return [layer for layer in self.layers if layer.weight is not None]

    @property
    def opaque_layers(self) -> list[LayerInfo]:
        """Layers with parameters that nndoctor does not read (recurrent, embedding, custom):
        the network may be deeper than its dense/conv layers show."""
        return [layer for layer in self.layers if layer.kind == "other" and layer.params]

    @property
    def weights_finite(self) -> bool:
        """Whether every recorded kernel and bias is finite (False after a training blow-up)."""
        return all(np.isfinite(a).all() for layer in self.weighted_layers
                   for a in (layer.weight, layer.bias) if a is not None)

    @property
    def loss_task(self) -> str | None:
        if self.loss_name in CLASSIFICATION_LOSSES:
            return "classification"
        if self.loss_name in REGRESSION_LOSSES:
            return "regression"
        return None

    def to_dict(self) -> dict:
        return {
            "framework": self.framework,
            "layers": [{"name": layer.name, "kind": layer.kind, "units": layer.units,
                        "activation": layer.activation, "trainable": layer.trainable}
                       for layer in self.layers],
            "n_params": self.n_params,
            "output_units": self.output_units,
            "output_activation": self.output_activation,
            "loss": self.loss_name,
            "loss_from_logits": self.loss_from_logits,
            "optimizer": self.optimizer_name,
            "lr": self.lr,
        }


def expected_init_std(fan_in: int, fan_out: int, activation: str | None) -> float:
    """The weight std a standard init gives: He for ReLU-like layers, Glorot otherwise."""
    if activation in {"relu", "leaky_relu", "elu", "gelu", "selu", "silu"}:
        return math.sqrt(2.0 / max(fan_in, 1))
    return math.sqrt(2.0 / max(fan_in + fan_out, 1))
