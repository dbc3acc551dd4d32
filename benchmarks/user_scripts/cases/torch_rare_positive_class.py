"""torch: a screening task where 4% of the samples are positive, plain cross-entropy."""
import torch
from torch import nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.manual_seed(24)
x, y = make_classification(n_samples=3000, n_features=12, n_informative=4, weights=[0.96, 0.04],
                           class_sep=0.6, random_state=24)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=24, stratify=y)
x_train, x_test = torch.tensor(x_train, dtype=torch.float32), torch.tensor(x_test, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(5):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), 64):
        idx = perm[i:i + 64]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    pred = model(x_test).argmax(1)
print("accuracy", (pred == y_test).float().mean().item(), "positives found", int(pred[y_test == 1].sum()),
      "of", int((y_test == 1).sum()))
