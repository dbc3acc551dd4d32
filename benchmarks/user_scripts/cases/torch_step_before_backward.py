"""torch: optimizer.step() called before loss.backward() in each iteration (one step behind, first one empty)."""
import torch
from torch import nn
from sklearn.datasets import make_moons

torch.manual_seed(45)
x, y = make_moons(800, noise=0.2, random_state=45)
x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(20):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        opt.step()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
model.eval()
with torch.no_grad():
    print("accuracy", (model(x).argmax(1) == y).float().mean().item())
