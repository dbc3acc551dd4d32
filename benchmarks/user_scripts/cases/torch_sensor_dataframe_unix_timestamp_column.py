"""Machine-fault classifier on sensor readings (pandas DataFrame -> torch). Since I
added the reading time as an extra column the loss is enormous and jumps around,
and accuracy is about 50%. Before that it was ~90%. The timestamp shouldn't hurt
the model, worst case it's just ignored?
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification

np.random.seed(0)
torch.manual_seed(0)

X, y = make_classification(n_samples=1200, n_features=8, n_informative=5, n_redundant=1,
                           class_sep=1.2, random_state=0)
df = pd.DataFrame(X, columns=[f"sensor_{i}" for i in range(8)])
df["fault"] = y
# one reading per minute starting 2024-01-01
df["timestamp"] = pd.date_range("2024-01-01", periods=len(df), freq="min")
df = df.sample(frac=1.0, random_state=0).reset_index(drop=True)

# model needs numbers -> seconds since epoch
df["ts"] = df["timestamp"].astype("int64") // 10**9
feature_cols = [c for c in df.columns if c.startswith("sensor_")] + ["ts"]

train_df = df.iloc[:900]
test_df = df.iloc[900:]


def to_tensors(frame):
    return (torch.tensor(frame[feature_cols].values, dtype=torch.float32),
            torch.tensor(frame["fault"].values, dtype=torch.float32))


X_train, y_train = to_tensors(train_df)
X_test, y_test = to_tensors(test_df)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(len(feature_cols), 32), nn.ReLU(),
                      nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(20):
    model.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb).squeeze(-1), yb)
        loss.backward()
        opt.step()
        epoch_loss += loss.item() * len(xb)
    if (epoch + 1) % 4 == 0:
        print(f"epoch {epoch + 1}: loss {epoch_loss / len(X_train):.2f}")

model.eval()
with torch.no_grad():
    pred = (model(X_test).squeeze(-1) > 0).float()
print("test accuracy:", round((pred == y_test).float().mean().item(), 3))
print("share predicted as fault:", round(pred.mean().item(), 3))
