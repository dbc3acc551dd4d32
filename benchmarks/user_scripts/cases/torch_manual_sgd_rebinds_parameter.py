"""torch: wine classifier trained with a hand-written SGD update `for p in model.parameters(): p = p - lr * p.grad`, which only rebinds the loop variable and never changes the weights."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
np.random.seed(3)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=3)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train)
y_test = torch.tensor(y_test)

model = nn.Sequential(nn.Linear(13, 32), nn.Tanh(), nn.Linear(32, 3))
loss_fn = nn.CrossEntropyLoss()
lr = 0.1

for epoch in range(300):
    logits = model(X_train)
    loss = loss_fn(logits, y_train)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p = p - lr * p.grad
    if epoch % 50 == 0:
        acc = (logits.argmax(1) == y_train).float().mean().item()
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}  train acc {acc:.3f}")

with torch.no_grad():
    test_loss = loss_fn(model(X_test), y_test).item()
    test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
print(f"test loss {test_loss:.4f}  test accuracy {test_acc:.3f}")
