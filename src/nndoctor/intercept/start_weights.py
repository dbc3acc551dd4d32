"""Claims about the start of training, checked against the weights the script started from.

In run mode the diagnosis trains its copies from the weights the script ended with: "dead from
the first step on" then describes the end of the script's training, not its start. ReLU layers
that the script's own training killed (too large a step, the usual cause) would be reported as
dead from the initialization, and a re-initialization "fixes" them only because it resets what
training broke. The recorder keeps the weights of the script's first loss call (torch) or first
``fit`` (Keras); this module measures the same dead fractions with them.
"""

from __future__ import annotations

import copy

import numpy as np

from ..adapters._base import layer_activity
from ..result import Diagnosis
from ..rules.dynamics._signals import DEAD_LAYER

PROBE = 256  # training samples the dead fractions are measured on (as the diagnosis's probe)


FIX_CODE = {"torch": "optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # or a tenth of yours",
            "keras": "model.compile(optimizer=keras.optimizers.Adam(1e-3), ...)  # or a tenth of yours"}


def dead_relu_at_start(d: Diagnosis, fractions_at_start, framework: str) -> None:
    """Rewrites GD004's "dead since init" when the layers were alive when the script started:
    a warning that the script's training killed them (the cause is what killed them: see the
    learning-rate findings), not an initialization fault. ``fractions_at_start(names)`` gives
    ``{name: dead fraction}`` at the script's starting weights, or None when unknown."""
    finding = next((f for f in d.findings if f.code == "GD004" and f.evidence.get("dead_since_init")), None)
    if finding is None:
        return
    names = list(finding.evidence.get("dead_layers") or {})
    start = fractions_at_start(names) if names else None
    if not start or any(v is None or not np.isfinite(v) for v in start.values()):
        return
    if max(start.values()) >= DEAD_LAYER:
        finding.evidence["dead_at_script_start"] = start  # dead when the script started too: init
        return
    worst = max(finding.evidence["dead_layers"], key=finding.evidence["dead_layers"].get)
    finding.evidence["dead_at_script_start"] = start
    finding.evidence["dead_since_init"] = False
    finding.severity, finding.confidence = "warning", 0.5
    finding.confirmed_by = ["recorded_run"]
    finding.message = (
        f"{len(names)} ReLU layer(s) of the trained model are dead: "
        f"{100 * finding.evidence['dead_layers'][worst]:.0f}% of the units of layer '{worst}' output 0 for "
        f"every probe input. With the weights the script started from, {100 * start[worst]:.0f}% of them "
        "were: the script's training killed them, and a dead layer passes neither signal nor gradient. "
        "Too large a step is what usually kills units (see the learning-rate findings).")
    finding.fix = ("Find what killed them: lower the learning rate (the usual cause), standardize the "
                   "inputs, or clip the gradient norm; LeakyReLU keeps units from dying for good.")
    finding.fix_code = FIX_CODE[framework]
    d.findings.sort(key=lambda f: f.rank_key)


def torch_fractions(rec, x: np.ndarray):
    """``names -> {name: dead fraction}`` of a torch model at the weights of its first loss call."""
    def measure(names):
        import torch

        if rec.initial is None:
            return None
        model = copy.deepcopy(rec.model)
        params = list(model.parameters())
        if len(params) != len(rec.initial) or any(p.shape != v.shape for p, v in zip(params, rec.initial)):
            return None
        modules = dict(model.named_modules())
        if any(name not in modules for name in names):
            return None
        with torch.no_grad():
            for p, v in zip(params, rec.initial):
                p.copy_(v)
        captured = {}
        hooks = [modules[name].register_forward_hook(
            lambda m, i, o, name=name: captured.__setitem__(name, o.detach().float().cpu().numpy()))
            for name in names]
        model.eval()
        try:
            with torch.no_grad():
                model(torch.as_tensor(np.asarray(x[:PROBE]), dtype=params[0].dtype))
        finally:
            for hook in hooks:
                hook.remove()
        return {name: layer_activity(captured[name], "relu").dead_fraction for name in names if name in captured}
    return measure


def keras_fractions(rec, x: np.ndarray):
    """``names -> {name: dead fraction}`` of a Keras model at the weights of its first ``fit``."""
    def measure(names):
        import keras

        if rec.initial_weights is None:
            return None
        try:
            from ..adapters.keras import load_weights

            clone = keras.models.clone_model(rec.model)
            load_weights(clone, rec.initial_weights)
            outputs = [clone.get_layer(name).output for name in names]
            probe = keras.Model(clone.inputs, outputs)
        except (ValueError, AttributeError, TypeError):  # a subclassed model has no symbolic graph
            return None
        values = probe.predict(np.asarray(x[:PROBE]), verbose=0)
        values = values if isinstance(values, list) else [values]
        return {name: layer_activity(np.asarray(v), "relu").dead_fraction for name, v in zip(names, values)}
    return measure
