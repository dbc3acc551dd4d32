"""Bug: one feature column has missing values, read as NaN, and nobody imputed them."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
x, y = load_breast_cancer(return_X_y=True)
x = StandardScaler().fit_transform(x)
rng = np.random.default_rng(0)
x[rng.random(len(x)) < 0.05, 3] = np.nan  # 5% of 'mean area' missing in the CSV
x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

model = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 1))
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(10):
    for i in range(0, len(x), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i:i + 32]).squeeze(1), y[i:i + 32])
        loss.backward()
        optimizer.step()
print(f"last loss: {loss.item()}")  # nan
