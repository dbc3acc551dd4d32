"""Run mode: GD004's "dead since init" is checked against the weights the script started from."""

from types import SimpleNamespace

import numpy as np
import pytest

from nndoctor.findings import Finding
from nndoctor.intercept.start_weights import dead_relu_at_start, keras_fractions, torch_fractions
from nndoctor.result import Diagnosis


def _diagnosis():
    """GD004 as the diagnosis reports layers dead at the copy's first step (the script's final
    weights), ranked above the learning-rate finding."""
    dead = Finding(cause="dead-relu", code="GD004", severity="error", confidence=0.95,
                   message="1 of 1 ReLU layer(s) are dead ... from the first step on",
                   evidence={"dead_layers": {"1": 1.0}, "dead_since_init": True}, confirmed_by=["reinit"])
    lr = Finding(cause="lr-too-high", code="LR001", severity="error", confidence=0.9, message="lr")
    return Diagnosis(task={"kind": "classification", "n_classes": 2, "framework": "torch"},
                     findings=[dead, lr])


def _torch_record(killed_in_training: bool):
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    if not killed_in_training:
        with torch.no_grad():
            model[0].bias.fill_(-100.0)  # dead from the start: an init fault
    initial = [p.detach().clone() for p in model.parameters()]
    with torch.no_grad():
        model[0].bias.fill_(-100.0)  # what the script ended with
    return SimpleNamespace(model=model, initial=initial)


@pytest.mark.parametrize("killed_in_training", [True, False])
def test_torch_relu_layers_killed_by_training_are_not_an_init_fault(killed_in_training):
    x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    rec = _torch_record(killed_in_training)
    params = [p.detach().clone() for p in rec.model.parameters()]
    d = _diagnosis()
    dead_relu_at_start(d, torch_fractions(rec, x), "torch")
    finding = next(f for f in d.findings if f.code == "GD004")
    if killed_in_training:
        assert finding.evidence["dead_at_script_start"]["1"] < 0.5
        assert finding.severity == "warning" and not finding.evidence["dead_since_init"]
        assert "killed them" in finding.message and d.primary_cause == "lr-too-high"
    else:
        assert finding.evidence["dead_at_script_start"]["1"] == 1.0
        assert finding.severity == "error" and d.primary_cause == "dead-relu"
    # the user's model keeps its (final) weights
    assert all(np.array_equal(a.detach().numpy(), b.numpy()) for a, b in zip(rec.model.parameters(), params))


def test_unknown_start_leaves_the_finding_as_it_is():
    d = _diagnosis()
    dead_relu_at_start(d, lambda names: None, "torch")
    assert d.findings[0].severity == "error" and "dead_at_script_start" not in d.findings[0].evidence


@pytest.mark.parametrize("killed_in_training", [True, False])
def test_keras_relu_layers_killed_by_training_are_not_an_init_fault(killed_in_training):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu", name="hidden"),
                              keras.layers.Dense(2)])
    weights = model.get_weights()
    killed = [w.copy() for w in weights]
    killed[1][:] = -100.0
    model.set_weights(killed)
    rec = SimpleNamespace(model=model, initial_weights=weights if killed_in_training else killed)
    d = _diagnosis()
    d.findings[0].evidence["dead_layers"] = {"hidden": 1.0}
    x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    dead_relu_at_start(d, keras_fractions(rec, x), "keras")
    assert (d.primary_cause == "lr-too-high") is killed_in_training
    assert np.array_equal(model.get_weights()[1], killed[1])
