"""Training a small MLP on sklearn digits with a config dataclass. The printed loss
is 2.3 every epoch and test accuracy is 10-15%, no matter what lr I set in the
config. No errors, no nan. What am I missing?
"""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


@dataclass
class Config:
    hidden: int = 128
    lr: float = 1e-3
    batch_size: int = 64
    epochs: int = 12
    grad_clip: float = 0.0   # 0 = no clipping
    seed: int = 7


cfg = Config()
torch.manual_seed(cfg.seed)
np.random.seed(cfg.seed)

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=cfg.seed)
sc = StandardScaler().fit(X_tr)
train_ds = TensorDataset(torch.tensor(sc.transform(X_tr), dtype=torch.float32), torch.tensor(y_tr))
test_X = torch.tensor(sc.transform(X_te), dtype=torch.float32)
test_y = torch.tensor(y_te)


def build_model(cfg):
    return nn.Sequential(
        nn.Linear(64, cfg.hidden), nn.ReLU(),
        nn.Linear(cfg.hidden, cfg.hidden), nn.ReLU(),
        nn.Linear(cfg.hidden, 10),
    )


def train_one_epoch(model, loader, optimizer, loss_fn, cfg):
    model.train()
    losses = []
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


model = build_model(cfg)
optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)

for epoch in range(cfg.epochs):
    loss = train_one_epoch(model, loader, optimizer, loss_fn, cfg)
    print(f"epoch {epoch + 1:2d}/{cfg.epochs}  loss={loss:.4f}")

model.eval()
with torch.no_grad():
    acc = (model(test_X).argmax(dim=1) == test_y).float().mean().item()
print(f"test accuracy: {acc:.3f}")
