"""torch: labels read from a second file that has a header row the features file lacks: shifted by one row."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(36)
x, y = load_wine(return_X_y=True)
order = np.random.default_rng(36).permutation(len(x))  # the export is in random order
x, y = x[order], y[order]
y = np.roll(y, 1)  # the header line pushed every label down one row
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
n = int(0.75 * len(x))
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(60):
    perm = torch.randperm(n)
    for i in range(0, n, 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    print("test accuracy", (model(x[n:]).argmax(1) == y[n:]).float().mean().item())
