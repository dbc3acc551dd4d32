"""
3-class tabular problem (make_classification), MLP with BatchNorm + Dropout.
I keep a copy of the model from the epoch with the best validation accuracy
(a poor man's ModelCheckpoint) and report the test accuracy of that copy.

The best validation accuracy printed during training is ~0.85 and the test
accuracy of the saved best model is in the same range, and stable between runs.
Is the deepcopy approach OK, or should I save a state_dict instead?
"""
import copy

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(42)
np.random.seed(42)

X, y = make_classification(n_samples=1600, n_features=20, n_informative=10, n_redundant=4,
                           n_classes=3, n_clusters_per_class=2, class_sep=1.2, random_state=42)
X_tmp, X_test, y_tmp, y_test = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(X_tmp, y_tmp, test_size=0.2, random_state=42, stratify=y_tmp)

scaler = StandardScaler().fit(X_train)


def make_loader(X, y, batch_size, shuffle):
    ds = TensorDataset(torch.tensor(scaler.transform(X), dtype=torch.float32),
                       torch.tensor(y, dtype=torch.long))
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


train_loader = make_loader(X_train, y_train, 32, True)
val_loader = make_loader(X_val, y_val, 16, False)
test_loader = make_loader(X_test, y_test, 8, False)


class Net(nn.Module):
    def __init__(self, n_in=20, hidden=64, n_out=3, p_drop=0.5):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_in, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(hidden, n_out),
        )

    def forward(self, x):
        return self.layers(x)


def accuracy(net, loader):
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (net(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    return correct / total


model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()

best_acc, best_model = -1.0, None
for epoch in range(1, 21):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(yb)

    model.eval()
    val_acc = accuracy(model, val_loader)
    if val_acc > best_acc:
        best_acc, best_model = val_acc, copy.deepcopy(model)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {running / len(train_loader.dataset):.4f}  val acc {val_acc:.3f}  best {best_acc:.3f}")

best_model.eval()
test_acc_1 = accuracy(best_model, test_loader)
test_acc_2 = accuracy(best_model, test_loader)
print(f"best val acc: {best_acc:.3f}")
print(f"test acc of best model: {test_acc_1:.3f} (second run: {test_acc_2:.3f})")
