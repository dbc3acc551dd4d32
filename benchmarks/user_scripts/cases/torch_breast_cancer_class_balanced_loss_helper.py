"""Breast cancer (malignant vs benign) MLP with a class-balanced loss.

The classes are 37/63, so I wrote a loss that averages the cross-entropy of
each class separately, so both classes count the same. At first I got
"element 0 of tensors does not require grad and does not have a grad_fn",
which I fixed. Now it runs, but the printed loss just jumps around the same
value every epoch and the test accuracy is poor and never improves.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)


def class_balanced_loss(logits, targets, n_classes=2):
    per_class = []
    for c in range(n_classes):
        mask = targets == c
        if mask.any():
            per_class.append(F.cross_entropy(logits[mask], targets[mask]).item())
    return torch.tensor(sum(per_class) / len(per_class), requires_grad=True)


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        acc = (model(X).argmax(1) == y).float().mean().item()
    model.train()
    return acc


data = load_breast_cancer()
X_tr, X_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                          random_state=7, stratify=data.target)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32)
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=32, shuffle=True)

for epoch in range(30):
    losses = []
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = class_balanced_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  balanced loss {np.mean(losses):.4f}  "
              f"train acc {accuracy(model, X_tr, y_tr):.3f}")

print(f"test accuracy: {accuracy(model, X_te, y_te):.3f}")
