"""Sales classifier with an nn.Embedding for the store id; the user's prepare() helper calls LabelEncoder().fit_transform on every DataFrame, so next week's data (where two stores are missing) gets different store codes than training."""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.preprocessing import LabelEncoder

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

STORES = [f"store_{c}" for c in "ABCDEFGHIJ"]
STORE_EFFECT = dict(zip(STORES, rng.normal(0, 2, size=len(STORES)).round(2)))


def make_sales(n, stores):
    df = pd.DataFrame({
        "store": rng.choice(stores, size=n),
        "temperature": rng.normal(20, 6, size=n),
        "promo": rng.integers(0, 2, size=n),
    })
    logit = df["store"].map(STORE_EFFECT) + 0.8 * df["promo"] + 0.05 * (df["temperature"] - 20)
    df["high_sales"] = (logit + rng.normal(0, 0.7, size=n) > 0).astype(int)
    return df


history = make_sales(3000, STORES)
next_week = make_sales(800, STORES[2:])  # store_A and store_B were closed for renovation


def prepare(df):
    le = LabelEncoder()
    store_idx = le.fit_transform(df["store"])
    num = np.stack([(df["temperature"].values - 20) / 6, df["promo"].values], axis=1)
    return (torch.tensor(store_idx, dtype=torch.long),
            torch.tensor(num, dtype=torch.float32),
            torch.tensor(df["high_sales"].values, dtype=torch.float32))


class SalesNet(nn.Module):
    def __init__(self, n_stores, emb_dim=4):
        super().__init__()
        self.store_emb = nn.Embedding(n_stores, emb_dim)
        self.mlp = nn.Sequential(nn.Linear(emb_dim + 2, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, store, num):
        return self.mlp(torch.cat([self.store_emb(store), num], dim=1)).squeeze(1)


s, x, y = prepare(history)
perm = torch.randperm(len(y))
tr, va = perm[:2400], perm[2400:]
train_loader = DataLoader(TensorDataset(s[tr], x[tr], y[tr]), batch_size=64, shuffle=True)

model = SalesNet(len(STORES))
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.BCEWithLogitsLoss()

for epoch in range(15):
    model.train()
    for sb, xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(sb, xb), yb)
        loss.backward()
        optimizer.step()

model.eval()
with torch.no_grad():
    val_acc = ((model(s[va], x[va]) > 0).float() == y[va]).float().mean().item()
print(f"validation accuracy (history): {val_acc:.3f}")

s_new, x_new, y_new = prepare(next_week)
with torch.no_grad():
    pred_new = (model(s_new, x_new) > 0).float()
print(f"accuracy on next week's sales: {(pred_new == y_new).float().mean().item():.3f}")
print("first predictions:", pred_new[:10].int().tolist(), " actual:", y_new[:10].int().tolist())
