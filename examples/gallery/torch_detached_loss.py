"""Bug: the loss is rebuilt from .item() as a new tensor, so backward() never reaches the model."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
x, y = load_wine(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=3)
sc = StandardScaler().fit(x_train)
x_train = torch.tensor(sc.transform(x_train), dtype=torch.float32)
x_test = torch.tensor(sc.transform(x_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
crit = nn.CrossEntropyLoss()
for epoch in range(30):
    for i in range(0, len(x_train), 16):
        opt.zero_grad()
        out = model(x_train[i:i+16])
        loss = torch.tensor(crit(out, y_train[i:i+16]).item(), requires_grad=True)
        loss.backward()
        opt.step()
with torch.no_grad():
    acc = (model(x_test).argmax(1) == y_test).float().mean().item()
print("test accuracy", acc)
