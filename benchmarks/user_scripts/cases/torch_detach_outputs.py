"""torch: the outputs are detached before the loss (to 'save memory')."""
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
x, y = load_wine(return_X_y=True)
x = torch.tensor(StandardScaler().fit_transform(x), dtype=torch.float32)
y = torch.tensor(y)
model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()
for epoch in range(10):
    for i in range(0, len(x), 16):
        opt.zero_grad()
        out = model(x[i:i+16]).detach()
        loss = crit(out, y[i:i+16])
        loss.backward()
        opt.step()
