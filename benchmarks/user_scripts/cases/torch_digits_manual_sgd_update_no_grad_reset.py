"""Digits MLP trained with a hand-written mini-batch SGD update (p -= lr * p.grad under torch.no_grad) that never resets p.grad, so gradients pile up across batches."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_test = torch.tensor(y_test)

loader = DataLoader(
    TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
    batch_size=32, shuffle=True,
)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = MLP()
lr = 0.05

for epoch in range(15):
    total, correct = 0.0, 0
    for xb, yb in loader:
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        total += loss.item() * len(xb)
        correct += (logits.argmax(1) == yb).sum().item()
    n = len(loader.dataset)
    print(f"epoch {epoch + 1:2d}: loss {total / n:.4f}  train acc {correct / n:.3f}")

with torch.no_grad():
    pred = model(X_test).argmax(1)
print("prediction counts:", torch.bincount(pred, minlength=10).tolist())
print(f"test accuracy: {(pred == y_test).float().mean().item():.3f}")
