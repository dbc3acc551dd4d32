"""torch: user feeds the raw breast-cancer features (areas in the thousands next to ratios around 0.1) straight into an MLP trained with SGD, without any standardisation, so training is dominated by the large columns and the model ends up predicting only the majority class."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.2, random_state=0, stratify=data.target
)

X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_test = torch.tensor(y_test, dtype=torch.long)

model = nn.Sequential(
    nn.Linear(30, 32),
    nn.ReLU(),
    nn.Linear(32, 16),
    nn.ReLU(),
    nn.Linear(16, 2),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

batch_size = 32
for epoch in range(50):
    perm = torch.randperm(len(X_train))
    epoch_loss = 0.0
    for start in range(0, len(X_train), batch_size):
        idx = perm[start:start + batch_size]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * len(idx)
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: loss {epoch_loss / len(X_train):.4f}")

with torch.no_grad():
    train_acc = (model(X_train).argmax(dim=1) == y_train).float().mean().item()
    test_acc = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
print(f"train accuracy: {train_acc:.3f}")
print(f"test accuracy: {test_acc:.3f}")
