"""
Loan default prediction on our applicant table (simulated here with numpy/pandas).
I enrich each applicant with the cost-of-living index and median rent of their
region from a small lookup table, standardize the numeric columns with pandas,
and train a small MLP with BCEWithLogitsLoss.

From the very first epoch the printed loss is nan, and the model predicts
"no default" for everybody (accuracy == share of non-defaults). There are no
missing values in the applicant table -- I checked df.isna().sum() before training.
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(11)
torch.manual_seed(11)

# ------------------------------------------------------------------ applicant table
n = 3000
regions = ["north", "south", "east", "west", "central", "coast"]
applicants = pd.DataFrame({
    "applicant_id": np.arange(n),
    "region": rng.choice(regions, size=n),
    "income": rng.lognormal(10.6, 0.45, n).round(0),
    "loan_amount": rng.lognormal(9.6, 0.6, n).round(0),
    "age": rng.integers(19, 75, n),
    "n_late_payments": rng.poisson(0.7, n),
})
print("missing values in applicant table:", int(applicants.isna().sum().sum()))

# region lookup maintained by the finance team
region_info = pd.DataFrame({
    "region": ["north", "south", "east", "west", "central"],
    "col_index": [0.92, 0.85, 1.05, 1.10, 1.30],
    "median_rent": [850, 780, 990, 1050, 1400],
})

REGION_EFFECT = {"north": 0.0, "south": -0.2, "east": 0.1, "west": 0.2, "central": 0.6, "coast": 0.4}
ratio = applicants["loan_amount"] / applicants["income"]
logit = (-2.0 + 9.0 * (ratio - ratio.mean()) + 1.2 * applicants["n_late_payments"]
         - 0.02 * (applicants["age"] - 45) + applicants["region"].map(REGION_EFFECT))
applicants["default"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.merge(region_info, on="region", how="left")
    frame["debt_to_income"] = frame["loan_amount"] / frame["income"]
    frame["rent_burden"] = frame["median_rent"] * 12 / frame["income"]
    return frame


data = build_features(applicants)
NUMERIC = ["income", "loan_amount", "age", "n_late_payments", "col_index",
           "median_rent", "debt_to_income", "rent_burden"]

# ------------------------------------------------------------------ split + scale
data = data.sample(frac=1.0, random_state=11).reset_index(drop=True)
n_train = int(0.8 * len(data))
train, test = data.iloc[:n_train], data.iloc[n_train:]
mu, sd = train[NUMERIC].mean(), train[NUMERIC].std()


def to_tensors(frame):
    X = ((frame[NUMERIC] - mu) / sd).to_numpy(dtype=np.float32)
    y = frame["default"].to_numpy(dtype=np.float32)
    return torch.tensor(X), torch.tensor(y).unsqueeze(1)


X_train, y_train = to_tensors(train)
X_test, y_test = to_tensors(test)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(len(NUMERIC), 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(1, 21):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    if epoch % 4 == 0:
        print(f"epoch {epoch:2d}  loss {total / len(X_train):.4f}")

model.eval()
with torch.no_grad():
    pred = (torch.sigmoid(model(X_test)) > 0.5).float()
acc = (pred == y_test).float().mean().item()
print(f"share of non-defaults in test: {1 - y_test.mean().item():.3f}")
print(f"test accuracy: {acc:.3f}   predicted defaults: {int(pred.sum().item())}")
