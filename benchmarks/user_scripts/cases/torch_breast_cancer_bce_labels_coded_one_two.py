"""Breast-cancer DataFrame where the diagnosis is coded 1 = benign / 2 = malignant (registry style) and fed straight to BCEWithLogitsLoss as the target."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

bc = load_breast_cancer(as_frame=True)
df = bc.frame.copy()
# the registry export codes diagnosis as 1 = benign, 2 = malignant
df["diagnosis"] = np.where(df.pop("target") == 1, 1, 2)

features = df.drop(columns=["diagnosis"])
labels = df["diagnosis"]
X_train, X_test, y_train, y_test = train_test_split(features, labels, test_size=0.25, random_state=0)

scaler = StandardScaler().fit(X_train)


class CancerDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(scaler.transform(X), dtype=torch.float32)
        self.y = torch.tensor(y.to_numpy(), dtype=torch.float32)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


train_loader = DataLoader(CancerDataset(X_train, y_train), batch_size=32, shuffle=True)
test_ds = CancerDataset(X_test, y_test)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(40):
    running = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        opt.step()
        running += loss.item() * len(xb)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: loss {running / len(train_loader.dataset):.4f}")

model.eval()
with torch.no_grad():
    prob = torch.sigmoid(model(test_ds.X).squeeze(1))
pred = np.where(prob.numpy() > 0.5, 2, 1)
print("predicted diagnoses:", pred[:20])
print(f"test accuracy: {(pred == y_test.to_numpy()).mean():.3f}")
