"""
Porting my from-scratch numpy MLP for the digits data set to PyTorch. I kept my
own weight initialisation (Gaussian with std = 1/sqrt(fan_in), zero biases, seeded
with numpy so results match the numpy version) and tanh hidden layers.

The numpy version reached ~95% test accuracy. The PyTorch version trains without errors, the
loss goes down a bit and then crawls along around 1.7, and the test accuracy is stuck far below
that. Changing the learning rate or the number of epochs does not help.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

ARCH = [64, 64, 32, 10]
EPOCHS = 40
BATCH = 64
LR = 0.05


def gaussian_init_(layer: nn.Linear) -> None:
    """Same init as in my numpy code: w ~ N(0, 1/fan_in), b = 0."""
    fan_in = layer.weight.shape[1]
    with torch.no_grad():
        layer.weight[:] = torch.as_tensor(rng.normal(0.0, 1.0 / np.sqrt(fan_in)), dtype=torch.float32)
        layer.bias.zero_()


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            lin = nn.Linear(n_in, n_out)
            gaussian_init_(lin)
            layers.append(lin)
            if i < len(sizes) - 2:
                layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


digits = load_digits()
X = digits.data.astype(np.float32) / 16.0            # pixels 0..16 -> 0..1
X = X - X.mean(axis=0)                                 # center like in the numpy code
X_tr, X_te, y_tr, y_te = train_test_split(X, digits.target, test_size=0.25,
                                          random_state=0, stratify=digits.target)
X_tr, X_te = torch.from_numpy(X_tr), torch.from_numpy(X_te)
y_tr, y_te = torch.from_numpy(y_tr).long(), torch.from_numpy(y_te).long()

model = MLP(ARCH)
opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(EPOCHS):
    perm = torch.randperm(len(X_tr))
    total = 0.0
    for start in range(0, len(perm), BATCH):
        idx = perm[start:start + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1:2d}  loss {total / len(X_tr):.4f}")

with torch.no_grad():
    train_acc = (model(X_tr).argmax(1) == y_tr).float().mean().item()
    test_acc = (model(X_te).argmax(1) == y_te).float().mean().item()
print(f"train accuracy: {train_acc:.3f}")
print(f"test accuracy:  {test_acc:.3f}")
