"""
Small CNN on the sklearn 8x8 digits, split into train_one_epoch() / evaluate()
like the PyTorch tutorials. The printed train loss is tiny from the first epoch
(~0.1) yet test accuracy stays around 0.1-0.2, while a plain sklearn
LogisticRegression on the same pixels gets ~0.96. I tried a bigger conv, Adam
instead of SGD and more epochs (10 -> 15), it barely moves. Data loading
looks right (I plotted a batch and the labels match). What am I missing?
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

CFG = {"batch_size": 64, "epochs": 15, "lr": 1e-3}


class DigitNet(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 2 * 2, 64)
        self.fc2 = nn.Linear(64, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # 8 -> 4
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # 4 -> 2
        x = x.flatten(1)
        return self.fc2(F.relu(self.fc1(x)))


def make_loaders(batch_size):
    digits = load_digits()
    X = digits.images.astype(np.float32) / 16.0
    y = digits.target.astype(np.int64)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)
    tr = TensorDataset(torch.from_numpy(X_tr).unsqueeze(1), torch.from_numpy(y_tr))
    te = TensorDataset(torch.from_numpy(X_te).unsqueeze(1), torch.from_numpy(y_te))
    return (DataLoader(tr, batch_size=batch_size, shuffle=True),
            DataLoader(te, batch_size=256, shuffle=False))


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item()
        return running / len(loader)


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct = total = 0
    for xb, yb in loader:
        pred = model(xb).argmax(1)
        correct += (pred == yb).sum().item()
        total += yb.numel()
    return correct / total


def main():
    train_loader, test_loader = make_loaders(CFG["batch_size"])
    model = DigitNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
    criterion = nn.CrossEntropyLoss()
    for epoch in range(1, CFG["epochs"] + 1):
        loss = train_one_epoch(model, train_loader, optimizer, criterion)
        if epoch % 3 == 0:
            print(f"epoch {epoch:3d}  train loss {loss:.4f}  test acc {evaluate(model, test_loader):.3f}")
    print(f"final test accuracy: {evaluate(model, test_loader):.4f}")


if __name__ == "__main__":
    main()
