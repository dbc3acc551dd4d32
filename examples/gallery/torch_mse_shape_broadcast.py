"""Bug: the model outputs [N, 1], the target is [N]: MSELoss broadcasts them to [N, N]."""
import torch
from torch import nn
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
x, y = load_diabetes(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor((y - y.mean()) / y.std(), dtype=torch.float32)  # shape [N]

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))  # output [N, 1]
loss_fn = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(30):
    for i in range(0, len(x), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i:i + 32]), y[i:i + 32])  # UserWarning: broadcasting
        loss.backward()
        optimizer.step()
print(f"last loss: {loss.item():.3f}")
