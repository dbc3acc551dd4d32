"""torch: user trains an MLP on digits whose labels come from an annotation export that randomly re-assigns about 35% of the labels, so a third of the training and test labels are wrong and accuracy is capped far below what digits allows."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)

digits = load_digits()
images = digits.data / 16.0


def load_annotations(n_items, reference, rng):
    """Labels as they come out of our annotation tool export."""
    labels = reference.copy()
    reassigned = rng.random(n_items) < 0.35
    labels[reassigned] = rng.integers(0, 10, reassigned.sum())
    return labels


rng = np.random.default_rng(SEED)
labels = load_annotations(len(images), digits.target, rng)

X_train, X_test, y_train, y_test = train_test_split(images, labels, test_size=0.2, random_state=SEED)

train_loader = DataLoader(
    TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
    batch_size=64, shuffle=True,
)
test_loader = DataLoader(
    TensorDataset(torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test)),
    batch_size=256,
)


class DigitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.layers(x)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(yb)
        correct += (out.argmax(1) == yb).sum().item()
        total += len(yb)
    return loss_sum / total, correct / total


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    return correct / total


model = DigitNet()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1, 41):
    loss, acc = train_one_epoch(model, train_loader, optimizer, loss_fn)
    if epoch % 10 == 0:
        print(f"epoch {epoch}: train loss {loss:.3f}  train acc {acc:.3f}  test acc {evaluate(model, test_loader):.3f}")

print(f"test accuracy: {evaluate(model, test_loader):.3f}")
