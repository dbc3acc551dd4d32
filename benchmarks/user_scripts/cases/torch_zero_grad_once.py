"""torch: zero_grad() called once, before the training loop, instead of every step."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(5)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
optimizer.zero_grad()
for epoch in range(30):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 16):
        idx = perm[i:i + 16]
        loss = criterion(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
    print(epoch, loss.item())
