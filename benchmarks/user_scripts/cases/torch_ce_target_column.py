"""torch: CrossEntropyLoss given targets of shape (N, 1)."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(2)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y).reshape(-1, 1)
model = nn.Sequential(nn.Linear(13, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(10):
    for i in range(0, len(x), 16):
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(model(x[i:i+16]), y[i:i+16])
        loss.backward()
        opt.step()
