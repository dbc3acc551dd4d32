"""Pick the adapter for a model without importing a framework the user does not use."""

from __future__ import annotations

import sys

from ._base import Adapter, TrainSpec

__all__ = ["Adapter", "TrainSpec", "adapter_for", "framework_of"]


def framework_of(model) -> str | None:
    """"torch", "keras" or None, judged by the model's class hierarchy."""
    for cls in type(model).__mro__:
        module = cls.__module__ or ""
        if module.startswith("torch.nn") and cls.__name__ == "Module":
            return "torch"
        if (module.startswith("keras") or module.startswith("tf_keras")
                or module.startswith("tensorflow.python.keras")) and cls.__name__ in {"Model", "Layer"}:
            return "keras"
    return None


def adapter_for(model, *, loss=None, optimizer=None, lr=None) -> Adapter:
    """The adapter that speaks ``model``'s framework."""
    framework = framework_of(model)
    if framework == "torch":
        from .torch import TorchAdapter
        return TorchAdapter(model, loss=loss, optimizer=optimizer, lr=lr)
    if framework == "keras":
        from .keras import KerasAdapter
        return KerasAdapter(model, loss=loss, optimizer=optimizer, lr=lr)
    loaded = [name for name in ("torch", "keras") if name in sys.modules]
    raise TypeError("`model` must be a Keras 3 model (keras.Model / tf.keras.Model) or a "
                    f"torch.nn.Module. Got {type(model).__module__}.{type(model).__qualname__} "
                    f"instead (frameworks loaded: {', '.join(loaded) or 'none'}).")
