"""The torch adapter rebuilds the user's optimizer for every copy."""

import pytest


@pytest.mark.parametrize("name, kwargs", [
    ("AdamW", {"lr": 1e-3, "weight_decay": 1e-2}),  # its defaults hold decoupled_weight_decay, which AdamW() rejects
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"lr": 1e-3, "alpha": 0.9}),
])
def test_an_optimizer_instance_is_rebuilt_with_its_own_settings(name, kwargs):
    import torch
    from torch import nn

    from nndoctor.adapters.torch import _optimizer_factory

    user = getattr(torch.optim, name)(nn.Linear(2, 2).parameters(), **kwargs)
    build, label, lr = _optimizer_factory(user, None)
    copy = build(nn.Linear(2, 2).parameters())
    assert type(copy) is type(user) and label == name and lr == kwargs["lr"]
    assert {k: copy.defaults[k] for k in kwargs} == kwargs
    assert build(nn.Linear(2, 2).parameters(), 0.5).param_groups[0]["lr"] == 0.5


@pytest.mark.parametrize("n_classes", [2, 5])
def test_a_model_with_no_layer_nndoctor_reads_is_sized_by_its_output(n_classes):
    """Weights in a ParameterList and a functional forward: no nn.Linear to read the output
    units from. The labels 0..C-1 fit the C outputs the model returns, so diagnose() takes
    them (it used to assume one output and refuse them)."""
    import numpy as np
    import torch
    from torch import nn

    from nndoctor import diagnose

    class Raw(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.weights = nn.ParameterList([nn.Parameter(torch.randn(4, 16) * 0.5),
                                             nn.Parameter(torch.randn(16, n_classes) * 0.25)])

        def forward(self, x):
            return torch.relu(x @ self.weights[0]) @ self.weights[1]

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype(np.float32)
    y = np.argmax(x @ rng.normal(size=(4, n_classes)), axis=1) if n_classes > 2 else (x[:, 0] > 0).astype(int)
    d = diagnose(Raw(), x, y, loss=nn.CrossEntropyLoss(), optimizer="adam", lr=1e-2, budget="quick", epochs=5)
    assert d.task["n_classes"] == n_classes
    assert not d.errors, d.errors
