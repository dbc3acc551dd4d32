"""Breast-cancer features are put in a pandas DataFrame and sorted by 'mean radius' for inspection, but the labels are still taken from the original (unsorted) sklearn bunch, so rows and labels no longer belong together."""
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

data = load_breast_cancer()
df = pd.DataFrame(data.data, columns=data.feature_names)
df = df.sort_values("mean radius").reset_index(drop=True)
print(df[["mean radius", "mean texture", "mean area"]].describe().loc[["min", "max"]])

X = df.values.astype(np.float32)
y = data.target

X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


class TabularDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


train_loader = DataLoader(TabularDataset(X_train, y_train), batch_size=32, shuffle=True)

model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

for epoch in range(40):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: train loss {running / len(X_train):.4f}")

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(torch.tensor(X_test, dtype=torch.float32)).squeeze(1)).numpy()
pred = (probs > 0.5).astype(int)
print("test accuracy:", round(float((pred == y_test).mean()), 3))
print("majority-class baseline:", round(float(max(y_test.mean(), 1 - y_test.mean())), 3))
