"""torch: ExponentialLR(gamma=0.9) stepped after every batch, over 20 epochs."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(3)
x, y = load_breast_cancer(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=3, stratify=y)
sc = StandardScaler().fit(x_train)
train = TensorDataset(torch.tensor(sc.transform(x_train), dtype=torch.float32), torch.tensor(y_train))
loader = DataLoader(train, batch_size=16, shuffle=True)
model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
for epoch in range(20):
    for xb, yb in loader:
        opt.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
        sched.step()
model.eval()
with torch.no_grad():
    xv = torch.tensor(sc.transform(x_val), dtype=torch.float32)
    print("val accuracy", (model(xv).argmax(1).numpy() == y_val).mean())
