"""healthy: configurable-depth tanh MLP on the two-circles toy data, hidden blocks registered in an nn.ModuleList so the optimizer sees every layer."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

X, y = make_circles(n_samples=1000, noise=0.08, factor=0.5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
prep = make_pipeline(StandardScaler())
X_train = torch.tensor(prep.fit_transform(X_train), dtype=torch.float32)
X_test = torch.tensor(prep.transform(X_test), dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)


class MLP(nn.Module):
    def __init__(self, n_in, n_out, hidden=(16, 16, 16, 16)):
        super().__init__()
        self.blocks = nn.ModuleList()
        prev = n_in
        for h in hidden:
            self.blocks.append(nn.Sequential(nn.Linear(prev, h), nn.Tanh()))
            prev = h
        self.head = nn.Linear(prev, n_out)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x)


model = MLP(X_train.shape[1], 2)
print("trainable parameters:", sum(p.numel() for p in model.parameters()))
first_w = model.blocks[0][0].weight.detach().clone()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()

for epoch in range(60):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(X_train), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 20 == 19:
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}")

print("first hidden layer changed:", not torch.equal(first_w, model.blocks[0][0].weight))
model.eval()
with torch.no_grad():
    train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
    test_acc = (model(X_test).argmax(1) == y_test).float().mean().item()
print(f"train accuracy {train_acc:.3f}  test accuracy {test_acc:.3f}")
