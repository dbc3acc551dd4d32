"""torch: a plain regression, inputs and targets standardized, Adam, trained to convergence (healthy)."""
import torch
from torch import nn
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(38)
x, y = make_friedman1(n_samples=1500, noise=0.5, random_state=38)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=38)
sx, sy = StandardScaler().fit(x_train), StandardScaler().fit(y_train.reshape(-1, 1))
x_train = torch.tensor(sx.transform(x_train), dtype=torch.float32)
x_test = torch.tensor(sx.transform(x_test), dtype=torch.float32)
y_train = torch.tensor(sy.transform(y_train.reshape(-1, 1)), dtype=torch.float32)
y_test = torch.tensor(sy.transform(y_test.reshape(-1, 1)), dtype=torch.float32)
model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
for epoch in range(80):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss_fn(model(x_train[idx]), y_train[idx]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    print("test mse", loss_fn(model(x_test), y_test).item())
