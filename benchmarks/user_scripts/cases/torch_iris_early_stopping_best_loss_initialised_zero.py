"""Iris classifier with early stopping on the validation loss. Training always stops
after 5 epochs ("early stopping") and accuracy is stuck around 30%.
I'd expect iris to reach >90% easily. What is going on?
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
np.random.seed(3)

X, y = load_iris(return_X_y=True)
X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=3)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_val = torch.tensor(y_val)


class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


model = IrisNet()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

max_epochs = 300
patience = 5
best_val_loss = 0.0
best_state = copy.deepcopy(model.state_dict())
epochs_no_improve = 0

for epoch in range(max_epochs):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X_tr), y_tr)
    loss.backward()
    optimizer.step()

    model.eval()
    with torch.no_grad():
        val_loss = F.cross_entropy(model(X_val), y_val).item()

    if val_loss < best_val_loss:
        best_val_loss = val_loss
        best_state = copy.deepcopy(model.state_dict())
        epochs_no_improve = 0
    else:
        epochs_no_improve += 1
        if epochs_no_improve >= patience:
            print(f"early stopping at epoch {epoch + 1}")
            break
    print(f"epoch {epoch + 1}: train loss {loss.item():.4f}  val loss {val_loss:.4f}")

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    acc = (model(X_val).argmax(1) == y_val).float().mean().item()
print(f"validation accuracy: {acc:.3f}")
