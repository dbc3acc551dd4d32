"""torch: the whole training loop sits inside torch.no_grad()."""
import torch
from torch import nn
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

torch.manual_seed(57)
x, y = load_iris(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
crit = nn.CrossEntropyLoss()
with torch.no_grad():
    for epoch in range(20):
        for i in range(0, len(x), 16):
            opt.zero_grad()
            loss = crit(model(x[i:i+16]), y[i:i+16])
            loss.backward()
            opt.step()
