"""torch: every parameter frozen, then the optimizer built over the trainable ones: none."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(14)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
for p in model.parameters():
    p.requires_grad = False
opt = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-3)
for epoch in range(10):
    for i in range(0, len(x), 16):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x[i:i+16]), y[i:i+16])
        loss.backward()
        opt.step()
