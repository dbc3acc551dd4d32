"""torch: gradient accumulation on purpose, cleared every 4 mini-batches with the loss divided by 4 (healthy)."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(5)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
accum = 4
for epoch in range(30):
    perm = torch.randperm(len(x))
    optimizer.zero_grad()
    for step, i in enumerate(range(0, len(x), 8)):
        idx = perm[i:i + 8]
        loss = criterion(model(x[idx]), y[idx]) / accum
        loss.backward()
        if (step + 1) % accum == 0:
            optimizer.step()
            optimizer.zero_grad()
    print(epoch, loss.item() * accum)
