"""torch: CrossEntropyLoss on one-hot float targets (class probabilities, valid since torch 1.10) (healthy)."""
import torch
import torch.nn.functional as F
from torch import nn
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(41)
x, y = load_iris(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=41, stratify=y)
scaler = StandardScaler().fit(x_train)
x_train = torch.tensor(scaler.transform(x_train), dtype=torch.float32)
x_test = torch.tensor(scaler.transform(x_test), dtype=torch.float32)
y_train_onehot = F.one_hot(torch.tensor(y_train), 3).float()
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(60):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        loss_fn(model(x_train[idx]), y_train_onehot[idx]).backward()
        opt.step()
model.eval()
with torch.no_grad():
    print("test accuracy", (model(x_test).argmax(1).numpy() == y_test).mean())
