"""torch: user trains a BatchNorm MLP, switches it to model.eval() and then predicts the test set in small batches of 4 (healthy)."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)

X, y = make_classification(
    n_samples=1500, n_features=20, n_informative=10, n_redundant=4,
    n_classes=4, n_clusters_per_class=1, random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)


def to_ds(a, b):
    return TensorDataset(torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.long))


train_loader = DataLoader(to_ds(X_train, y_train), batch_size=64, shuffle=True)
test_loader = DataLoader(to_ds(X_test, y_test), batch_size=4)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(20, 64),
            nn.BatchNorm1d(64),
            nn.ReLU(),
            nn.Linear(64, 64),
            nn.BatchNorm1d(64),
            nn.ReLU(),
            nn.Linear(64, 4),
        )

    def forward(self, x):
        return self.net(x)


model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(30):
    model.train()
    total_loss, correct, n = 0.0, 0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(yb)
        correct += (out.argmax(1) == yb).sum().item()
        n += len(yb)
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1}: loss {total_loss / n:.4f}  train acc {correct / n:.3f}")

model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in test_loader:
        preds = model(xb).argmax(1)
        correct += (preds == yb).sum().item()
print(f"test accuracy: {correct / len(test_loader.dataset):.3f}")
