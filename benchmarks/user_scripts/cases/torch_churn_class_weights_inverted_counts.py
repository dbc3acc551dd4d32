"""Churn-style tabular data with 5% positives; the user passes class weights to CrossEntropyLoss but computes them as count/total (the class frequencies) instead of total/count, so the rare class is down-weighted further."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import confusion_matrix, recall_score

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

X, y = make_classification(n_samples=4000, n_features=12, n_informative=6, n_redundant=2,
                           weights=[0.96, 0.04], class_sep=0.6, flip_y=0.01, random_state=3)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train))
train_loader = DataLoader(train_ds, batch_size=64, shuffle=True)

# "balance" the loss so churners count more
counts = np.bincount(y_train)
class_weights = torch.tensor(counts / counts.sum(), dtype=torch.float32)
print("class weights:", class_weights.tolist())


class ChurnNet(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 2))

    def forward(self, x):
        return self.net(x)


model = ChurnNet(X_train.shape[1])
criterion = nn.CrossEntropyLoss(weight=class_weights)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(15):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {total / len(train_ds):.4f}")

model.eval()
with torch.no_grad():
    pred = model(torch.tensor(X_test, dtype=torch.float32)).argmax(1).numpy()
print("test accuracy:", round(float((pred == y_test).mean()), 3))
print("churn recall:", round(recall_score(y_test, pred), 3))
print(confusion_matrix(y_test, pred))
