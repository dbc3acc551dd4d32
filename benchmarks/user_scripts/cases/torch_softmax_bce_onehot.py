"""torch: softmax over 3 classes, one-hot float targets, nn.BCELoss."""
import torch
from torch import nn
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

torch.manual_seed(8)
x, y = load_iris(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = nn.functional.one_hot(torch.tensor(y), 3).float()
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
crit = nn.BCELoss()
for epoch in range(30):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 16):
        idx = perm[i:i+16]
        opt.zero_grad()
        crit(model(x[idx]), y[idx]).backward()
        opt.step()
with torch.no_grad():
    print("train accuracy", (model(x).argmax(1) == y.argmax(1)).float().mean().item())
