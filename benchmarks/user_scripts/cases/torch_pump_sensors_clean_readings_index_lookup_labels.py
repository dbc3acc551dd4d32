"""Predicting pump faults from 8 sensor readings (binary classification).

Some sensors drop out and log NaN, so I drop those rows in a cleaning step and
then look up the fault labels for the remaining rows by their index. The MLP
trains, but the loss barely moves from 0.69 and validation accuracy stays at
~50% no matter how long I train or how big the network is. A colleague says
the sensors should be very predictive of faults. What am I missing?
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
rng = np.random.default_rng(0)

SENSORS = ["pressure_in", "pressure_out", "flow", "temp_bearing",
           "temp_motor", "vibration_x", "vibration_y", "current"]

# ---- simulated export from the plant database ----------------------------
X_raw, fault = make_classification(n_samples=2500, n_features=8, n_informative=6,
                                   n_redundant=1, class_sep=1.2, random_state=3)
readings = pd.DataFrame(X_raw * [3, 3, 20, 5, 5, 0.5, 0.5, 2] + [50, 40, 300, 60, 70, 0, 0, 12],
                        columns=SENSORS)
readings.insert(0, "pump_id", rng.integers(1, 40, size=len(readings)))
dropout = rng.random(len(readings)) < 0.12
for row in np.flatnonzero(dropout):
    readings.loc[row, rng.choice(SENSORS)] = np.nan
labels = pd.Series(fault, name="fault")          # same row order as readings


def clean_readings(df):
    """Drop rows where any sensor dropped out."""
    df = df.dropna(subset=SENSORS)
    return df.reset_index(drop=True)


clean = clean_readings(readings)
y = labels.loc[clean.index].to_numpy()
X = clean[SENSORS].to_numpy()
print(f"{len(clean)} clean rows, fault rate {y.mean():.2f}")

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)

train_ds = TensorDataset(torch.tensor(X_tr, dtype=torch.float32),
                         torch.tensor(y_tr, dtype=torch.float32).unsqueeze(1))
loader = DataLoader(train_ds, batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()
Xv = torch.tensor(X_va, dtype=torch.float32)

for epoch in range(20):
    model.train()
    tot = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        val_acc = ((model(Xv).squeeze(1) > 0).numpy() == y_va).mean()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  loss {tot / len(train_ds):.4f}  val acc {val_acc:.3f}")

print(f"final validation accuracy: {val_acc:.3f}")
