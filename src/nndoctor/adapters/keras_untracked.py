"""Weights a Keras 3 layer holds but does not track: raw backend variables (``tf.Variable``,
``torch.nn.Parameter``) set on a layer instead of made with ``add_weight``. Keras never lists
them among the model's weights, so ``fit`` never trains them and ``set_weights`` never copies
them. Found here for the profile (GD007), copied onto the adapter's copies, and made real
weights of a copy for the ``unfreeze`` control."""

from __future__ import annotations

import re
import sys
from contextlib import suppress

import keras
import numpy as np
from keras import ops


def _raw_variable(value) -> bool:
    """A trainable floating-point variable of the backend itself, not a Keras one: a
    ``tf.Variable`` (TensorFlow), a ``torch.nn.Parameter`` (torch). Keras 3 tracks only
    ``keras.Variable`` (``add_weight``), so a layer never lists these among its weights.
    Frameworks that are not loaded are not imported to look."""
    classes = []
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "Variable"):
        classes.append(tf.Variable)
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "nn"):
        classes.append(torch.nn.Parameter)
    if not classes or isinstance(value, keras.Variable) or not isinstance(value, tuple(classes)):
        return False
    dtype = getattr(value, "dtype", None)
    floating = getattr(dtype, "is_floating", None)  # tf.DType
    if floating is None:
        floating = getattr(dtype, "is_floating_point", False)  # torch.dtype
    trainable = getattr(value, "trainable", getattr(value, "requires_grad", False))
    return bool(floating) and bool(trainable)


def _held_variables(value, path: str, depth: int = 3):
    """(path, container, key, variable) for every raw variable in ``value`` and in the lists,
    tuples and dicts it holds (``depth`` levels); ``container[key]`` is where it sits."""
    items = (list(value.items()) if isinstance(value, dict)
             else list(enumerate(value)) if isinstance(value, (list, tuple)) else [])
    for key, item in items:
        where = f"{path}[{key!r}]" if isinstance(value, dict) else f"{path}[{key}]"
        if _raw_variable(item):
            yield where, value, key, item
        elif depth > 1:
            yield from _held_variables(item, where, depth - 1)


def untracked_variables(model) -> list[tuple[str, object, object, object, object]]:
    """Raw variables (`_raw_variable`) a trainable layer of the model holds as attributes, or in
    lists, tuples and dicts on it, that are not among the model's or the layer's weights:
    (``layer.attribute`` path, layer, container, key, variable), where ``container[key]`` is
    the variable (the container is the layer, with the attribute name as key, for an attribute).
    A layer that cannot be inspected is skipped. Nothing on the model is changed."""
    try:
        layers = list(model._flatten_layers(include_self=True, recursive=True))
    except Exception:  # noqa: BLE001 - private API: fall back to the leaf layers
        from .keras import _flat_layers
        layers = [model] + _flat_layers(model)
    tracked, seen, found = set(), set(), []

    def track(variables):
        for v in variables:
            tracked.update({id(v), id(getattr(v, "_value", None)), id(getattr(v, "value", None))})

    with suppress(Exception):  # an odd model's weights: each layer's own still count below
        track(model.weights)
    for layer in layers:
        try:
            if not layer.trainable:  # frozen on purpose: nothing in it is meant to train
                continue
            track(layer.weights)
            attributes = list(vars(layer).items())
            params = getattr(layer, "_parameters", None)  # torch backend: a raw Parameter sits here
            if isinstance(params, dict):
                attributes += [(k, p) for k, p in params.items() if k not in vars(layer)]
            # TF's own bookkeeping (``_self_...``) repeats the attributes: skipped
            attributes = [(a, v) for a, v in attributes if not a.startswith(("__", "_self_"))]
            candidates = [(a, layer, a, v) for a, v in attributes if _raw_variable(v)]  # named first
            for attr, value in attributes:
                if isinstance(value, (list, tuple, dict)):
                    candidates.extend(_held_variables(value, attr))
            for path, container, key, variable in candidates:
                if id(variable) not in tracked and id(variable) not in seen:
                    seen.add(id(variable))
                    found.append((f"{layer.name}.{path}", layer, container, key, variable))
        except Exception:  # noqa: BLE001, S112 - an odd layer is skipped, never a crash
            continue
    return found


def untracked_summary(model) -> list[dict]:
    """What `untracked_variables` finds, as plain values: name, shape and parameter count."""
    try:
        out = []
        for name, *_, variable in untracked_variables(model):
            shape = [int(d) for d in tuple(variable.shape)]
            out.append({"name": name, "shape": shape, "params": int(np.prod(shape))})
        return out
    except Exception:  # noqa: BLE001 - introspection must never end the diagnosis
        return []


def track_untracked(model) -> int:
    """On a copy: give every untracked raw variable to its layer as a weight (``add_weight``,
    starting from its value) in its place, so that ``fit`` trains it. Returns how many."""
    done = 0
    try:
        found = untracked_variables(model)
    except Exception:  # noqa: BLE001 - a model that cannot be inspected trains as it is
        return 0
    for _, layer, container, key, variable in found:
        if isinstance(container, tuple):  # cannot be put back in its place: stays untracked
            continue
        tracker = getattr(layer, "_tracker", None)
        locked = bool(getattr(tracker, "locked", False))
        try:
            if locked:
                tracker.unlock()  # Keras locks a built layer's state (its own _untrack_variable does this)
            value = np.asarray(variable.detach().cpu().numpy() if hasattr(variable, "detach")
                               else ops.convert_to_numpy(variable))
            weight = layer.add_weight(shape=value.shape, initializer=keras.initializers.Constant(value),
                                      dtype=str(value.dtype), trainable=True,
                                      name=re.sub(r"[^A-Za-z0-9_]", "_", str(key)))
            if container is layer:
                setattr(layer, key, weight)
            else:
                container[key] = weight
            done += 1
        except Exception:  # noqa: BLE001, S112 - a variable that cannot be replaced stays as it is
            continue
        finally:
            if locked:
                tracker.lock()
    return done


def copy_untracked(model, clone) -> None:
    """The copy's untracked raw variables take the user's values (``set_weights`` leaves them
    out, so the copy would start from its own random ones); paired in order, by shape."""
    try:
        given, copied = untracked_variables(model), untracked_variables(clone)
        if len(given) != len(copied):
            return
        for (*_, source), (*_, target) in zip(given, copied):
            if source is target or tuple(source.shape) != tuple(target.shape):
                continue
            if hasattr(target, "assign"):
                target.assign(ops.convert_to_numpy(source))
            else:  # a torch Parameter
                import torch
                with torch.no_grad():
                    target.copy_(source.detach())
    except Exception:  # noqa: BLE001 - the copy keeps its own values; never a crash
        return
