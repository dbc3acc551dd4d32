"""torch: user trains a large 3x512 MLP for 150 epochs on an 80-sample training subset of a 200-feature data set with no regularisation, so it memorises the training set and validation accuracy is far below training accuracy."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
np.random.seed(1)

X, y = make_classification(
    n_samples=1000, n_features=200, n_informative=8, n_redundant=4,
    n_classes=2, class_sep=0.8, random_state=1,
)

X_train, y_train = X[:80], y[:80]
X_val, y_val = X[200:], y[200:]

scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_val = torch.tensor(y_val, dtype=torch.long)


class BigMLP(nn.Module):
    def __init__(self, d_in, d_hidden=512, n_classes=2):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.fc3 = nn.Linear(d_hidden, d_hidden)
        self.out = nn.Linear(d_hidden, n_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.relu(self.fc3(x))
        return self.out(x)


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(1) == y).float().mean().item()


model = BigMLP(X_train.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

batch_size = 32
for epoch in range(150):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(X_train), batch_size):
        idx = perm[i:i + batch_size]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if (epoch + 1) % 30 == 0:
        print(f"epoch {epoch + 1}: loss {loss.item():.5f}  train acc {accuracy(model, X_train, y_train):.3f}  val acc {accuracy(model, X_val, y_val):.3f}")

print(f"final train accuracy: {accuracy(model, X_train, y_train):.3f}")
print(f"final validation accuracy: {accuracy(model, X_val, y_val):.3f}")
