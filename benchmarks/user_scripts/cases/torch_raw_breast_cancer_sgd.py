"""torch: breast-cancer features fed raw (areas in the thousands next to ratios near 0.1), plain SGD."""
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=8)
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train, dtype=torch.float32), torch.tensor(y_test, dtype=torch.float32)
model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.001)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(20):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]).squeeze(1), y_train[idx])
        loss.backward()
        opt.step()
with torch.no_grad():
    acc = ((model(x_test).squeeze(1) > 0).float() == y_test).float().mean().item()
print("test accuracy", acc)
