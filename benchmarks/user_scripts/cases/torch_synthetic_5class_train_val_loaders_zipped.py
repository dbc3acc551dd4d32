"""
5-class synthetic tabular data (make_classification, 3000 rows, 30 features).
To get train and validation curves at the same granularity I step through the
train loader and the validation loader together, one batch of each per step.

Both curves are suspiciously flat: the train loss is still ~1.5 after 20 epochs
and the test accuracy is only 40-50%, while a RandomForest gets far more on the same split.
The model is an ordinary 2-hidden-layer MLP; I tried more epochs and it creeps up very slowly.
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
    for (xb, yb), (xv, yv) in zip(train_loader, val_loader):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        train_losses.append(loss.item())

        model.eval()
        with torch.no_grad():
            val_losses.append(criterion(model(xv), yv).item())
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  train loss {np.mean(train_losses):.4f}  val loss {np.mean(val_losses):.4f}")

model.eval()
with torch.no_grad():
    Xt, yt = test_ds.tensors
    test_acc = (model(Xt).argmax(1) == yt).float().mean().item()
print(f"test accuracy: {test_acc:.3f}")
