"""torch: zero_grad() placed between backward() and step(), so every step sees zero gradients."""
import torch
from torch import nn
from sklearn.datasets import make_moons

torch.manual_seed(27)
x, y = make_moons(600, noise=0.15, random_state=27)
x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()
for epoch in range(30):
    for i in range(0, len(x), 32):
        out = model(x[i:i + 32])
        loss = criterion(out, y[i:i + 32])
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
    print(epoch, loss.item())
