"""Handwritten digits (8x8) with my own MLP class and my own weight init.

I wrote a reset_parameters() that mimics PyTorch's default uniform init
(bound = 1/sqrt(fan_in)) so I can control the seed of every layer. Since then
the loss stays at 2.30 for every epoch and the test accuracy is ~10%; the model
predicts the same digit for every image. With the built-in init it was ~97%.
"""
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

np.random.seed(0)

CFG = {"layers": [64, 128, 64, 10], "lr": 1e-3, "epochs": 15, "batch": 64, "seed": 1234}


class DigitMLP(nn.Module):
    def __init__(self, sizes, seed):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.reset_parameters(seed)

    def reset_parameters(self, seed):
        gen = torch.Generator().manual_seed(seed)
        for layer in self.layers:
            fan_in = layer.weight.shape[1]
            bound = 1 // math.sqrt(fan_in)
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=gen)
                layer.bias.uniform_(-bound, bound, generator=gen)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
        return self.layers[-1](x)


digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
y = digits.target
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
X_tr, X_te = torch.from_numpy(X_tr), torch.from_numpy(X_te)
y_tr, y_te = torch.from_numpy(y_tr), torch.from_numpy(y_te)

torch.manual_seed(CFG["seed"])
model = DigitMLP(CFG["layers"], CFG["seed"])
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

for epoch in range(CFG["epochs"]):
    model.train()
    perm = torch.randperm(len(X_tr))
    losses = []
    for i in range(0, len(perm), CFG["batch"]):
        idx = perm[i:i + CFG["batch"]]
        loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch + 1:2d}  loss {np.mean(losses):.4f}")

model.eval()
with torch.no_grad():
    pred = model(X_te).argmax(1)
print(f"predicted classes on test: {sorted(set(pred.tolist()))}")
print(f"test accuracy: {(pred == y_te).float().mean().item():.3f}")
