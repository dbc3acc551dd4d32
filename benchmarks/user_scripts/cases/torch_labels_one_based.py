"""torch: wine classes read from a CSV as 1, 2, 3, with three output units."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(22)
x, y = load_wine(return_X_y=True)
y = y + 1  # the file numbers the cultivars 1..3
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(20):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
