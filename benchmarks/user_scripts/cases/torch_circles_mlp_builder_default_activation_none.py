"""Two concentric circles (make_circles), a 3-layer MLP with 64 hidden units built
by my little build_mlp() helper, Adam, 300 full-batch epochs. Train and test
accuracy both sit at ~50%, and the loss never gets below 0.69. Making the layers
wider or training longer changes nothing. Isn't 64x64 more than enough for this?
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)


def build_mlp(sizes, activation=None, out_activation=None):
    """sizes = [in, hidden..., out]"""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        is_last = i == len(sizes) - 2
        act = out_activation if is_last else activation
        if act is not None:
            layers.append(act())
    return nn.Sequential(*layers)


X, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=5)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=5)
X_tr, X_te = torch.tensor(X_tr, dtype=torch.float32), torch.tensor(X_te, dtype=torch.float32)
y_tr, y_te = torch.tensor(y_tr, dtype=torch.float32), torch.tensor(y_te, dtype=torch.float32)

model = build_mlp([2, 64, 64, 1])
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(300):
    optimizer.zero_grad()
    loss = loss_fn(model(X_tr).squeeze(1), y_tr)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 50 == 0:
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}")

with torch.no_grad():
    train_acc = ((model(X_tr).squeeze(1) > 0).float() == y_tr).float().mean().item()
    test_acc = ((model(X_te).squeeze(1) > 0).float() == y_te).float().mean().item()
print(f"train acc {train_acc:.3f}, test acc {test_acc:.3f}")
