"""torch: a regression target column with missing values (NaN)."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

torch.manual_seed(26)
rng = np.random.default_rng(26)
x, y = load_diabetes(return_X_y=True)
y = (y - y.mean()) / y.std()
y[rng.random(len(y)) < 0.03] = np.nan
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(20):
    for i in range(0, len(x), 32):
        opt.zero_grad()
        loss = nn.MSELoss()(model(x[i:i+32]), y[i:i+32])
        loss.backward()
        opt.step()
    print(epoch, loss.item())
