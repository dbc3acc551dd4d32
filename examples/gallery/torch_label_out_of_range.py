"""Bug: labels are 1..3 (e.g. from a CSV), but the model has 3 outputs for classes 0..2: crashes."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y + 1)  # classes as numbered in the source file: 1, 2, 3

model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

perm = torch.randperm(len(x))
x, y = x[perm], y[perm]
for epoch in range(10):
    for i in range(0, len(x), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i:i + 32]), y[i:i + 32])
        loss.backward()
        optimizer.step()
