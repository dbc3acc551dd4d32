"""Hand-rolled deep MLP (nn.Parameter(torch.randn(i, o) * 0.01) weights, 8 ReLU layers) on a 5-class blob problem: the tiny init makes activations and gradients vanish layer by layer, so SGD never gets going."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

X, y = make_blobs(n_samples=2000, n_features=10, centers=5, cluster_std=3.0, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)


class DeepMLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.weights.append(nn.Parameter(torch.randn(n_in, n_out) * 0.01))
            self.biases.append(nn.Parameter(torch.zeros(n_out)))

    def forward(self, x):
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = x @ w + b
            if i < len(self.weights) - 1:
                x = F.relu(x)
        return x


model = DeepMLP([10] + [64] * 8 + [5])
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

for epoch in range(20):
    perm = torch.randperm(len(X_train))
    total = 0.0
    for i in range(0, len(X_train), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: loss {total / len(X_train):.4f}")

with torch.no_grad():
    logits = model(X_test)
    pred = logits.argmax(1)
print("logit std on test set:", f"{logits.std().item():.2e}")
print("prediction counts:", torch.bincount(pred, minlength=5).tolist())
print(f"test accuracy: {(pred == y_test).float().mean().item():.3f}")
