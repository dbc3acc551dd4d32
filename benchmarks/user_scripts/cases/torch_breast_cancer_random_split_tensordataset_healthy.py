"""Breast cancer MLP, split with torch's random_split so I don't need sklearn for the
splitting. Test accuracy looks fine to me, but I'm new to torch.utils.data --
is it OK to zip the Subset items into a list for the DataLoader like this?
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)

data = load_breast_cancer()
X = StandardScaler().fit_transform(data.data)
X_t = torch.tensor(X, dtype=torch.float32)
y_t = torch.tensor(data.target, dtype=torch.float32)

n_train = int(0.8 * len(X_t))
n_test = len(X_t) - n_train
train_set, test_set = random_split(TensorDataset(X_t, y_t), [n_train, n_test])

train_loader = DataLoader(list(train_set), batch_size=32, shuffle=True)
test_loader = DataLoader(list(test_set), batch_size=128)


class Net(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.out = nn.Linear(16, 1)

    def forward(self, x):
        return self.out(self.body(x)).squeeze(1)


model = Net(X.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.BCEWithLogitsLoss()

for epoch in range(30):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1}: train loss {running / n_train:.4f}")

model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in test_loader:
        correct += ((model(xb) > 0).float() == yb).sum().item()
print(f"test accuracy: {correct / n_test:.3f}")
