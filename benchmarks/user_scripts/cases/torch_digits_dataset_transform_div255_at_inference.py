"""Digits MLP reaches ~97% on my held-out DataLoader, but when I run the same model
through my predict_images() helper on the very same test images, the predictions
are mostly wrong (lots of the same digit). The weights are identical, what gives?
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(1)
np.random.seed(1)

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.images, digits.target, test_size=0.3, stratify=digits.target, random_state=1)


class DigitsDataset(Dataset):
    """8x8 images with pixel values 0..16."""
    def __init__(self, images, labels):
        self.images = images.astype(np.float32)
        self.labels = labels.astype(np.int64)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx]) / 16.0
        img = (img - 0.5) / 0.5
        return img.flatten(), self.labels[idx]


def predict_images(model, images):
    """For new scans coming from the app: returns predicted digits."""
    x = torch.tensor(images, dtype=torch.float32) / 255.0
    x = (x - 0.5) / 0.5
    model.eval()
    with torch.no_grad():
        return model(x.reshape(len(x), -1)).argmax(1).numpy()


model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
train_loader = DataLoader(DigitsDataset(X_train, y_train), batch_size=32, shuffle=True)
test_loader = DataLoader(DigitsDataset(X_test, y_test), batch_size=256)

for epoch in range(15):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    print(f"epoch {epoch + 1:2d} loss {total / len(train_loader.dataset):.4f}")

model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in test_loader:
        correct += (model(xb).argmax(1) == yb).sum().item()
print("test accuracy (DataLoader):", round(correct / len(test_loader.dataset), 3))

preds = predict_images(model, X_test)
print("test accuracy (predict_images):", round(float((preds == y_test).mean()), 3))
print("predicted digit counts:", np.bincount(preds, minlength=10))
