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
