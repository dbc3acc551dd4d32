"""torch: class labels as float32 into CrossEntropyLoss."""
import torch
from torch import nn
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

torch.manual_seed(39)
x, y = load_iris(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
crit = nn.CrossEntropyLoss()
for epoch in range(20):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 16):
        idx = perm[i:i+16]
        opt.zero_grad()
        loss = crit(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
