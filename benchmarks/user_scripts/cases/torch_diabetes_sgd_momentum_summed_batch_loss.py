"""Diabetes progression regression (10 clinical features) with SGD + momentum.

Everything is standardized (features and target), the network is tiny and
lr=0.01 with momentum 0.9 is a very ordinary setting, yet the loss blows up to
nan within the first epochs and the test R^2 is nan. Why does SGD break here?
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(0)

HPARAMS = dict(lr=0.01, momentum=0.9, batch_size=128, epochs=60, hidden=64)

X, y = load_diabetes(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=1)
x_scaler = StandardScaler().fit(X_tr)
y_mean, y_std = y_tr.mean(), y_tr.std()


def make_tensors(X_, y_):
    Xt = torch.tensor(x_scaler.transform(X_), dtype=torch.float32)
    yt = torch.tensor((y_ - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)
    return Xt, yt


Xtr_t, ytr_t = make_tensors(X_tr, y_tr)
Xte_t, _ = make_tensors(X_te, y_te)
loader = DataLoader(TensorDataset(Xtr_t, ytr_t), batch_size=HPARAMS["batch_size"], shuffle=True)


class Regressor(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden), nn.Tanh(),
                                  nn.Linear(hidden, hidden), nn.Tanh())
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.out(self.body(x))


model = Regressor(X.shape[1], HPARAMS["hidden"])
criterion = nn.MSELoss(reduction="sum")   # every sample weighted equally, even in the last batch
optimizer = torch.optim.SGD(model.parameters(), lr=HPARAMS["lr"], momentum=HPARAMS["momentum"])

for epoch in range(HPARAMS["epochs"]):
    model.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    if epoch % 10 == 0 or epoch == HPARAMS["epochs"] - 1:
        print(f"epoch {epoch:3d}  mse per sample {epoch_loss / len(Xtr_t):.4f}")

model.eval()
with torch.no_grad():
    pred = model(Xte_t).squeeze(1).numpy() * y_std + y_mean
if np.all(np.isfinite(pred)):
    print(f"test R^2: {r2_score(y_te, pred):.3f}")
else:
    print("test R^2: nan (non-finite predictions)")
