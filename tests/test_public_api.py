"""The public face: bad input gets clear errors; the JSON contract; the user's things untouched."""

import json

import numpy as np
import pytest
import torch
from torch import nn

import nndoctor
from nndoctor import diagnose
from nndoctor.adapters import adapter_for

from .conftest import blobs, mlp, split


def _torch_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))


@pytest.mark.parametrize("x, y, match", [
    (np.zeros((10, 2)), np.zeros(9), "same number of samples"),
    (np.zeros((0, 2)), np.zeros(0), "at least 2 samples"),
    (np.zeros(10), np.zeros(10), "2 or more dimensions"),
    (np.zeros((10, 2)), np.zeros((10, 2, 2)), "1-D"),
    (np.zeros((10, 2)), np.array([0, 1, 2, 0, 1, 0, 1, 0, 1, 0]), "can only produce classes 0..1"),
    (np.zeros((10, 2)), np.full(10, -1), "labels -1"),
])
def test_bad_data_gets_a_value_error_naming_the_argument(x, y, match):
    with pytest.raises(ValueError, match=match):
        diagnose(_torch_model(), x, y, loss="cross_entropy")


def test_non_numeric_data_gets_a_type_error():
    with pytest.raises(TypeError, match="`x` must hold numbers"):
        diagnose(_torch_model(), np.array([["a", "b"]] * 4), np.zeros(4), loss="cross_entropy")


def test_not_a_model_gets_a_type_error():
    with pytest.raises(TypeError, match="`model` must be a Keras 3 model .* or a torch.nn.Module"):
        diagnose(object(), np.zeros((4, 2)), np.zeros(4))


def test_torch_model_without_loss_gets_a_type_error():
    with pytest.raises(TypeError, match="`loss` is required"):
        diagnose(_torch_model(), np.zeros((4, 2)), np.zeros(4))


@pytest.mark.parametrize("kwargs, match", [
    ({"lr": -1}, "`lr` must be a float in \\(0, inf\\)"),
    ({"epochs": 0}, "`epochs` must be an int >= 1"),
    ({"budget": "forever"}, "`budget` must be one of"),
    ({"budget": -3}, "`budget` must be 'quick', 'standard', 'thorough', seconds > 0"),
    ({"validation_data": np.zeros(3)}, "`validation_data` must be a tuple"),
    ({"loss": "hinge-of-doom"}, "`loss` must be one of"),
    ({"optimizer": "nesterov-magic"}, "`optimizer` must name a torch.optim optimizer"),
])
def test_bad_arguments_are_named(kwargs, match):
    x, y = blobs(10)
    with pytest.raises((ValueError, TypeError), match=match):
        diagnose(_torch_model(), x, y, **{"loss": "cross_entropy", **kwargs})


@pytest.mark.parametrize("kwargs, match", [
    ({"steps": 0}, "`Budget.steps` must be an int >= 1"),
    ({"seconds": 0}, "`Budget.seconds` must be seconds > 0 or None"),
])
def test_bad_budget_objects_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nndoctor.Budget(**kwargs)


def test_a_budget_without_clock_runs_every_step_it_plans():
    x, y = blobs(40)
    d = diagnose(_torch_model(), x, y, loss="cross_entropy", verbose=0,
                 budget=nndoctor.Budget(steps=40, seconds=None))
    assert not d.errors
    assert d.experiments[0]["name"] == "recorded_run" and d.experiments[0]["result"]["steps"] == 40
    assert not d.experiments[0]["result"]["stopped_early"]


def test_uncompiled_keras_model_without_loss_is_refused():
    model = mlp("keras", 2, 2)
    with pytest.raises(ValueError, match="`loss`"):
        diagnose(model, *blobs(10))


def test_json_follows_the_contract():
    x_train, x_val, y_train, y_val = split(*blobs(60))
    d = diagnose(_torch_model(), x_train, y_train, validation_data=(x_val, y_val),
                 loss="cross_entropy", budget="quick")
    data = json.loads(d.to_json())
    assert data["nndoctor_version"] == nndoctor.__version__
    assert data["task"] == {"kind": "classification", "n_classes": 2, "framework": "torch"}
    assert data["verdict"] in {"healthy", "problems-found", "inconclusive"}
    assert data["primary_cause"] in nndoctor.CAUSES
    for finding in data["findings"]:
        assert {"cause", "rule", "severity", "confidence", "message", "evidence", "fix",
                "fix_code", "verified"} <= set(finding)
    acc = data["metrics"]["val_accuracy"]
    assert {"value", "ci95", "chance", "majority", "p_vs_chance", "p_vs_majority"} <= set(acc)
    assert acc["ci95"][0] <= acc["value"] <= acc["ci95"][1]
    assert data["experiments"][0]["name"] == "recorded_run" and data["experiments"][0]["seconds"] > 0


def test_torch_data_loader_is_accepted():
    x, y = blobs(40)
    dataset = torch.utils.data.TensorDataset(torch.as_tensor(x), torch.as_tensor(y))
    loader = torch.utils.data.DataLoader(dataset, batch_size=16)
    d = diagnose(_torch_model(), loader, loss=nn.CrossEntropyLoss(), optimizer=torch.optim.Adam,
                 budget="quick")
    assert d.task["n_classes"] == 2
    assert d.details["data"]["train"]["n"] + d.details["data"]["validation"]["n"] == 80


def test_diagnose_leaves_the_torch_model_optimizer_and_rng_as_found():
    x, y = blobs(60)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.as_tensor(x)).sum().backward()  # a user mid-training: grads and momentum exist
    optimizer.step()
    model.train()
    model[3].eval()  # a mixed mode the diagnosis must restore exactly
    np.random.seed(123)
    adapter = adapter_for(model, loss="cross_entropy", optimizer=optimizer)
    before = adapter.state_fingerprint()
    opt_before = {k: v.clone() for k, v in optimizer.state[next(model.parameters())].items()}
    diagnose(model, x, y, loss="cross_entropy", optimizer=optimizer, budget="quick")
    after = adapter.state_fingerprint()
    for key in ("state_dict",):
        for name in before[key]:
            np.testing.assert_array_equal(before[key][name], after[key][name], err_msg=name)
    for g0, g1 in zip(before["grads"], after["grads"]):
        np.testing.assert_array_equal(g0, g1)
    assert before["modes"] == after["modes"]
    np.testing.assert_array_equal(before["torch_rng"], after["torch_rng"])
    np.testing.assert_array_equal(before["numpy_rng"], after["numpy_rng"])
    assert before["python_rng"] == after["python_rng"]
    assert before["threads"] == after["threads"]
    for k, v in optimizer.state[next(model.parameters())].items():
        assert torch.equal(v, opt_before[k])
