"""torch: a regression net ending in nn.ReLU(), on standardized targets (half of them negative)."""
import torch
from torch import nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(35)
x, y = make_regression(n_samples=1200, n_features=8, n_informative=6, noise=10.0, random_state=35)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=35)
sx, sy = StandardScaler().fit(x_train), StandardScaler().fit(y_train.reshape(-1, 1))
x_train = torch.tensor(sx.transform(x_train), dtype=torch.float32)
x_test = torch.tensor(sx.transform(x_test), dtype=torch.float32)
y_train = torch.tensor(sy.transform(y_train.reshape(-1, 1)), dtype=torch.float32)
y_test = torch.tensor(sy.transform(y_test.reshape(-1, 1)), dtype=torch.float32)
model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 1), nn.ReLU())
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
for epoch in range(40):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    print("test mse", loss_fn(model(x_test), y_test).item())
