"""torch: regression, output (N, 1) against targets (N,) in L1Loss (broadcasts to N x N)."""
import torch
from torch import nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

torch.manual_seed(7)
x, y = make_regression(n_samples=600, n_features=5, noise=3.0, random_state=7)
y = (y - y.mean()) / y.std()
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=7)
xt, yt = torch.tensor(x_train, dtype=torch.float32), torch.tensor(y_train, dtype=torch.float32)
model = nn.Sequential(nn.Linear(5, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(40):
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 32):
        idx = perm[i:i+32]
        opt.zero_grad()
        nn.L1Loss()(model(xt[idx]), yt[idx]).backward()
        opt.step()
with torch.no_grad():
    pred = model(torch.tensor(x_test, dtype=torch.float32)).squeeze(1).numpy()
print("test R2", 1 - ((pred - y_test) ** 2).mean() / y_test.var())
