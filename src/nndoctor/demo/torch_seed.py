"""The seed's models in PyTorch: the same architectures, losses, optimizers and epochs."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import data


def train(model, loss_fn, optimizer, x, y, epochs: int, batch_size: int = 32, seed: int = 0):
    """A plain training loop, shuffled mini-batches, like ``model.fit``."""
    generator = torch.Generator().manual_seed(seed)
    x, y = torch.as_tensor(x), torch.as_tensor(y)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()
    model.eval()


def _mlp(n_in: int) -> nn.Module:
    return nn.Sequential(nn.Linear(n_in, 10), nn.ReLU(), nn.Linear(10, 2))  # logits


def untrained():
    torch.manual_seed(0)
    x_train, x_val, y_train, y_val = data.untrained_task()
    return _mlp(5), x_train, y_train, (x_val, y_val), {"loss": nn.CrossEntropyLoss(), "optimizer": "adam", "lr": 1e-3}


def regression(lr: float):
    torch.manual_seed(0)
    x, y = data.regression_task()
    model = nn.Linear(1, 1)
    train(model, nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=lr), x, y, epochs=500)
    return model, x, y, None, {"loss": nn.MSELoss(), "optimizer": torch.optim.Adam, "lr": lr}


def blobs(n_samples: int):
    torch.manual_seed(0)
    x_train, x_test, y_train, y_test = data.blobs_task(n_samples)
    model = _mlp(2)
    train(model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters()), x_train,
          y_train.astype(np.int64), epochs=100)
    return model, x_train, y_train, (x_test, y_test), {"loss": nn.CrossEntropyLoss(), "optimizer": "adam"}
