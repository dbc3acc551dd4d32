"""Digits stored as one dataset per class are joined with ConcatDataset and split into train/test with Subset(range(...)), so the test set is the last classes only (and those classes are barely in training) even though the train loader shuffles."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import ConcatDataset, DataLoader, Dataset, Subset
from sklearn.datasets import load_digits

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

digits = load_digits()


class DigitFolder(Dataset):
    """Pretend each class lives in its own folder: data/0/, data/1/, ..."""

    def __init__(self, label):
        mask = digits.target == label
        self.images = torch.tensor(digits.images[mask] / 16.0, dtype=torch.float32)
        self.label = label

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i].unsqueeze(0), self.label


full = ConcatDataset([DigitFolder(c) for c in range(10)])
n_train = int(0.8 * len(full))
train_ds = Subset(full, range(0, n_train))
test_ds = Subset(full, range(n_train, len(full)))
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
test_loader = DataLoader(test_ds, batch_size=128)
print(f"train {len(train_ds)}  test {len(test_ds)}")


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


model = SmallCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()


def evaluate(loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(1) == yb).sum().item()
            total += len(yb)
    return correct / total


for epoch in range(10):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}  train acc {evaluate(train_loader):.3f}  test acc {evaluate(test_loader):.3f}")

print("final test accuracy:", round(evaluate(test_loader), 3))
