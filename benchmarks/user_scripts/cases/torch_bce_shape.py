"""torch: sigmoid output (N, 1) and BCELoss against targets (N,)."""
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

torch.manual_seed(30)
x, y = load_breast_cancer(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32)
model = nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.BCELoss()
for epoch in range(10):
    for i in range(0, len(x), 32):
        opt.zero_grad()
        loss = crit(model(x[i:i+32]), y[i:i+32])
        loss.backward()
        opt.step()
