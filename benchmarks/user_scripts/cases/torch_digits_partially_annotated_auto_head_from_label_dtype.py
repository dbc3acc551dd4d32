"""Digit recognition from a partially annotated table (some labels missing).

About 10% of the images were never annotated (label is NaN) so I drop them.
My small training utility picks the output head and the loss automatically
from the labels, so I can reuse it for all my tabular projects. It trains and
the loss goes down, but the test accuracy is only around 50%, while a plain
sklearn LogisticRegression on the same images gets ~95%.
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
rng = np.random.default_rng(0)

digits = load_digits()
df = pd.DataFrame(digits.data / 16.0, columns=[f"p{i}" for i in range(64)])
df["label"] = digits.target
df.loc[rng.random(len(df)) < 0.1, "label"] = np.nan     # un-annotated images
df = df.dropna(subset=["label"])
feature_cols = [c for c in df.columns if c != "label"]


def setup_task(y):
    """Choose the head size, the loss and how to decode predictions from the targets."""
    if np.issubdtype(y.dtype, np.integer):
        n_classes = int(y.max()) + 1
        return n_classes, nn.CrossEntropyLoss(), lambda out: out.argmax(1)
    return 1, nn.MSELoss(), lambda out: out.squeeze(1).round()


def target_tensor(y, loss_fn):
    if isinstance(loss_fn, nn.CrossEntropyLoss):
        return torch.tensor(y, dtype=torch.long)
    return torch.tensor(y, dtype=torch.float32).unsqueeze(1)


X = df[feature_cols].to_numpy(dtype=np.float32)
y = df["label"].to_numpy()
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)

n_out, loss_fn, decode = setup_task(y_tr)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                      nn.Linear(64, n_out))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)

Xtr_t, Xte_t = torch.from_numpy(X_tr), torch.from_numpy(X_te)
ytr_t = target_tensor(y_tr, loss_fn)

for epoch in range(30):
    model.train()
    perm = torch.randperm(len(Xtr_t))
    total = 0.0
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = loss_fn(model(Xtr_t[idx]), ytr_t[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  loss {total / len(Xtr_t):.4f}")

model.eval()
with torch.no_grad():
    pred = decode(model(Xte_t)).numpy()
print(f"test accuracy: {(pred == y_te).mean():.3f}")
