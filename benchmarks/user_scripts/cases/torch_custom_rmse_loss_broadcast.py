"""torch: regression with a hand-written RMSE loss function; the model outputs shape (N, 1) while the targets are (N,), so the subtraction inside the custom loss broadcasts to (N, N)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(1)
np.random.seed(1)

X, y = make_regression(n_samples=1200, n_features=8, n_informative=6, noise=10.0, random_state=1)
y = (y - y.mean()) / y.std()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=1)
sc = StandardScaler().fit(X_train)
X_train = torch.tensor(sc.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(sc.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_test = torch.tensor(y_test, dtype=torch.float32)


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x)


def rmse_loss(pred, target):
    return torch.sqrt(torch.mean((pred - target) ** 2) + 1e-8)


model = Regressor()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
ds = torch.utils.data.TensorDataset(X_train, y_train)
loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

for epoch in range(60):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = rmse_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  train RMSE {total / len(ds):.4f}")

model.eval()
with torch.no_grad():
    pred = model(X_test)
    test_rmse = rmse_loss(pred, y_test).item()
print(f"test RMSE: {test_rmse:.4f}")
print(f"test R^2: {r2_score(y_test.numpy(), pred.numpy()):.3f}")
