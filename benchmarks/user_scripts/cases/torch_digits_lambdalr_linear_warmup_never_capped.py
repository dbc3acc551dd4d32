"""Digits MLP with a per-batch LambdaLR "linear warmup" whose lambda (step + 1) / warmup_steps is never capped at 1, so the learning rate keeps growing for the whole run until SGD overshoots and training blows up."""
import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
warmup_steps = 20
scheduler = LambdaLR(optimizer, lr_lambda=lambda step: (step + 1) / warmup_steps)
criterion = nn.CrossEntropyLoss()

for epoch in range(20):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch + 1:2d}: lr {scheduler.get_last_lr()[0]:.3f}  loss {total / len(X_train):.4f}  test acc {test_acc:.3f}")

with torch.no_grad():
    pred = model(X_test).argmax(1)
print("final test accuracy:", round((pred == y_test).float().mean().item(), 3))
print("predicted class counts:", torch.bincount(pred, minlength=10).tolist())
