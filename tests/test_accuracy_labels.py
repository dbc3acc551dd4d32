"""Run mode: the labels a torch script compares its predictions with (its own accuracy
computation) make validation data for the model those predictions came from."""

import textwrap

import numpy as np
import pytest

from nndoctor.intercept.script import ScriptRecorder, execute

SCRIPT = """
import torch
from torch import nn
torch.manual_seed(0)
x, y = torch.randn(200, 4), torch.randint(0, 3, (200,))
x_test, y_test = torch.randn(60, 4), torch.randint(0, 3, (60,))
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(2):
    for i in range(0, 200, 50):
        opt.zero_grad()
        out = model(x[i:i + 50])
        train_correct = (out.argmax(1) == y[i:i + 50]).sum()  # before the loss: a training batch
        loss_fn(out, y[i:i + 50]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        train_acc = (model(x).argmax(dim=1) == y).float().mean()  # the training set judged again
    model.train()
model.eval()
correct = 0
with torch.no_grad():
    for i in range(0, 60, 20):
{evaluate}
print(correct / 60)
"""
EVALUATIONS = {
    "argmax ==": "        correct += (model(x_test[i:i + 20]).argmax(1) == y_test[i:i + 20]).sum().item()",
    "torch.max .data": ("        _, predicted = torch.max(model(x_test[i:i + 20]).data, 1)\n"
                        "        correct += (predicted == y_test[i:i + 20]).sum().item()"),
    "eq view_as": ("        pred = model(x_test[i:i + 20]).argmax(dim=1, keepdim=True)\n"
                   "        correct += pred.eq(y_test[i:i + 20].view_as(pred)).sum().item()"),
    "labels first": "        correct += (y_test[i:i + 20] == model(x_test[i:i + 20]).max(1).indices).sum().item()",
}


def _recorded(tmp_path, evaluate):
    script = tmp_path / "acc.py"
    script.write_text(textwrap.dedent(SCRIPT).replace("{evaluate}", evaluate))
    with ScriptRecorder() as recorder:
        code, error = execute(str(script), [])
    assert code == 0, error
    (rec,) = recorder.torch.models.values()
    return rec


@pytest.mark.parametrize("style", sorted(EVALUATIONS))
def test_labels_an_accuracy_is_computed_with_become_validation_data(tmp_path, style):
    rec = _recorded(tmp_path, EVALUATIONS[style])
    x_val, y_val = rec.data(val=True)
    assert x_val.shape == (60, 4) and y_val.dtype == rec.y[0].dtype and y_val.shape == (60,)
    x_train, _ = rec.data()
    assert x_train.shape == (200, 4)  # training batches stay training data, judged again or not


def test_predictions_never_compared_give_no_validation_data(tmp_path):
    """The twin: the test loop only collects predictions; nothing names their labels."""
    rec = _recorded(tmp_path, "        correct += int(model(x_test[i:i + 20]).argmax(1).sum())")
    assert rec.data(val=True) is None
    assert len(rec.predictions) > 0


def test_binary_threshold_predictions_compared_with_float_labels(tmp_path):
    script = tmp_path / "binary.py"
    script.write_text(textwrap.dedent("""
        import torch
        from torch import nn
        torch.manual_seed(0)
        x, y = torch.randn(120, 3), (torch.rand(120, 1) > 0.5).float()
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad(); nn.BCEWithLogitsLoss()(model(x[:80]), y[:80]).backward(); opt.step()
        with torch.no_grad():
            acc = ((torch.sigmoid(model(x[80:])) > 0.5).float() == y[80:]).float().mean()
    """))
    with ScriptRecorder() as recorder:
        code, error = execute(str(script), [])
    assert code == 0, error
    (rec,) = recorder.torch.models.values()
    x_val, y_val = rec.data(val=True)
    assert x_val.shape == (40, 3) and y_val.shape == (40, 1) and y_val.dtype == np.float32


def test_the_watchers_leave_torch_as_it_was(tmp_path):
    import torch
    before = dict(vars(torch.Tensor))
    functions = (torch.max, torch.argmax, torch.sigmoid, torch.round)
    _recorded(tmp_path, EVALUATIONS["torch.max .data"])
    assert dict(vars(torch.Tensor)) == before
    assert (torch.max, torch.argmax, torch.sigmoid, torch.round) == functions
    t = torch.ones(2)
    t.data = torch.zeros(2)  # the .data setter still works
    assert t.sum().item() == 0


@pytest.mark.parametrize("squeeze", [False, True])
def test_a_hand_written_loss_is_seen_through_its_subtraction(tmp_path, squeeze):
    """No loss module: ``torch.sqrt(torch.mean((pred - y) ** 2))``. The target the script
    subtracted from the model's output, then backward(), make the training batch (MSE stands in
    for the loss). The faulty form subtracts (N,) targets from (N, 1) outputs: shape-broadcast."""
    from nndoctor.intercept.script import diagnose_recorded

    script = tmp_path / "rmse.py"
    pred = "model(x[i:i + 32]).squeeze(1)" if squeeze else "model(x[i:i + 32])"
    script.write_text(textwrap.dedent(f"""
        import torch
        from torch import nn
        torch.manual_seed(0)
        x = torch.randn(256, 3)
        y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(256)
        model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        def rmse_loss(pred, target):
            return torch.sqrt(torch.mean((pred - target) ** 2) + 1e-8)
        for epoch in range(10):
            for i in range(0, 256, 32):
                opt.zero_grad()
                loss = rmse_loss({pred}, y[i:i + 32])
                loss.backward()
                opt.step()
    """))
    with ScriptRecorder() as recorder:
        code, error = execute(str(script), [])
    assert code == 0, error
    (rec,) = recorder.torch.models.values()
    x_train, y_train = rec.data()
    # squeezed, the loss compared like shapes: kept as (N, 1) targets against the (N, 1) output
    assert x_train.shape == (256, 3) and y_train.shape == ((256, 1) if squeeze else (256,))
    assert rec.train_loss_calls == 80
    ((_, d),) = diagnose_recorded(recorder, error, budget="quick", log=lambda line: None)
    if squeeze:
        assert "shape-broadcast" not in [f.cause for f in d.findings]
    else:
        assert d.primary_cause == "shape-broadcast", [(f.code, f.message[:120]) for f in d.findings]


def test_a_loss_on_the_squeezed_output_is_no_shape_broadcast(tmp_path):
    """The common binary set-up ``criterion(model(x).squeeze(1), y.float())``: the loss compares
    (N,) with (N,); the copies compare the raw (N, 1) output, so the targets are kept (N, 1)."""
    from nndoctor.intercept.script import diagnose_recorded

    script = tmp_path / "binary.py"
    script.write_text(textwrap.dedent("""
        import torch
        from torch import nn
        torch.manual_seed(0)
        x = torch.randn(300, 4)
        y = (x[:, 0] + x[:, 1] > 0).long()
        model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        criterion = nn.BCEWithLogitsLoss()
        for epoch in range(15):
            for i in range(0, 300, 32):
                opt.zero_grad()
                criterion(model(x[i:i + 32]).squeeze(), y[i:i + 32].float()).backward()
                opt.step()
    """))
    with ScriptRecorder() as recorder:
        code, error = execute(str(script), [])
    assert code == 0, error
    (rec,) = recorder.torch.models.values()
    assert rec.data()[1].shape == (300, 1)  # the last batch of 12 too
    ((_, d),) = diagnose_recorded(recorder, error, budget="quick", log=lambda line: None)
    assert "shape-broadcast" not in [f.cause for f in d.findings] and d.verdict == "healthy", d.findings
