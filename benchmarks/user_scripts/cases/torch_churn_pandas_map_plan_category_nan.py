"""Churn prediction from a customer table. I encode the categorical columns with a
dict + .map() and feed everything into a small PyTorch net. The loss prints nan
from the very first epoch and the model predicts the same class for everybody.
The numeric columns are standardized, so I don't see where it breaks.
"""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn

rng = np.random.default_rng(11)
torch.manual_seed(11)

n = 1000
df = pd.DataFrame({
    "tenure_months": rng.integers(1, 72, n),
    "monthly_charges": rng.normal(70, 20, n).round(2),
    "support_calls": rng.poisson(1.5, n),
    "plan": rng.choice(["basic", "standard", "premium", "Premium"], n, p=[0.4, 0.3, 0.2, 0.1]),
    "contract": rng.choice(["month-to-month", "one-year", "two-year"], n, p=[0.5, 0.3, 0.2]),
})
logit = (-0.05 * df.tenure_months + 0.03 * (df.monthly_charges - 70) + 0.6 * df.support_calls
         + np.where(df.contract == "month-to-month", 1.0, -1.0))
df["churn"] = (logit + rng.normal(0, 1, n) > 0).astype(int)

plan_codes = {"basic": 0, "standard": 1, "premium": 2}
contract_codes = {"month-to-month": 0, "one-year": 1, "two-year": 2}
df["plan"] = df["plan"].map(plan_codes)
df["contract"] = df["contract"].map(contract_codes)

num_cols = ["tenure_months", "monthly_charges", "support_calls"]
df[num_cols] = (df[num_cols] - df[num_cols].mean()) / df[num_cols].std()

features = num_cols + ["plan", "contract"]
X = torch.tensor(df[features].values, dtype=torch.float32)
y = torch.tensor(df["churn"].values, dtype=torch.long)

perm = torch.randperm(n)
train_idx, test_idx = perm[:800], perm[800:]

model = nn.Sequential(nn.Linear(len(features), 32), nn.Tanh(), nn.Linear(32, 2))
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

batch_size = 50
for epoch in range(15):
    model.train()
    shuffled = train_idx[torch.randperm(len(train_idx))]
    losses = []
    for i in range(0, len(shuffled), batch_size):
        idx = shuffled[i:i + batch_size]
        optimizer.zero_grad()
        loss = criterion(model(X[idx]), y[idx])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f}")

model.eval()
with torch.no_grad():
    preds = model(X[test_idx]).argmax(1)
print("test accuracy:", round((preds == y[test_idx]).float().mean().item(), 3))
print("churn rate in test:", round(y[test_idx].float().mean().item(), 3))
print("predicted classes:", torch.bincount(preds, minlength=2).tolist())
