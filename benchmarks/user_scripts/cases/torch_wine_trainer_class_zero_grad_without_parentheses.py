"""Wine classifier: the loss goes down for a few batches, then jumps around and ends
up huge (sometimes nan). Same data with sklearn's LogisticRegression gets ~97%.
I wrapped training in a small Trainer class, maybe something is off in there?
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(0)
np.random.seed(0)

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_test = torch.tensor(scaler.transform(X_test), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.long)
y_test = torch.tensor(y_test, dtype=torch.long)


class Trainer:
    def __init__(self, model, lr=0.05, momentum=0.9):
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        self.criterion = nn.CrossEntropyLoss()

    def train_step(self, xb, yb):
        self.model.train()
        self.optimizer.zero_grad
        loss = self.criterion(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        return (self.model(X).argmax(1) == y).float().mean().item()

    def fit(self, loader, epochs):
        for epoch in range(epochs):
            losses = [self.train_step(xb, yb) for xb, yb in loader]
            if epoch % 5 == 0 or epoch == epochs - 1:
                print(f"epoch {epoch:2d}  loss {np.mean(losses):.4f}")


model = nn.Sequential(nn.Linear(13, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 3))
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)
trainer = Trainer(model)
trainer.fit(loader, epochs=30)
print("train acc:", round(trainer.evaluate(X_train, y_train), 3))
print("test acc:", round(trainer.evaluate(X_test, y_test), 3))
