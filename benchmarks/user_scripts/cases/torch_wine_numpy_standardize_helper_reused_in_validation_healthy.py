"""Wine cultivar classifier (3 classes, 13 chemical measurements).

I standardize the features with the train mean/std and train a small MLP,
printing the validation accuracy every few epochs. Train and test accuracy
both end up high; this is my reference version of the script.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)

CONFIG = {"hidden": 32, "lr": 1e-2, "epochs": 40, "batch_size": 32}


def fit_stats(X):
    return {"mean": X.mean(axis=0), "std": X.std(axis=0) + 1e-8}


def to_tensor(X, stats):
    """Standardize with the given stats and convert to a float tensor."""
    X = (X - stats["mean"]) / stats["std"]
    return torch.from_numpy(X).float()


class WineNet(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_in, n_hidden), nn.ReLU(),
            nn.Linear(n_hidden, n_hidden), nn.ReLU(),
            nn.Linear(n_hidden, n_out),
        )

    def forward(self, x):
        return self.net(x)


def evaluate(model, X, y, stats):
    model.eval()
    with torch.no_grad():
        logits = model(to_tensor(X, stats))
    model.train()
    return (logits.argmax(1).numpy() == y).mean()


data = load_wine()
X = data.data.astype(np.float64)
y = data.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y)

stats = fit_stats(X_train)
Xt = to_tensor(X_train.copy(), stats)
yt = torch.from_numpy(y_train).long()

model = WineNet(X.shape[1], CONFIG["hidden"], 3)
opt = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
loss_fn = nn.CrossEntropyLoss()

for epoch in range(CONFIG["epochs"]):
    perm = torch.randperm(len(Xt))
    total = 0.0
    for i in range(0, len(Xt), CONFIG["batch_size"]):
        idx = perm[i:i + CONFIG["batch_size"]]
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 0 or epoch == CONFIG["epochs"] - 1:
        val_acc = evaluate(model, X_test, y_test, stats)
        print(f"epoch {epoch:2d}  train loss {total / len(Xt):.4f}  val acc {val_acc:.3f}")

with torch.no_grad():
    train_acc = (model(Xt).argmax(1) == yt).float().mean().item()
print(f"train accuracy: {train_acc:.3f}")
print(f"test accuracy: {evaluate(model, X_test, y_test, stats):.3f}")
