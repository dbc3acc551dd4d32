"""torch: user applies the focal-loss "prior probability" bias init (-4.6) to every Linear layer of a ReLU MLP instead of only the output layer, so every hidden ReLU is dead and the model outputs a constant."""
import math

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
np.random.seed(42)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype(np.float32)
X_test = scaler.transform(X_test).astype(np.float32)

train_ds = TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train.astype(np.float32)))
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Linear(30, 64),
    nn.ReLU(),
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, 1),
)

prior = 0.01
bias_value = -math.log((1 - prior) / prior)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.bias, bias_value)


model.apply(init_weights)

criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

for epoch in range(60):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        logits = model(xb).squeeze(1)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(xb)
    if epoch % 5 == 0 or epoch == 59:
        print(f"epoch {epoch:2d}  loss {running / len(train_ds):.4f}")

model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(torch.from_numpy(X_test)).squeeze(1))
    preds = (probs > 0.5).long().numpy()
print("test accuracy:", (preds == y_test).mean())
