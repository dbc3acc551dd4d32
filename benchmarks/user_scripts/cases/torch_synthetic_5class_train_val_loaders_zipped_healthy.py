"""
5-class synthetic tabular data (make_classification, 3000 rows, 30 features).
Each epoch I run over the whole train loader and then over the validation loader
to log both losses.

Train loss goes to ~0.05, validation loss bottoms out around 0.32 and then rises a
little, test accuracy is ~0.9. Should I add early stopping, or is this fine?
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 21
torch.manual_seed(SEED)

X, y = make_classification(n_samples=3000, n_features=30, n_informative=15, n_redundant=5,
                           n_classes=5, n_clusters_per_class=1, class_sep=1.0, random_state=SEED)
X_trval, X_test, y_trval, y_test = train_test_split(X, y, test_size=0.2, random_state=SEED, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(X_trval, y_trval, test_size=0.2,
                                                  random_state=SEED, stratify=y_trval)
scaler = StandardScaler().fit(X_train)


def dataset(X, y):
    return TensorDataset(torch.tensor(scaler.transform(X), dtype=torch.float32),
                         torch.tensor(y, dtype=torch.long))


train_loader = DataLoader(dataset(X_train, y_train), batch_size=32, shuffle=True)
val_loader = DataLoader(dataset(X_val, y_val), batch_size=256)      # bigger batches: no grads needed
test_ds = dataset(X_test, y_test)

model = nn.Sequential(
    nn.Linear(30, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 5),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(1, 21):
    train_losses, val_losses = [], []
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        train_losses.append(loss.item())

    model.eval()
    with torch.no_grad():
        for xv, yv in val_loader:
            val_losses.append(criterion(model(xv), yv).item())
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  train loss {np.mean(train_losses):.4f}  val loss {np.mean(val_losses):.4f}")

model.eval()
with torch.no_grad():
    Xt, yt = test_ds.tensors
    test_acc = (model(Xt).argmax(1) == yt).float().mean().item()
print(f"test accuracy: {test_acc:.3f}")
