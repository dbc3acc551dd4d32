"""torch: regression on raw house-price-like targets (tens of thousands)."""
import torch
from torch import nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(15)
x, y = make_regression(n_samples=800, n_features=8, noise=10.0, random_state=15)
y = 50_000 + 300 * y
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=15)
sc = StandardScaler().fit(x_train)
xt = torch.tensor(sc.transform(x_train), dtype=torch.float32)
yt = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(30):
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 32):
        idx = perm[i:i+32]
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
with torch.no_grad():
    pred = model(torch.tensor(sc.transform(x_test), dtype=torch.float32)).squeeze(1).numpy()
print("test R2", 1 - ((pred - y_test) ** 2).mean() / y_test.var())
